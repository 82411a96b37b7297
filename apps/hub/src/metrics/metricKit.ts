import type { Registry } from "prom-client";
import { Counter, Gauge } from "prom-client";

/** A family of gauges or counters that are cleared and refilled on every update, so no series outlives its subject. */
export interface Refilled {
  reset(): void;
}

/** Creates a gauge registered on `registry`. */
export function gauge<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[]): Gauge<L> {
  return new Gauge<L>({ name, help, labelNames, registers: [registry] });
}

/** Creates a counter registered on `registry`. */
export function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[]): Counter<L> {
  return new Counter<L>({ name, help, labelNames, registers: [registry] });
}

/**
 * Writes an agent-reported cumulative total into a counter that was reset in this update: the counter then
 * shows exactly the director's own total, and a reset of IPVS's counters reads as a Prometheus counter reset.
 */
export function setTotal<L extends string>(target: Counter<L>, labels: Record<L, string>, total: number): void {
  target.inc(labels, Math.max(0, total));
}

/** Seconds from milliseconds, as Prometheus base units want. */
export function seconds(ms: number): number {
  return ms / 1000;
}
