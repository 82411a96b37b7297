import type { Alert } from "@lvsdeck/protocol";
import type { AlertInput, AlertOptions } from "./alertOptions";
import { compareAlerts, deriveAlerts } from "./deriveAlerts";

/** What changed in one {@link AlertTracker.update}. */
export interface AlertChanges {
  /** Alerts that became active now. */
  raised: Alert[];
  /** Alerts that were active and no longer are, as they were last seen. */
  cleared: Alert[];
  /** Alerts that stayed active but whose message changed (e.g. a new table difference). */
  updated: Alert[];
  /** Every active alert, critical first. */
  active: Alert[];
}

/** Keeps the set of active alerts between evaluations so `since` stays put while a condition holds. */
export interface AlertTracker {
  /** Re-evaluates every rule on `input` and reports what was raised and cleared. */
  update(input: AlertInput): AlertChanges;
  /** The active alerts as of the last update. */
  active(): Alert[];
}

/** Creates a tracker with no active alerts; `options` tune the rules (see alertOptions.ts). */
export function createAlertTracker(options: Partial<AlertOptions> = {}): AlertTracker {
  let current = new Map<string, Alert>();
  let sorted: Alert[] = [];

  return {
    update(input) {
      const next = new Map<string, Alert>();
      const raised: Alert[] = [];
      const updated: Alert[] = [];
      for (const alert of deriveAlerts(input, options)) {
        const before = current.get(alert.id);
        if (before === undefined) {
          raised.push(alert);
          next.set(alert.id, alert);
          continue;
        }
        const kept = { ...alert, since: before.since };
        if (kept.message !== before.message || kept.severity !== before.severity) updated.push(kept);
        next.set(alert.id, kept);
      }
      const cleared = [...current.values()].filter((a) => !next.has(a.id));
      current = next;
      sorted = [...next.values()].sort(compareAlerts);
      return { raised, cleared, updated, active: sorted };
    },
    active: () => sorted,
  };
}
