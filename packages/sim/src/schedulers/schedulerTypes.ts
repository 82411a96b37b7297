import type { KnownScheduler } from "@lvsdeck/protocol";

/** What a scheduler may read about a destination (real server), as the kernel's `ip_vs_dest` exposes it. */
export interface SchedulerDest {
  readonly weight: number;
  readonly activeConns: number;
  readonly inactiveConns: number;
  /** IP_VS_DEST_F_OVERLOAD: the upper connection threshold was reached. */
  readonly overloaded: boolean;
}

/** The addresses of the first packet of a new connection. */
export interface SchedulerPacket {
  readonly source: string;
  readonly sourcePort: number;
  readonly destination: string;
}

/** One virtual service's scheduler instance; it keeps its own state like the kernel's `sched_data`. */
export interface IpvsScheduler {
  readonly name: KnownScheduler;
  /** Picks the index of the destination for a new connection, or null when none is available. */
  schedule(dests: readonly SchedulerDest[], packet: SchedulerPacket): number | null;
  /** Recomputes internal state after destinations were added, removed or re-weighted (`upd_dest`). */
  update(dests: readonly SchedulerDest[]): void;
}

/** `ip_vs_dest_conn_overhead`: active connections cost 256 times an inactive one. */
export function connOverhead(dest: SchedulerDest): number {
  return dest.activeConns * 256 + dest.inactiveConns;
}
