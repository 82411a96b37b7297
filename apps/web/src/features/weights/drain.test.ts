import { describe, expect, it } from "vitest";
import type { DirectorId, Drain, HubEvent, RealServerKey, ServiceKey } from "@lvsdeck/protocol";
import { drainCounts, drainProgress, findDrain, restoreTarget, persistentDrainAdvice } from "./drain";

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

describe("a drain of a persistent service says what it waits for", () => {
  const base = { timeoutSec: 120, templates: 1703, left: 1703, now: Date.UTC(2025, 4, 4, 13, 0, 0), directors: ["lvs-dir-01", "lvs-dir-02"], clock: (ms: number) => new Date(ms).toISOString().slice(11, 19) };

  it("names returning clients, when it can end, and the command that moves them", () => {
    const advice = persistentDrainAdvice({ ...base, returningCps: 12 });
    expect(advice?.why).toBe("12 new conn/s still arrive through 1703 persistence templates: returning clients keep being sent here.");
    expect(advice?.estimate).toMatch(/^It can finish 120 s after returning clients stop/);
    expect(advice?.option).toContain("sysctl -w net.ipv4.vs.expire_quiescent_template=1 on lvs-dir-01, lvs-dir-02");
  });

  it("gives the templates' latest expiry once clients stop returning", () => {
    expect(persistentDrainAdvice({ ...base, returningCps: 0 })?.estimate).toBe("Templates expire by 13:02:00 at the latest if no client returns; then only open connections remain.");
  });

  it("says nothing for a service without persistence", () => {
    expect(persistentDrainAdvice({ ...base, timeoutSec: null, returningCps: 12 })).toBeNull();
  });
});
