import type { TimeWaitSample } from "./timeWaitHistory";
import type { Alert, DirectorId, DirectorView, RealServerKey, ServiceKey, Verdict, VerdictKind, VerdictScope } from "@lvsdeck/protocol";

/** Transitions of one VRID on one director within the window that count as flapping. */
export const DEFAULT_FLAP_TRANSITIONS = 4;
/** The sliding window in which flapping transitions are counted (ms): five minutes. */
export const DEFAULT_FLAP_WINDOW_MS = 5 * 60_000;
/** How long a drained real server may keep active connections before the drain is stuck (ms): ten minutes. */
export const DEFAULT_DRAIN_STUCK_AFTER_MS = 10 * 60_000;
/** Most table differences spelled out in one tables-differ message; the rest are counted. */
export const DEFAULT_MAX_DIFFERENCES_LISTED = 3;

/** Half-open (SYN_RECV) entries a real server needs before they can be an alert. */
export const DEFAULT_HALF_OPEN_MIN = 20;
/** Share of a real server's entries in SYN_RECV that is out of line… */
export const DEFAULT_HALF_OPEN_SHARE = 0.2;
/** …while its peers in the service stay below this share. */
export const DEFAULT_HALF_OPEN_PEER_SHARE = 0.05;

/** Half-open entries across a service before a SYN flood toward its VIP can be an alert. */
export const DEFAULT_SYN_FLOOD_MIN = 200;
/** Share of the service's entries in SYN_RECV at least, for a SYN flood… */
export const DEFAULT_SYN_FLOOD_SHARE = 0.5;
/** …spread over at least this share of its real servers with entries (one server alone is half-open-connections). */
export const DEFAULT_SYN_FLOOD_SPREAD = 0.5;
/** TIME_WAIT entries a real server needs before a pile-up can be an alert. */
export const DEFAULT_TIME_WAIT_MIN = 500;
/** Times its peers' median TIME_WAIT count that is out of line. */
export const DEFAULT_TIME_WAIT_FACTOR = 5;
/** TIME_WAIT entries a real server must gain within the window before its growth can be an alert. */
export const DEFAULT_TIME_WAIT_GROWTH_MIN = 250;
/** The window over which TIME_WAIT growth is measured (ms): one minute. */
export const DEFAULT_TIME_WAIT_WINDOW_MS = 60_000;

/** Thresholds of the verdict rules; every field has a default above. */
export interface VerdictOptions {
  /** half-open-connections: SYN_RECV entries a real server needs at least. */
  halfOpenMin: number;
  /** half-open-connections: its share of the server's entries at least… */
  halfOpenShare: number;
  /** …while the service's other real servers (those with entries) stay below this share. */
  halfOpenPeerShare: number;
  /** syn-flood: SYN_RECV entries across the service at least… */
  synFloodMin: number;
  /** …making at least this share of its entries… */
  synFloodShare: number;
  /** …on at least this share of its real servers with entries (each with halfOpenShare or more). */
  synFloodSpread: number;
  /** time-wait-pileup: TIME_WAIT entries a real server needs at least… */
  timeWaitMin: number;
  /** …and at least this many times the median of its peers' (two or more peers with entries); the same factor judges growth. */
  timeWaitFactor: number;
  /** time-wait-pileup by growth: TIME_WAIT entries a real server gained over the window at least… */
  timeWaitGrowthMin: number;
  /** …the window (ms) over which growth is measured against the sample in `VerdictInput.timeWaitEarlier`. */
  timeWaitWindowMs: number;
  /** Transitions that make a VRID flapping on one director. */
  flapTransitions: number;
  /** Window for counting them (ms). */
  flapWindowMs: number;
  /** Age after which a drain with active connections is stuck (ms). */
  drainStuckAfterMs: number;
  /** Differences listed in a tables-differ message before "and N more". */
  maxDifferencesListed: number;
}

/** The defaults of {@link VerdictOptions}. */
export const defaultVerdictOptions: VerdictOptions = {
  halfOpenMin: DEFAULT_HALF_OPEN_MIN,
  halfOpenShare: DEFAULT_HALF_OPEN_SHARE,
  halfOpenPeerShare: DEFAULT_HALF_OPEN_PEER_SHARE,
  synFloodMin: DEFAULT_SYN_FLOOD_MIN,
  synFloodShare: DEFAULT_SYN_FLOOD_SHARE,
  synFloodSpread: DEFAULT_SYN_FLOOD_SPREAD,
  timeWaitMin: DEFAULT_TIME_WAIT_MIN,
  timeWaitFactor: DEFAULT_TIME_WAIT_FACTOR,
  timeWaitGrowthMin: DEFAULT_TIME_WAIT_GROWTH_MIN,
  timeWaitWindowMs: DEFAULT_TIME_WAIT_WINDOW_MS,
  flapTransitions: DEFAULT_FLAP_TRANSITIONS,
  flapWindowMs: DEFAULT_FLAP_WINDOW_MS,
  drainStuckAfterMs: DEFAULT_DRAIN_STUCK_AFTER_MS,
  maxDifferencesListed: DEFAULT_MAX_DIFFERENCES_LISTED,
};

/** Fills the unset fields of partial options with the defaults. */
export function resolveVerdictOptions(options: Partial<VerdictOptions> = {}): VerdictOptions {
  return { ...defaultVerdictOptions, ...options };
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

/** Everything the verdict rules look at, taken at one moment `now` (hub clock, ms). */
export interface VerdictInput {
  directors: readonly DirectorView[];
  now: number;
  recentTransitions: readonly RecordedTransition[];
  drains: readonly ActiveDrain[];
  /**
   * No "no MASTER" is raised before this time: a hub that just started is still waiting for directors
   * it knew to report again (agents reconnect at their own pace), and a BACKUP that reports first is
   * not a cluster without a MASTER. Absent: no such wait.
   */
  holdNoMasterUntil?: number;
  /**
   * TIME_WAIT counts taken about `timeWaitWindowMs` before `now` (see timeWaitHistory.ts): growth since
   * then, out of line with the server's peers, raises time-wait-pileup. Absent: growth is not judged.
   */
  timeWaitEarlier?: TimeWaitSample;
}

/** The severity of each kind of verdict. */
export const verdictSeverity = {
  "split-brain": "critical",
  "vip-on-two-directors": "critical",
  "no-master": "critical",
  flapping: "warning",
  "all-real-servers-down": "critical",
  "stale-director": "warning",
  "tables-differ": "warning",
  "drain-stuck": "warning",
  "checker-silent": "warning",
  "quorum-lost": "warning",
  "half-open-connections": "warning",
  "syn-flood": "critical",
  "time-wait-pileup": "warning",
  "sync-stopped": "warning",
} as const satisfies Record<VerdictKind, Verdict["severity"]>;

/** The VIPs of a scope as alerts spell them: sorted and joined with `,`. */
function joinedVips(scope: VerdictScope): string | undefined {
  return scope.vips === undefined || scope.vips.length === 0 ? undefined : scope.vips.join(",");
}

/** Builds a verdict whose id is derived from its kind and scope, so it stays the same while the condition holds. */
export function makeVerdict(kind: VerdictKind, scope: VerdictScope, message: string, since: number): Verdict {
  // A stale director is one condition whatever VIPs it last reported; its VIPs are there for scoping.
  const vip = kind === "stale-director" ? undefined : joinedVips(scope);
  const fields = { vrid: scope.vrid, vip, director: scope.director, service: scope.service, realServer: scope.realServer };
  const parts = (["vrid", "vip", "director", "service", "realServer"] as const)
    .filter((key) => fields[key] !== undefined)
    .map((key) => `${key}=${String(fields[key])}`);
  return { id: [kind, ...parts].join("|"), kind, severity: verdictSeverity[kind], message, since, scope };
}

/** A verdict as `/api/alerts`, metrics and webhooks show it: `rule` and one `vip` field, same id. */
export function alertOfVerdict(verdict: Verdict): Alert {
  const { scope } = verdict;
  const vip = joinedVips(scope);
  const alertScope: Alert["scope"] = {
    ...(scope.vrid !== undefined && { vrid: scope.vrid }),
    ...(vip !== undefined && { vip }),
    ...(scope.director !== undefined && { director: scope.director }),
    ...(scope.service !== undefined && { service: scope.service }),
    ...(scope.realServer !== undefined && { realServer: scope.realServer }),
  };
  return { id: verdict.id, rule: verdict.kind, severity: verdict.severity, message: verdict.message, since: verdict.since, scope: alertScope };
}
