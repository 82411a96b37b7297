import type { DirectorSnapshot, DirectorView } from "@lvsdeck/protocol";

/** A director is stale once its newest data is older than this many of its agent's ticks. */
export const STALE_AFTER_TICKS = 3;

/** True when a director's data cannot be trusted now: agent gone, no data yet, or data older than {@link STALE_AFTER_TICKS} ticks. */
export function isStaleAt(view: DirectorView, now: number): boolean {
  if (!view.connected || view.receivedAt === null || view.agent === null) return true;
  return now - view.receivedAt > STALE_AFTER_TICKS * view.agent.tickMs;
}

/** A director view whose data can be trusted now: connected, not stale, with a snapshot. */
export type FreshDirector = DirectorView & { snapshot: DirectorSnapshot };

/** True when the director's data is fresh (the hub's `stale` flag is off and the agent is connected). */
export function isFresh(view: DirectorView): view is FreshDirector {
  return view.connected && !view.stale && view.snapshot !== null;
}

/** Why a director is stale, in the operator's words: "agent disconnected", "no data for 12 s". */
export function staleReason(view: DirectorView, now: number): string {
  if (!view.connected) return "agent disconnected";
  if (view.receivedAt === null) return "no data received";
  return `no data for ${Math.round((now - view.receivedAt) / 1000)} s`;
}
