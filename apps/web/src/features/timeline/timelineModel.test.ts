import { describe, expect, it } from "vitest";
import type { HubEvent } from "@lvsdeck/protocol";
import { compareEvents, stateBands, timelineRows } from "./timelineModel";

let id = 0;
const ev = (director: string, at: number, event: Record<string, unknown>, seq: number | null = null): HubEvent =>
  ({ id: ++id, director, seq, observedAt: at, receivedAt: at, event: { at, ...event } }) as unknown as HubEvent;
const vrrp = (director: string, at: number, from: string, to: string) => ev(director, at, { kind: "vrrp-transition", instance: "VI_1", vrid: 51, from, to, priority: null });
const weight = (director: string, at: number, from: number, to: number) => ev(director, at, { kind: "weight", service: "TCP 192.0.2.1:80", realServer: "198.51.100.1:80", from, to, cause: "operator", commandId: `c-${director}` });

describe("timeline model", () => {
  it("orders strictly: time, then director, then the director's sequence, then arrival", () => {
    const a = ev("d2", 1000, { kind: "keepalived", running: true, detail: "" }, 5);
    const b = ev("d1", 1000, { kind: "keepalived", running: true, detail: "" }, 9);
    const c = ev("d1", 1000, { kind: "keepalived", running: true, detail: "" }, 2);
    const d = ev("d1", 999, { kind: "keepalived", running: true, detail: "" }, 7);
    expect([a, b, c, d].toSorted(compareEvents)).toEqual([d, c, b, a]);
  });

  it("draws a band per director from its transitions, and unknown once its agent is lost", () => {
    const events = [vrrp("d1", 2000, "BACKUP", "MASTER"), vrrp("d2", 2000, "MASTER", "BACKUP"), ev("d1", 6000, { kind: "agent", connected: false, detail: "" })];
    const bands = stateBands(events, ["d1", "d2"], 0, 10_000);
    expect(bands.map((b) => [b.lane, b.state, b.x0, b.x1])).toEqual([
      [0, "BACKUP", 0, 0.2],
      [0, "MASTER", 0.2, 0.6],
      [0, "unknown", 0.6, 1],
      [1, "MASTER", 0, 0.2],
      [1, "BACKUP", 0.2, 1],
    ]);
    // A lane with no transition has no band: nothing in these events says its state.
    expect(stateBands([ev("d3", 1000, { kind: "keepalived", running: true, detail: "" })], ["d3"], 0, 10_000)).toEqual([]);
  });

  it("draws the time the hub was down as unknown on every lane", () => {
    const events = [vrrp("d1", 1000, "BACKUP", "MASTER"), ev("hub", 8000, { kind: "hub", state: "started", downFrom: 4000, clean: false, detail: "" })];
    const bands = stateBands(events, ["d1", "hub"], 0, 10_000);
    expect(bands.filter((b) => b.state === "unknown").map((b) => [b.lane, b.x0, b.x1])).toEqual([
      [0, 0.4, 0.8],
      [1, 0.4, 0.8],
    ]);
  });

  it("shows one operator action applied on two directors as one row naming both", () => {
    const rows = timelineRows([weight("d1", 1000, 2, 5), weight("d2", 1040, 2, 5), weight("d1", 60_000, 5, 2)]);
    expect(rows.map((r) => r.directors)).toEqual([["d1", "d2"], ["d1"]]);
  });

  it("names the directors of one action in the same order whichever reported first", () => {
    const rows = timelineRows([weight("d2", 1000, 2, 5), weight("d1", 1040, 2, 5)]);
    expect(rows.map((r) => r.directors)).toEqual([["d1", "d2"]]);
  });
});
