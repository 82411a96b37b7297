import { describe, expect, it } from "vitest";
import {
  scheduleFailover,
  scheduleLeastConnection,
  scheduleNeverQueue,
  scheduleOverflow,
  scheduleShortestExpectedDelay,
  scheduleWeightedLeastConnection,
} from "./leastConnection";
import { dests } from "./testDests";

describe("lc", () => {
  it("picks the fewest connections, one active costing 256 inactive", () => {
    const d = dests(1, 1, 1);
    d[0]!.activeConns = 1;
    d[1]!.inactiveConns = 255;
    d[2]!.inactiveConns = 300;
    expect(scheduleLeastConnection(d)).toBe(1);
  });

  it("ignores weights except that 0 quiesces", () => {
    const d = dests(100, 1, 0);
    d[0]!.activeConns = 2;
    d[1]!.activeConns = 1;
    expect(scheduleLeastConnection(d)).toBe(1);
  });
});

describe("wlc", () => {
  it("compares overhead/weight and prefers the heavier server at equal overhead", () => {
    const d = dests(1, 3);
    d[0]!.activeConns = 1;
    d[1]!.activeConns = 2;
    expect(scheduleWeightedLeastConnection(d)).toBe(1);
  });

  it("sends a stream of long connections in proportion to weight", () => {
    const d = dests(1, 1, 2);
    for (let i = 0; i < 400; i++) d[scheduleWeightedLeastConnection(d)!]!.activeConns++;
    expect(d.map((x) => x.activeConns)).toEqual([100, 100, 200]);
  });

  it("skips weight-0 servers even when they are idle", () => {
    const d = dests(0, 1);
    d[1]!.activeConns = 50;
    expect(scheduleWeightedLeastConnection(d)).toBe(1);
  });
});

describe("sed and nq", () => {
  it("sed uses (active + 1) / weight, so an idle small server can lose to a busy big one", () => {
    const d = dests(1, 10);
    d[1]!.activeConns = 5;
    expect(scheduleShortestExpectedDelay(d)).toBe(1);
  });

  it("nq takes any idle server first", () => {
    const d = dests(1, 10);
    d[1]!.activeConns = 5;
    expect(scheduleNeverQueue(d)).toBe(0);
  });
});

describe("fo and ovf", () => {
  it("fo sends everything to the highest weight available", () => {
    const d = dests(1, 5, 5);
    expect(scheduleFailover(d)).toBe(1);
    d[1]!.overloaded = true;
    expect(scheduleFailover(d)).toBe(2);
  });

  it("ovf overflows to the next weight once active connections exceed the weight", () => {
    const d = dests(2, 4);
    d[1]!.activeConns = 5;
    expect(scheduleOverflow(d)).toBe(0);
  });
});
