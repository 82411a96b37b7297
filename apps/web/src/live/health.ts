import type { ClusterHealth } from "@lvsdeck/protocol";

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
