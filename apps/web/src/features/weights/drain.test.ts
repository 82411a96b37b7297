import { describe, expect, it } from "vitest";
import type { HubEvent, RealServerKey, ServiceKey } from "@lvsdeck/protocol";
import { drainProgress, isLastReceiver, parseDrainMemory, restoreWeight } from "./drain";

const rs = (weight: number, active: number, inactive: number) => ({ weight, activeConns: active, inactiveConns: inactive });

describe("drainProgress", () => {
  it("is null while the server has a weight", () => {
    expect(drainProgress(rs(2, 10, 5), undefined)).toBeNull();
  });
  it("counts active + inactive connections left against the count at the start", () => {
    expect(drainProgress(rs(0, 3, 2), { weight: 2, startedAt: 0, startConns: 20 })).toEqual({ phase: "draining", left: 5, done: 0.75 });
    expect(drainProgress(rs(0, 0, 0), { weight: 2, startedAt: 0, startConns: 20 })).toEqual({ phase: "drained", left: 0, done: 1 });
  });
  it("without a record, starts from what is left now", () => {
    expect(drainProgress(rs(0, 4, 0), undefined)?.done).toBe(0);
  });
});

describe("restoreWeight", () => {
  const S = "TCP 192.0.2.10:443" as ServiceKey;
  const R = "192.0.2.11:443" as RealServerKey;
  const weightEvent = (from: number, to: number): HubEvent => ({ id: 1, director: "d1" as HubEvent["director"], seq: 1, observedAt: 1, receivedAt: 1, event: { kind: "weight", service: S, realServer: R, from, to, cause: "operator", commandId: null, at: 1 } });
  it("prefers what this browser remembered, then the event log, then 1", () => {
    expect(restoreWeight(S, R, { [`${S}|${R}`]: { weight: 5, startedAt: 0, startConns: 0 } }, [weightEvent(3, 0)])).toBe(5);
    expect(restoreWeight(S, R, {}, [weightEvent(3, 0)])).toBe(3);
    expect(restoreWeight(S, R, {}, [])).toBe(1);
  });
});

describe("isLastReceiver", () => {
  it("is true when no other server is up with a weight", () => {
    const server = (key: string, weight: number) => ({ key: key as RealServerKey, weight, health: "up" as const });
    const a = server("a", 1);
    expect(isLastReceiver(a, [a, server("b", 0)])).toBe(true);
    expect(isLastReceiver(a, [a, server("b", 1)])).toBe(false);
  });
});

describe("parseDrainMemory", () => {
  it("forgets anything unreadable", () => {
    expect(parseDrainMemory("not json")).toEqual({});
    expect(parseDrainMemory('{"x":{"weight":"2"},"y":{"weight":2,"startedAt":1,"startConns":3}}')).toEqual({ y: { weight: 2, startedAt: 1, startConns: 3 } });
  });
});
