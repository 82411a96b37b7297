import { applyClusterHealthChanges, type ClusterHealth, type HubToUi } from "@lvsdeck/protocol";

/** The hub's groups and verdicts as this page last received them, with the hub's time of that answer. */
export interface HealthState {
  serverTime: number;
  health: ClusterHealth;
}

/**
 * Keeps the newer of two answers by the hub's clock: a GET /api/cluster that a `health` frame overtook
 * must not roll the verdicts back. Returns `old` (same reference) when the incoming one is older.
 */
export function applyHealth(old: HealthState | undefined, serverTime: number, health: ClusterHealth): HealthState {
  if (old !== undefined && old.serverTime > serverTime) return old;
  return { serverTime, health };
}

/**
 * Applies a `health-changes` frame to the health this page holds. A frame older (by the hub's clock)
 * than what a newer GET /api/cluster gave is already in it; with no health yet there is nothing to
 * change (the hub sends it whole after hello, before any change).
 */
export function applyHealthChanges(old: HealthState | undefined, frame: Extract<HubToUi, { type: "health-changes" }>): HealthState | undefined {
  if (old === undefined || old.serverTime > frame.serverTime) return old;
  return { serverTime: frame.serverTime, health: applyClusterHealthChanges(old.health, frame) };
}
