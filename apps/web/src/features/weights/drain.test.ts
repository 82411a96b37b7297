import { describe, expect, it } from "vitest";
import type { DirectorId, Drain, HubEvent, RealServerKey, ServiceKey } from "@lvsdeck/protocol";
import { drainCounts, drainProgress, findDrain, restoreTarget } from "./drain";

const counts = (weight: number, active: number, inactive: number, persist = 0) => ({ weight, activeConns: active, inactiveConns: inactive, persistConns: persist });
const S = "TCP 192.0.2.10:443" as ServiceKey;
const R = "192.0.2.11:443" as RealServerKey;
const drain: Drain = { service: S, realServer: R, previousWeight: 5, directors: [{ director: "d1" as DirectorId, ...counts(0, 3, 1, 2), stale: false }] };

describe("drainProgress", () => {
  it("is null while the server has a weight", () => {
    expect(drainProgress(counts(2, 10, 5), 0)).toBeNull();
  });
  it("counts active + inactive connections left against the most seen since the start", () => {
    expect(drainProgress(counts(0, 3, 2, 1), 20)).toEqual({ phase: "draining", left: 5, templates: 1, done: 0.75 });
    expect(drainProgress(counts(0, 0, 0), 20)).toEqual({ phase: "drained", left: 0, templates: 0, done: 1 });
  });
  it("with nothing seen before, starts from what is left now", () => {
    expect(drainProgress(counts(0, 4, 0), 0)?.done).toBe(0);
  });
});

describe("drainCounts", () => {
  it("takes the hub's report for the shown director, else the live table", () => {
    expect(drainCounts(drain, "d1", counts(0, 9, 9))).toMatchObject({ activeConns: 3, inactiveConns: 1, persistConns: 2 });
    expect(drainCounts(drain, "d2", counts(0, 9, 9))).toMatchObject({ activeConns: 9 });
    expect(drainCounts(undefined, "d1", counts(0, 9, 9))).toMatchObject({ activeConns: 9 });
  });
});

describe("restoreTarget", () => {
  const weightEvent = (from: number, to: number): HubEvent => ({ id: 1, director: "d1" as HubEvent["director"], seq: 1, observedAt: 1, receivedAt: 1, event: { kind: "weight", service: S, realServer: R, from, to, cause: "operator", commandId: null, at: 1 } });
  it("prefers the hub's drain, then the event log, then 1", () => {
    expect(restoreTarget(findDrain([drain], S, R), S, R, [weightEvent(3, 0)])).toEqual({ weight: 5, hubDrain: true });
    expect(restoreTarget(findDrain([drain], S, "other"), S, R, [weightEvent(3, 0)])).toEqual({ weight: 3, hubDrain: false });
    expect(restoreTarget(undefined, S, R, [])).toEqual({ weight: 1, hubDrain: false });
  });
});
