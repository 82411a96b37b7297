import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createEvaluationPacer } from "./evaluationPacer";

describe("evaluation pacer", () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());
  const pacer = (burst = 4, gapMs = 100) => {
    const times: number[] = [];
    const p = createEvaluationPacer({ burst, gapMs, clock: Date.now, evaluate: () => times.push(Date.now()) });
    return { p, times, start: Date.now() };
  };

  it("judges each change of a failover at once: the second director, 20 ms after the first, does not wait for the gap", () => {
    const { p, times, start } = pacer();
    p.soon();
    vi.advanceTimersByTime(0);
    vi.advanceTimersByTime(20);
    p.soon();
    vi.advanceTimersByTime(0);
    expect(times.map((t) => t - start)).toEqual([0, 20]);
  });

  it("shares one evaluation among the changes read in the same turn", () => {
    const { p, times } = pacer();
    p.soon();
    p.soon();
    p.soon();
    vi.advanceTimersByTime(0);
    expect(times).toHaveLength(1);
  });

  it("judges a storm beyond the burst once per gap, and refills one evaluation per gap", () => {
    const { p, times, start } = pacer(4, 100);
    for (let i = 0; i < 4; i++) {
      p.soon();
      vi.advanceTimersByTime(1);
    }
    expect(times).toHaveLength(4);
    // The budget is spent (4 less the 0.04 refilled): the next change waits until one evaluation has refilled.
    p.soon();
    vi.advanceTimersByTime(94);
    expect(times).toHaveLength(4);
    vi.advanceTimersByTime(2);
    expect(times).toHaveLength(5);
    expect(times.at(-1)! - start).toBe(100);
    // Quiet for a long time: the budget is full again, but no more than the burst.
    vi.advanceTimersByTime(10_000);
    for (let i = 0; i < 6; i++) {
      p.soon();
      vi.advanceTimersByTime(0);
    }
    expect(times).toHaveLength(9);
  });

  it("counts the periodic evaluation against the same budget, and it replaces one that was waiting", () => {
    const { p, times } = pacer(1, 100);
    p.now();
    p.soon();
    vi.advanceTimersByTime(50);
    p.now();
    expect(times).toHaveLength(2);
    vi.advanceTimersByTime(100);
    expect(times).toHaveLength(2);
  });

  it("stop cancels a waiting evaluation", () => {
    const { p, times } = pacer(1, 100);
    p.now();
    p.soon();
    p.stop();
    vi.advanceTimersByTime(1_000);
    expect(times).toHaveLength(1);
  });

  it("takes nothing from the budget when the clock is set back", () => {
    let clock = 1_000_000;
    const times: number[] = [];
    const p = createEvaluationPacer({ burst: 2, gapMs: 100, clock: () => clock, evaluate: () => times.push(clock) });
    p.now();
    clock -= 60_000;
    // One evaluation is left: a refill by the negative minute would have spent it.
    p.soon();
    vi.advanceTimersByTime(0);
    expect(times).toHaveLength(2);
  });
});
