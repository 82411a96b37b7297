import type { Drain, DrainDirector, HubEvent, RealServer } from "@lvsdeck/protocol";

/** Weight restored when nothing says what it was. */
export const FALLBACK_RESTORE_WEIGHT = 1;

/** Drain progress: how many connections are left and what fraction of the starting count is gone. */
export interface DrainProgress {
  phase: "draining" | "drained";
  /** Active and inactive connections still on the server. */
  left: number;
  /** Persistence templates still pinning clients to it (they expire on their own). */
  templates: number;
  /** 0 at the start, 1 when nothing is left. */
  done: number;
}

/** What is left on one director: the hub's drain report for it, or the live table when the hub has none. */
export type DrainCounts = Pick<DrainDirector, "weight" | "activeConns" | "inactiveConns" | "persistConns">;

/**
 * Progress of a real server at weight 0 against the most connections seen since its drain began;
 * null when it is not draining (weight above 0).
 */
export function drainProgress(counts: DrainCounts, startConns: number): DrainProgress | null {
  if (counts.weight !== 0) return null;
  const left = counts.activeConns + counts.inactiveConns;
  const start = Math.max(startConns, left);
  if (left === 0) return { phase: "drained", left: 0, templates: counts.persistConns, done: 1 };
  return { phase: "draining", left, templates: counts.persistConns, done: start === 0 ? 1 : 1 - left / start };
}

/** The hub's drain of this real server, if it remembers one. */
export function findDrain(drains: readonly Drain[] | undefined, service: string, realServer: string): Drain | undefined {
  return drains?.find((d) => d.service === service && d.realServer === realServer);
}

/** What a row's drain progress counts: the hub's report for the shown director, else its live table. */
export function drainCounts(drain: Drain | undefined, director: string, rs: Pick<RealServer, "weight" | "activeConns" | "inactiveConns" | "persistConns">): DrainCounts {
  return drain?.directors.find((d) => d.director === director) ?? rs;
}

/**
 * Where Restore goes: the weight the hub remembers from its drain (restored by `POST /api/restore`), or for a
 * server at 0 the hub has no drain of (set elsewhere), the `from` of the newest event that set it to 0, else 1.
 */
export function restoreTarget(drain: Drain | undefined, service: string, realServer: string, events: readonly HubEvent[]): { weight: number; hubDrain: boolean } {
  if (drain !== undefined && drain.previousWeight > 0) return { weight: drain.previousWeight, hubDrain: true };
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]?.event;
    if (e?.kind === "weight" && e.service === service && e.realServer === realServer && e.to === 0 && e.from > 0) return { weight: e.from, hubDrain: false };
  }
  return { weight: FALLBACK_RESTORE_WEIGHT, hubDrain: false };
}
