import type { SchedulerDest } from "./schedulerTypes";

/** A mutable destination for scheduler tests. */
export interface TestDest extends SchedulerDest {
  weight: number;
  activeConns: number;
  inactiveConns: number;
  overloaded: boolean;
}

/** Builds destinations with the given weights and no connections. */
export function dests(...weights: number[]): TestDest[] {
  return weights.map((weight) => ({ weight, activeConns: 0, inactiveConns: 0, overloaded: false }));
}

/** Counts how often each index is picked over `n` schedules. */
export function tally(n: number, pick: () => number | null, size: number): number[] {
  const counts = new Array<number>(size).fill(0);
  for (let i = 0; i < n; i++) {
    const index = pick();
    if (index !== null) counts[index] = (counts[index] ?? 0) + 1;
  }
  return counts;
}

/** A packet from a given client to a given destination. */
export const packet = (source: string, destination = "192.168.50.100", sourcePort = 40000) => ({ source, destination, sourcePort });
