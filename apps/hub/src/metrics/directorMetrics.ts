import type { Registry } from "prom-client";
import type { DirectorView } from "@lvsdeck/protocol";
import { vrrpStates } from "@lvsdeck/protocol";
import type { Refilled } from "./metricKit";
import { gauge, seconds } from "./metricKit";

const DIRECTOR = ["director"] as const;
// `instance` is Prometheus's own target label; a metric label of that name would be renamed exported_instance.
const VRRP = ["director", "vrrp_instance", "vrid"] as const;

/** Per-director and per-VRRP-instance series, refilled from the fleet on each update. */
export interface DirectorMetrics extends Refilled {
  set(view: DirectorView, fresh: boolean, now: number): void;
}

/** Registers the director and VRRP metrics on `registry`. */
export function createDirectorMetrics(registry: Registry): DirectorMetrics {
  const connected = gauge(registry, "lvsdeck_director_connected", "1 while the director's agent is connected to the hub.", DIRECTOR);
  const stale = gauge(registry, "lvsdeck_director_stale", "1 when the director's data is stale (disconnected or older than 3 ticks).", DIRECTOR);
  const age = gauge(registry, "lvsdeck_director_data_age_seconds", "Seconds since the hub last received data from the director.", DIRECTOR);
  const keepalived = gauge(registry, "lvsdeck_director_keepalived_up", "1 when keepalived runs on the director (fresh data only).", DIRECTOR);
  const vip = gauge(registry, "lvsdeck_director_vip_present", "1 for each VIP configured on the director's interfaces (fresh data only).", [
    "director",
    "vip",
  ] as const);
  const state = gauge(registry, "lvsdeck_vrrp_state", "1 for the VRRP instance's current state, 0 for the others (fresh data only).", [
    ...VRRP,
    "state",
  ] as const);
  const priority = gauge(registry, "lvsdeck_vrrp_priority", "Effective VRRP priority of the instance (after tracking).", VRRP);
  const basePriority = gauge(registry, "lvsdeck_vrrp_base_priority", "Configured VRRP priority of the instance.", VRRP);
  const transition = gauge(
    registry,
    "lvsdeck_vrrp_last_transition_timestamp_seconds",
    "Unix time of the instance's last state transition, as keepalived reported it.",
    VRRP,
  );
  const syncDaemon = gauge(registry, "lvsdeck_sync_daemon_running", "1 for each IPVS connection sync daemon role (master, backup) running on the director, 0 for a role not running (fresh data, when the agent reports them).", [
    "director",
    "role",
  ] as const);
  const syncEntries = gauge(registry, "lvsdeck_sync_connection_entries", "Connection entries (templates apart) by origin: local, or synced from a peer's sync daemon (fresh data, when counted).", [
    "director",
    "origin",
  ] as const);
  const all = [connected, stale, age, keepalived, vip, state, priority, basePriority, transition, syncDaemon, syncEntries];

  return {
    reset: () => all.forEach((m) => m.reset()),
    set(view, fresh, now) {
      const director = view.id;
      connected.set({ director }, view.connected ? 1 : 0);
      stale.set({ director }, view.stale ? 1 : 0);
      if (view.receivedAt !== null) age.set({ director }, seconds(Math.max(0, now - view.receivedAt)));
      // A stale snapshot describes the past: exporting it as current would draw a dead director as healthy.
      if (!fresh || view.snapshot === null) return;
      const snapshot = view.snapshot;
      keepalived.set({ director }, snapshot.keepalived.running ? 1 : 0);
      for (const address of snapshot.vipsPresent) vip.set({ director, vip: address }, 1);
      for (const instance of snapshot.vrrp) {
        const labels = { director, vrrp_instance: instance.name, vrid: String(instance.vrid) };
        for (const name of vrrpStates) state.set({ ...labels, state: name }, instance.state === name ? 1 : 0);
        priority.set(labels, instance.effectivePriority);
        basePriority.set(labels, instance.basePriority);
        if (instance.lastTransitionAt !== null) transition.set(labels, seconds(instance.lastTransitionAt));
      }
      const sync = snapshot.connectionSync;
      if (sync?.daemons !== null && sync?.daemons !== undefined) {
        for (const role of ["master", "backup"] as const) syncDaemon.set({ director, role }, sync.daemons.some((d) => d.role === role) ? 1 : 0);
      }
      if (sync?.entries !== null && sync?.entries !== undefined) {
        syncEntries.set({ director, origin: "local" }, sync.entries.local);
        syncEntries.set({ director, origin: "synced" }, sync.entries.synced);
      }
    },
  };
}
