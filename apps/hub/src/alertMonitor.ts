import type { Alert, DirectorId, HubEvent, Verdict, WeightChange } from "@lvsdeck/protocol";
import { alertRuleSchema } from "@lvsdeck/protocol";
import { alertOfVerdict, createTimeWaitHistory, createVerdictTracker, DEFAULT_FLAP_WINDOW_MS, defaultVerdictOptions, verdictSeverity } from "@lvsdeck/cluster";
import type { VerdictOptions } from "@lvsdeck/cluster";
import type { Fleet } from "./fleet";
import type { EventStore } from "./store/eventStore";

/** Alerts that are not about one director are stored under this name in the event log. */
export const HUB_EVENT_SOURCE = "hub" as DirectorId;
/** Most VRRP transitions remembered for the flapping rule. */
const MAX_RECENT_TRANSITIONS = 10_000;
/** Alert events read back to find the alerts the record holds open: far more than are ever open at once. */
const RECONCILE_ALERT_EVENTS = 5_000;

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
  /**
   * Brings the record in line with the alerts that hold now: raises every active alert the record does
   * not hold open, and clears every alert it holds open that no longer holds. A clustered hub runs it on
   * becoming the alerting leader, for what changed while no hub recorded. Returns what it recorded.
   */
  reconcile(): Promise<{ raised: number; cleared: number }>;
  /**
   * This hub has just taken the lead. Until its reconcile() ends, a raise that the record already holds
   * open is neither stored nor sent again: the old leader may have raised the alert, and it may have
   * cleared and come back while no hub recorded.
   */
  tookTheLead(): void;
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

  const store = (alert: Alert, raised: boolean, at: number) =>
    deps.events.appendHubEvent({
      director: (alert.scope.director as DirectorId | undefined) ?? HUB_EVENT_SOURCE,
      receivedAt: deps.now(),
      event: { kind: "alert", alertId: alert.id, rule: alert.rule, raised, message: alert.message, at, scope: alert.scope },
    });
  // Raises and clears are stored one after another, in the order the evaluations made them.
  let storing: Promise<void> = Promise.resolve();
  let takingOver = false;
  /** Raises and clears waiting in `storing`. */
  let queued = 0;
  /**
   * While taking over: the record as read for the raises now queued, kept up to date with what this hub
   * stores. An outage raising 200 alerts at once was 200 reads of up to RECONCILE_ALERT_EVENTS events,
   * holding the new leader's event loop while it mattered most; now the raises queued together share
   * one. Dropped once the queue is empty, so a later raise reads what an old leader has written since.
   */
  let readForCheck: Promise<Map<string, HubEvent>> | null = null;
  /**
   * Records a raise or clear (on the hub that records) and hands it to onAlertChange (which the hub
   * passes on to the webhook only where it leads).
   */
  const record = (alert: Alert, raised: boolean, at: number) => {
    const type = raised ? "alert-raised" : "alert-cleared";
    const recording = deps.recordsAlerts?.() !== false;
    const checkRecord = recording && raised && takingOver;
    if (!checkRecord) deps.onAlertChange?.(type, alert, at);
    if (!recording) return;
    queued++;
    storing = storing
      .then(async () => {
        if (checkRecord) {
          if ((await (readForCheck ??= openInRecord())).has(alert.id)) return;
          deps.onAlertChange?.(type, alert, at);
        }
        const stored = await store(alert, raised, at);
        deps.onEvent(stored);
        // A read that failed has already been reported, by the raise that waited for it.
        const open = await readForCheck?.catch(() => null);
        if (raised) open?.set(alert.id, stored);
        else open?.delete(alert.id);
      })
      .catch(deps.onStoreError)
      .finally(() => {
        if (--queued === 0) readForCheck = null;
      });
  };

  /** The alerts the event log holds open (raised, not cleared since), as their last raise said them. */
  const openInRecord = async (): Promise<Map<string, HubEvent>> => {
    const open = new Map<string, HubEvent>();
    for (const stored of await deps.events.query({ kind: "alert", limit: RECONCILE_ALERT_EVENTS })) {
      if (stored.event.kind !== "alert") continue;
      if (stored.event.raised) open.set(stored.event.alertId, stored);
      else open.delete(stored.event.alertId);
    }
    return open;
  };

  /** An alert as a stored raise describes it: enough to clear it on the record and at the webhook. */
  const alertOfRecord = (stored: HubEvent): Alert | null => {
    if (stored.event.kind !== "alert") return null;
    const rule = alertRuleSchema.safeParse(stored.event.rule);
    if (!rule.success) return null;
    // A raise stored before scopes were: the director it was filed under is all that is known.
    const scope = stored.event.scope ?? (stored.director === HUB_EVENT_SOURCE ? {} : { director: stored.director });
    return { id: stored.event.alertId, rule: rule.data, severity: verdictSeverity[rule.data], message: stored.event.message, since: stored.event.at, scope };
  };

  /** Raises what holds and the record lacks, clears what the record holds open and no longer holds. */
  const reconcileRecord = async () => {
    const open = await openInRecord();
    const now = deps.now();
    const toRaise = alerts.filter((alert) => !open.has(alert.id));
    const active = new Set(alerts.map((alert) => alert.id));
    const toClear = [...open.values()].flatMap((stored) => {
      const alert = alertOfRecord(stored);
      return alert === null || active.has(alert.id) ? [] : [alert];
    });
    for (const alert of toRaise) {
      deps.onEvent(await store(alert, true, alert.since));
      deps.onAlertChange?.("alert-raised", alert, alert.since);
    }
    for (const alert of toClear) {
      deps.onEvent(await store(alert, false, now));
      deps.onAlertChange?.("alert-cleared", alert, now);
    }
    return { raised: toRaise.length, cleared: toClear.length };
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
      for (const alert of changes.raised.map(alertOfVerdict)) record(alert, true, alert.since);
      for (const alert of changes.cleared.map(alertOfVerdict)) record(alert, false, now);
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
    tookTheLead() {
      takingOver = true;
    },
    async reconcile() {
      if (deps.recordsAlerts?.() === false) return { raised: 0, cleared: 0 };
      try {
        // What the evaluations so far made is in the record first.
        await storing;
        return await reconcileRecord();
      } finally {
        takingOver = false;
      }
    },
  };
}
