import { describe, expect, it } from "vitest";
import type { DirectorId, HubEvent } from "@lvsdeck/protocol";
import { eventClocks, eventTime } from "./describeEvent";

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
