import type { Counters, Rates } from "@lvsdeck/protocol";

/** Counters kept as floats so per-step fractions of packets add up; reported floored, hence monotonic. */
export interface FlowCounters {
  conns: number;
  inPkts: number;
  outPkts: number;
  inBytes: number;
  outBytes: number;
}

/** The kernel's estimator runs every 2 s (ip_vs_est.c). */
export const ESTIMATOR_INTERVAL_MS = 2000;
// After this many missed intervals the average has decayed below rounding (0.75^64), so skip ahead.
const MAX_CATCHUP_TICKS = 64;

/** Smoothed per-second rates of one counter set, updated like the kernel's `estimation_timer`. */
export interface RateEstimator {
  /** Runs every 2 s tick due up to `now` against the counters as they are now. */
  advance(now: number, counters: FlowCounters): void;
  /** The rates as `ipvsadm --rate --exact` prints them (rounded to integers). */
  rates(): Rates;
}

/** Creates empty counters. */
export function createFlowCounters(): FlowCounters {
  return { conns: 0, inPkts: 0, outPkts: 0, inBytes: 0, outBytes: 0 };
}

/** Floors float counters into the integers the wire model carries. */
export function countersOf(c: FlowCounters): Counters {
  return {
    conns: Math.floor(c.conns),
    inPkts: Math.floor(c.inPkts),
    outPkts: Math.floor(c.outPkts),
    inBytes: Math.floor(c.inBytes),
    outBytes: Math.floor(c.outBytes),
  };
}

const fields = ["conns", "inPkts", "outPkts", "inBytes", "outBytes"] as const;

/** Creates an estimator whose first tick is one interval after `now`. */
export function createRateEstimator(now: number): RateEstimator {
  let nextTickAt = now + ESTIMATOR_INTERVAL_MS;
  let last: FlowCounters | null = null;
  const avg = createFlowCounters();
  return {
    advance(time, counters) {
      if (time < nextTickAt) return;
      const behind = Math.floor((time - nextTickAt) / ESTIMATOR_INTERVAL_MS);
      if (behind > MAX_CATCHUP_TICKS) {
        for (const f of fields) avg[f] = 0;
        nextTickAt += behind * ESTIMATOR_INTERVAL_MS;
      }
      while (nextTickAt <= time) {
        for (const f of fields) {
          const perSecond = last === null ? 0 : ((counters[f] - last[f]) * 1000) / ESTIMATOR_INTERVAL_MS;
          // Exponentially weighted average with weight 1/4, as `e->cps += (rate - e->cps) >> 2`.
          avg[f] += (perSecond - avg[f]) / 4;
        }
        last = { ...counters };
        nextTickAt += ESTIMATOR_INTERVAL_MS;
      }
    },
    rates: () => ({
      cps: Math.max(0, Math.round(avg.conns)),
      inPps: Math.max(0, Math.round(avg.inPkts)),
      outPps: Math.max(0, Math.round(avg.outPkts)),
      inBps: Math.max(0, Math.round(avg.inBytes)),
      outBps: Math.max(0, Math.round(avg.outBytes)),
    }),
  };
}
