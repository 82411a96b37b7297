import type { KnownScheduler } from "@lvsdeck/protocol";
import { connOverhead, type IpvsScheduler, type SchedulerDest } from "./schedulerTypes";

function stateless(name: KnownScheduler, pick: (dests: readonly SchedulerDest[]) => number | null): IpvsScheduler {
  return { name, schedule: (dests) => pick(dests), update: () => undefined };
}

const usable = (d: SchedulerDest | undefined): d is SchedulerDest => d !== undefined && !d.overloaded && d.weight > 0;

/** `ip_vs_lc`: fewest connections by overhead (active*256 + inactive); weight only excludes 0. */
export function scheduleLeastConnection(dests: readonly SchedulerDest[]): number | null {
  let least: number | null = null;
  let loh = 0;
  dests.forEach((d, i) => {
    if (!usable(d)) return;
    const doh = connOverhead(d);
    if (least === null || doh < loh) [least, loh] = [i, doh];
  });
  return least;
}

/**
 * The shared second stage of wlc and sed: the first usable destination, then any later one whose
 * overhead/weight is smaller, compared as cross products so no division is needed (as the kernel does).
 */
function weightedLeast(dests: readonly SchedulerDest[], overhead: (d: SchedulerDest) => number): number | null {
  const first = dests.findIndex(usable);
  if (first < 0) return null;
  let least = first;
  let loh = overhead(dests[first] as SchedulerDest);
  for (let i = first + 1; i < dests.length; i++) {
    const d = dests[i] as SchedulerDest;
    if (d.overloaded) continue;
    const doh = overhead(d);
    if (loh * d.weight > doh * (dests[least] as SchedulerDest).weight) [least, loh] = [i, doh];
  }
  return least;
}

/** `ip_vs_wlc`: smallest (active*256 + inactive) / weight. */
export function scheduleWeightedLeastConnection(dests: readonly SchedulerDest[]): number | null {
  return weightedLeast(dests, connOverhead);
}

/** `ip_vs_sed`: shortest expected delay, smallest (active + 1) / weight. */
export function scheduleShortestExpectedDelay(dests: readonly SchedulerDest[]): number | null {
  return weightedLeast(dests, (d) => d.activeConns + 1);
}

/** `ip_vs_nq`: an idle destination at once if there is one, otherwise like sed. */
export function scheduleNeverQueue(dests: readonly SchedulerDest[]): number | null {
  let least: number | null = null;
  let loh = 0;
  for (let i = 0; i < dests.length; i++) {
    const d = dests[i];
    if (!usable(d)) continue;
    const doh = d.activeConns + 1;
    if (d.activeConns === 0) return i;
    if (least === null || loh * d.weight > doh * (dests[least] as SchedulerDest).weight) [least, loh] = [i, doh];
  }
  return least;
}

/** `ip_vs_fo`: weighted failover, the first destination with the highest weight. */
export function scheduleFailover(dests: readonly SchedulerDest[]): number | null {
  let best: number | null = null;
  let hw = 0;
  dests.forEach((d, i) => {
    if (!d.overloaded && d.weight > hw) [best, hw] = [i, d.weight];
  });
  return best;
}

/** `ip_vs_ovf`: the highest-weight destination whose active connections do not exceed its weight. */
export function scheduleOverflow(dests: readonly SchedulerDest[]): number | null {
  let best: number | null = null;
  dests.forEach((d, i) => {
    if (d.overloaded || d.weight === 0 || d.activeConns > d.weight) return;
    if (best === null || d.weight > (dests[best] as SchedulerDest).weight) best = i;
  });
  return best;
}

/** Creates the stateless connection-counting schedulers. */
export const createLeastConnectionScheduler = (): IpvsScheduler => stateless("lc", scheduleLeastConnection);
/** Creates a `wlc` scheduler. */
export const createWeightedLeastConnectionScheduler = (): IpvsScheduler =>
  stateless("wlc", scheduleWeightedLeastConnection);
/** Creates a `sed` scheduler. */
export const createShortestExpectedDelayScheduler = (): IpvsScheduler => stateless("sed", scheduleShortestExpectedDelay);
/** Creates an `nq` scheduler. */
export const createNeverQueueScheduler = (): IpvsScheduler => stateless("nq", scheduleNeverQueue);
/** Creates an `fo` scheduler. */
export const createFailoverScheduler = (): IpvsScheduler => stateless("fo", scheduleFailover);
/** Creates an `ovf` scheduler. */
export const createOverflowScheduler = (): IpvsScheduler => stateless("ovf", scheduleOverflow);
