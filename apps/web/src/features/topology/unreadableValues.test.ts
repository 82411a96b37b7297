import { describe, expect, it } from "vitest";
import { parseAgentFrame } from "@lvsdeck/protocol";
import { sampleSnapshot } from "@lvsdeck/protocol/testFixtures";
import { unreadableValues } from "./unreadableValues";

describe("unreadableValues", () => {
  it("lists each flagged value with its object and raw text", () => {
    const snapshot = sampleSnapshot("lvs-dir-01", 1) as unknown as { services: Array<{ realServers: Array<Record<string, unknown>> }> };
    const rs = snapshot.services[0]?.realServers[0];
    if (rs === undefined) throw new Error("fixture has no real server");
    rs.activeConns = "lots";
    const read = parseAgentFrame(JSON.stringify({ type: "snapshot", snapshot }));
    if (!read.ok || read.value.type !== "snapshot") throw new Error("snapshot not read");
    const found = unreadableValues(read.value.snapshot);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ field: "activeConns", raw: "lots" });
    expect(found[0]?.object).toMatch(/^service .+ real server .+/);
  });

  it("finds nothing in a snapshot read whole, or in no snapshot", () => {
    expect(unreadableValues(sampleSnapshot("lvs-dir-01", 1))).toEqual([]);
    expect(unreadableValues(null)).toEqual([]);
  });
});
