import type { DirectorView } from "@lvsdeck/protocol";

/** Tick assumed for a director whose agent has not said hello yet. */
export const DEFAULT_TICK_MS = 1_000;

/** Why a director's data cannot be trusted as current. */
export type StaleReason = "disconnected" | "no-data" | "old-data" | "hub";

/** How current one director's data is, on the hub's clock. */
export interface Freshness {
  /** Age of the newest data, or null when none ever arrived. */
  ageMs: number | null;
  stale: boolean;
  reason: StaleReason | null;
  /** Age beyond which the data counts as stale. */
  thresholdMs: number;
}

/**
 * A director is stale when its agent is disconnected, never sent data, sent its last data more than
 * `staleAfterTicks` of its ticks ago (on the hub's clock `serverNow`), or the hub says so.
 */
export function directorFreshness(view: DirectorView, staleAfterTicks: number, serverNow: number): Freshness {
  const thresholdMs = staleAfterTicks * (view.agent?.tickMs ?? DEFAULT_TICK_MS);
  const ageMs = view.receivedAt === null ? null : Math.max(0, serverNow - view.receivedAt);
  const reason: StaleReason | null = !view.connected
    ? "disconnected"
    : ageMs === null || view.snapshot === null
      ? "no-data"
      : ageMs > thresholdMs
        ? "old-data"
        : view.stale
          ? "hub"
          : null;
  return { ageMs, stale: reason !== null, reason, thresholdMs };
}

/** "0.8 s ago", "42 s ago", "5 min ago", "3 h ago", "2 d ago"; "no data" when there is none. */
export function formatAge(ageMs: number | null): string {
  if (ageMs === null) return "no data";
  const s = Math.max(0, ageMs) / 1000;
  if (s < 10) return `${s.toFixed(1)} s ago`;
  if (s < 120) return `${Math.floor(s)} s ago`;
  if (s < 7200) return `${Math.floor(s / 60)} min ago`;
  if (s < 172_800) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** Words for a stale reason, as shown beside the "stale" badge. */
export const staleReasonText: Record<StaleReason, string> = {
  disconnected: "agent disconnected",
  "no-data": "no data yet",
  "old-data": "data too old",
  hub: "hub marks it stale",
};
