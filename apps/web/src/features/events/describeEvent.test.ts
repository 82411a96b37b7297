import { describe, expect, it } from "vitest";
import type { DirectorId, HubEvent } from "@lvsdeck/protocol";
import { CAUSE_EXPECTED_WITHIN_MS, describeEvent, eventCause, eventClocks, eventTime } from "./describeEvent";

const at = Date.UTC(2026, 10, 26, 3, 12, 0);
const transition = (keepalivedAt?: number): HubEvent => ({
  id: 1,
  director: "lvs-dir-02" as DirectorId,
  seq: 7,
  observedAt: at + 4,
  receivedAt: at + 9,
  event: { kind: "vrrp-transition", instance: "VI_1", vrid: 51, from: "BACKUP", to: "MASTER", priority: 100, at: at + 4, ...(keepalivedAt !== undefined && { keepalivedAt }) },
});

describe("event times", () => {
  it("puts a transition at keepalived's own time and says how much later agent and hub saw it", () => {
    const e = transition(at + 0.4);
    expect(eventTime(e)).toBe(at + 0.4);
    expect(eventClocks(e)).toBe("keepalived's time · agent +4 ms · hub +9 ms");
  });

  it("falls back to the agent's time, and says so, while keepalived's is not known", () => {
    const e = transition();
    expect(eventTime(e)).toBe(at + 4);
    expect(eventClocks(e)).toBe("agent's time (keepalived's not known) · hub +5 ms");
  });

  it("names the hub's clock for events the hub observed itself", () => {
    const e: HubEvent = { id: 2, director: "lvs-dir-01" as DirectorId, seq: null, observedAt: null, receivedAt: at, event: { kind: "agent", connected: false, detail: "", at } };
    expect(eventClocks(e)).toBe("hub's time");
  });
});

describe("why a transition happened", () => {
  it("shows the hub's cause, and says unknown (waiting, then not known) while it has none", () => {
    const base = transition(at + 0.4);
    const explained: HubEvent = { ...base, event: { ...base.event, cause: { kind: "no-adverts", text: "no adverts from lvs-dir-01 for 3.61 s", evidence: [] } } as HubEvent["event"] };
    expect(eventCause(explained, at)).toBe("no adverts from lvs-dir-01 for 3.61 s");
    expect(eventCause(base, base.receivedAt + 1_000)).toMatch(/^not known yet/);
    expect(eventCause(base, base.receivedAt + CAUSE_EXPECTED_WITHIN_MS)).toBe("not known: no keepalived dump from the director after it");
    const other: HubEvent = { ...base, event: { kind: "keepalived", running: false, detail: "", at } };
    expect(eventCause(other, at)).toBeNull();
  });

  it("words priority changes and a lower-priority advert heard as MASTER", () => {
    const priority = (change: "changed" | "lower-advert-heard", from: number | null, to: number): HubEvent => ({
      ...transition(),
      event: { kind: "vrrp-priority", instance: "VI_1", vrid: 51, change, from, to, at },
    });
    expect(describeEvent(priority("changed", 200, 50))).toEqual({ text: "VI_1 (VRID 51) priority 200 → 50", tone: "bad" });
    expect(describeEvent(priority("changed", 50, 200)).tone).toBe("neutral");
    expect(describeEvent(priority("lower-advert-heard", null, 200))).toEqual({ text: "VI_1 (VRID 51) as MASTER heard a lower-priority advert: another director also claims MASTER", tone: "bad" });
  });
});
