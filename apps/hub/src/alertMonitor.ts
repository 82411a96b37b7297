import type { Alert, DirectorId, HubEvent, Verdict, WeightChange } from "@lvsdeck/protocol";
import { alertOfVerdict, createTimeWaitHistory, createVerdictTracker, DEFAULT_FLAP_WINDOW_MS, defaultVerdictOptions } from "@lvsdeck/cluster";
import type { VerdictOptions } from "@lvsdeck/cluster";
import type { Fleet } from "./fleet";
import type { EventStore } from "./store/eventStore";

/** Alerts that are not about one director are stored under this name in the event log. */
export const HUB_EVENT_SOURCE = "hub" as DirectorId;
/** Most VRRP transitions remembered for the flapping rule. */
const MAX_RECENT_TRANSITIONS = 10_000;

/**
 * Evaluates the health verdicts (@lvsdeck/cluster) over the live model, once for everyone, and records
 * every raise and clear as an event. Alerts, metrics, webhooks and browsers all show these verdicts.
 */
export interface AlertMonitor {
  /** Re-evaluates now; cheap enough to call on every change of state (about 12 ms for 200 directors). */
  evaluate(): void;
  /** Feeds stored events: VRRP transitions count towards flapping. */
  noteEvent(event: HubEvent): void;
  /** Feeds weight changes: an applied weight 0 starts a drain, a later non-zero weight ends it. */
  noteWeightChange(change: WeightChange): void;
  /** The verdicts that hold as of the last evaluation, critical first. */
  verdicts(): Verdict[];
  /** The same verdicts as alerts. */
  active(): Alert[];
}

interface Deps {
  fleet: Fleet;
  events: EventStore;
  now: () => number;
  onEvent: (event: HubEvent) => void;
  /**
   * Whether this hub records raises and clears in the event log (default: yes). Clustered hubs all
   * judge the same model; only the alerting leader records, so each raise is stored once.
   */
  recordsAlerts?: () => boolean;
  /** Hears an alert's raise or clear that could not be stored (the alert itself still holds). */
  onStoreError: (err: Error) => void;
  /** Called after an evaluation that raised, cleared or changed a verdict, with the alerts before and after it. */
  onAlertsChanged: (previous: Alert[], next: Alert[]) => void;
  /** Called after every evaluation, changed or not (the health frame follows the groups too). */
  onEvaluated?: () => void;
  /** Called for every raise and clear (the optional webhook). */
  onAlertChange?: (type: "alert-raised" | "alert-cleared", alert: Alert, at: number) => void;
  /** Until when "no MASTER" waits for directors known before a restart to report again (see VerdictInput). */
  holdNoMasterUntil?: () => number | undefined;
  /** Rule thresholds other than the defaults (`--alert-option`). */
  verdictOptions?: Partial<VerdictOptions>;
}

/** Creates the monitor. */
export function createAlertMonitor(deps: Deps): AlertMonitor {
  const tracker = createVerdictTracker(deps.verdictOptions ?? {});
  // TIME_WAIT counts over the last window, for the growth half of time-wait-pileup.
  const timeWait = createTimeWaitHistory(deps.verdictOptions?.timeWaitWindowMs ?? defaultVerdictOptions.timeWaitWindowMs);
  let transitions: { director: string; vrid: number; at: number }[] = [];
  const drains = new Map<string, { service: string; realServer: string; startedAt: number }>();
  let alerts: Alert[] = [];

  const record = (alert: Alert, raised: boolean, at: number) => {
    if (deps.recordsAlerts?.() === false) return;
    deps.events
      .appendHubEvent({
        director: (alert.scope.director as DirectorId | undefined) ?? HUB_EVENT_SOURCE,
        receivedAt: deps.now(),
        event: { kind: "alert", alertId: alert.id, rule: alert.rule, raised, message: alert.message, at },
      })
      .then(deps.onEvent, deps.onStoreError);
  };

  return {
    evaluate() {
      const now = deps.now();
      transitions = transitions.filter((t) => now - t.at <= DEFAULT_FLAP_WINDOW_MS);
      const holdNoMasterUntil = deps.holdNoMasterUntil?.();
      const directors = deps.fleet.list();
      timeWait.note(directors, now);
      const timeWaitEarlier = timeWait.earlier(now);
      const changes = tracker.update({
        directors,
        now,
        recentTransitions: transitions,
        drains: [...drains.values()],
        ...(holdNoMasterUntil !== undefined && { holdNoMasterUntil }),
        ...(timeWaitEarlier !== undefined && { timeWaitEarlier }),
      });
      const previous = alerts;
      alerts = changes.active.map(alertOfVerdict);
      for (const alert of changes.raised.map(alertOfVerdict)) {
        record(alert, true, alert.since);
        deps.onAlertChange?.("alert-raised", alert, alert.since);
      }
      for (const alert of changes.cleared.map(alertOfVerdict)) {
        record(alert, false, now);
        deps.onAlertChange?.("alert-cleared", alert, now);
      }
      if (changes.raised.length + changes.cleared.length + changes.updated.length > 0) deps.onAlertsChanged(previous, alerts);
      deps.onEvaluated?.();
    },
    noteEvent(stored) {
      if (stored.event.kind !== "vrrp-transition") return;
      transitions.push({ director: stored.director, vrid: stored.event.vrid, at: stored.event.at });
      if (transitions.length > MAX_RECENT_TRANSITIONS) transitions.shift();
    },
    noteWeightChange(change) {
      if (change.state === "pending" || change.state === "failed") return;
      const key = `${change.service}|${change.realServer}`;
      if (change.weight === 0) drains.set(key, { service: change.service, realServer: change.realServer, startedAt: change.requestedAt });
      else drains.delete(key);
    },
    verdicts: () => tracker.active(),
    active: () => alerts,
  };
}
