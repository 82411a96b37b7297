import type { FlowCounters } from "./estimator";

/** Packets and bytes per second of the connections currently sending through one service or server. */
export interface FlowMeter {
  inPkts: number;
  inBytes: number;
  outPkts: number;
  outBytes: number;
  flowing: number;
  /** Counters hold everything sent up to this time. */
  since: number;
}

/** The per-second rates of one sending connection. */
export type FlowRates = Pick<FlowMeter, "inPkts" | "inBytes" | "outPkts" | "outBytes">;

/** Creates an idle meter starting at `now`. */
export function createFlowMeter(now: number): FlowMeter {
  return { inPkts: 0, inBytes: 0, outPkts: 0, outBytes: 0, flowing: 0, since: now };
}

/** Adds what the meter's flows sent since the last integration to the counters. */
export function integrateFlow(meter: FlowMeter, counters: FlowCounters, to: number): void {
  if (to <= meter.since) return;
  const seconds = (to - meter.since) / 1000;
  counters.inPkts += meter.inPkts * seconds;
  counters.inBytes += meter.inBytes * seconds;
  counters.outPkts += meter.outPkts * seconds;
  counters.outBytes += meter.outBytes * seconds;
  meter.since = to;
}

/** Starts (sign 1) or stops (sign -1) a connection's flow at `at`, integrating up to then first. */
export function changeFlow(meter: FlowMeter, counters: FlowCounters, rates: FlowRates, sign: 1 | -1, at: number): void {
  integrateFlow(meter, counters, at);
  meter.flowing += sign;
  if (meter.flowing <= 0) {
    // Reset exactly so float drift from adding and removing rates cannot accumulate.
    Object.assign(meter, { inPkts: 0, inBytes: 0, outPkts: 0, outBytes: 0, flowing: 0 });
    return;
  }
  meter.inPkts += sign * rates.inPkts;
  meter.inBytes += sign * rates.inBytes;
  meter.outPkts += sign * rates.outPkts;
  meter.outBytes += sign * rates.outBytes;
}
