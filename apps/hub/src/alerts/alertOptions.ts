import type { Alert, AlertRule, DirectorId, DirectorView, RealServerKey, ServiceKey } from "@lvsdeck/protocol";

/** Transitions of one VRID on one director within the window that count as flapping. */
export const DEFAULT_FLAP_TRANSITIONS = 4;
/** The sliding window in which flapping transitions are counted (ms): five minutes. */
export const DEFAULT_FLAP_WINDOW_MS = 5 * 60_000;
/** How long a drained real server may keep active connections before the drain is stuck (ms): ten minutes. */
export const DEFAULT_DRAIN_STUCK_AFTER_MS = 10 * 60_000;
/** Most table differences spelled out in one tables-differ message; the rest are counted. */
export const DEFAULT_MAX_DIFFERENCES_LISTED = 3;

/** Thresholds of the alert rules; every field has a default above. */
export interface AlertOptions {
  /** Transitions that make a VRID flapping on one director. */
  flapTransitions: number;
  /** Window for counting them (ms). */
  flapWindowMs: number;
  /** Age after which a drain with active connections is stuck (ms). */
  drainStuckAfterMs: number;
  /** Differences listed in a tables-differ message before "and N more". */
  maxDifferencesListed: number;
}

/** The defaults of {@link AlertOptions}. */
export const defaultAlertOptions: AlertOptions = {
  flapTransitions: DEFAULT_FLAP_TRANSITIONS,
  flapWindowMs: DEFAULT_FLAP_WINDOW_MS,
  drainStuckAfterMs: DEFAULT_DRAIN_STUCK_AFTER_MS,
  maxDifferencesListed: DEFAULT_MAX_DIFFERENCES_LISTED,
};

/** Fills the unset fields of partial options with the defaults. */
export function resolveAlertOptions(options: Partial<AlertOptions> = {}): AlertOptions {
  return { ...defaultAlertOptions, ...options };
}

/** A VRRP transition the hub recorded, as the flapping rule needs it (`at` in ms since the epoch). */
export interface RecordedTransition {
  director: DirectorId | string;
  vrid: number;
  at: number;
}

/** A drain started by an operator: the real server's weight was set to 0 at `startedAt`. */
export interface ActiveDrain {
  service: ServiceKey | string;
  realServer: RealServerKey | string;
  startedAt: number;
}

/** Everything the alert rules look at, taken at one moment `now` (hub clock, ms). */
export interface AlertInput {
  directors: readonly DirectorView[];
  now: number;
  recentTransitions: readonly RecordedTransition[];
  drains: readonly ActiveDrain[];
}

/** The severity each rule raises with. */
export const ruleSeverity = {
  "split-brain": "critical",
  "vip-on-two-directors": "critical",
  "no-master": "critical",
  flapping: "warning",
  "all-real-servers-down": "critical",
  "stale-director": "warning",
  "tables-differ": "warning",
  "drain-stuck": "warning",
} as const satisfies Record<AlertRule, Alert["severity"]>;

/** Builds an alert whose id is derived from its rule and scope, so it stays the same while the condition holds. */
export function makeAlert(rule: AlertRule, scope: Alert["scope"], message: string, since: number): Alert {
  const parts = (["vrid", "vip", "director", "service", "realServer"] as const)
    .filter((key) => scope[key] !== undefined)
    .map((key) => `${key}=${String(scope[key])}`);
  return { id: [rule, ...parts].join("|"), rule, severity: ruleSeverity[rule], message, since, scope };
}
