import { describe, expect, it } from "vitest";
import type { DirectorId, IncidentBundle } from "@lvsdeck/protocol";
import { incidentMarkdown } from "./incidentMarkdown";
import { readBundle } from "./BundleViewer";

const t0 = Date.UTC(2026, 11, 5, 3, 12, 0);
const bundle: IncidentBundle = {
  format: "lvsdeck-incident",
  version: 1,
  exportedAt: t0 + 600_000,
  exportedBy: "otto",
  hubVersion: "0.1.0",
  incident: { id: 7, title: "Kernel upgrade | lvs-dir-01", titled: true, startedAt: t0 - 60_000, endedAt: t0 + 120_000, directors: ["lvs-dir-01", "lvs-dir-02"], vrids: [88], eventCount: 2, noteCount: 1 },
  notes: [{ id: 1, at: t0 + 300_000, author: "otto", text: "planned\nsee CHG-1" }],
  events: [
    { id: 7, director: "lvs-dir-01" as DirectorId, seq: 3, observedAt: t0, receivedAt: t0, event: { kind: "vrrp-transition", instance: "VI_88", vrid: 88, from: "MASTER", to: "STOP", priority: 200, at: t0, cause: { kind: "keepalived", text: "keepalived stopped on lvs-dir-01", evidence: [] } } },
    { id: 8, director: "lvs-dir-02" as DirectorId, seq: 9, observedAt: t0 + 600, receivedAt: t0 + 600, event: { kind: "vrrp-transition", instance: "VI_88", vrid: 88, from: "BACKUP", to: "MASTER", priority: 100, at: t0 + 600 } },
  ],
  before: [],
  after: [],
  series: [],
};

describe("an incident's Markdown summary", () => {
  it("gives title, window in UTC, every transition with its cause (or not known), a timeline and the notes", () => {
    const md = incidentMarkdown(bundle);
    expect(md).toContain("# Kernel upgrade | lvs-dir-01");
    expect(md).toContain("- **When:** 2026-12-05T03:11:00Z – 2026-12-05T03:14:00Z");
    expect(md).toContain("**lvs-dir-01** VI_88 (VRID 88) MASTER → STOP, priority 200  \n  why: keepalived stopped on lvs-dir-01");
    expect(md).toContain("why: not known: no keepalived dump from the director after it");
    // A pipe inside a table cell is escaped so the table holds.
    expect(md).toContain("| 2026-12-05T03:12:00Z | lvs-dir-01 | VI_88 (VRID 88) MASTER → STOP, priority 200 |");
    expect(md).toContain("- 2026-12-05T03:17:00Z **otto:** planned\n  see CHG-1");
    expect(md).toContain("**Before:** no snapshot kept.");
  });
});

describe("opening a bundle file", () => {
  it("reads a bundle, and says what is wrong with anything else", () => {
    expect(readBundle(JSON.stringify(bundle))).toEqual({ bundle });
    expect(readBundle("{")).toEqual({ error: "this file is not JSON" });
    expect(readBundle(JSON.stringify({ ...bundle, version: 2 }))).toMatchObject({ error: expect.stringMatching(/^not an lvsdeck incident bundle \(version 1\): version:/) as string });
  });
});
