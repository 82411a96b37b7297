export type { ParsedServiceKey } from "./keys";
export { normalizeVip, parseServiceKey, vipInScope, vipOfServiceKey } from "./keys";
export type { FreshDirector } from "./staleness";
export { STALE_AFTER_TICKS, isFresh, isStaleAt, staleReason } from "./staleness";
export type { VrrpGroup, VrrpMember } from "./groups";
export { groupOnWire, liveServices, vrrpGroups } from "./groups";
export type { ActiveDrain, RecordedTransition, VerdictInput, VerdictOptions } from "./verdictOptions";
export {
  DEFAULT_DRAIN_STUCK_AFTER_MS,
  DEFAULT_FLAP_TRANSITIONS,
  DEFAULT_FLAP_WINDOW_MS,
  DEFAULT_MAX_DIFFERENCES_LISTED,
  alertOfVerdict,
  defaultVerdictOptions,
  verdictSeverity,
} from "./verdictOptions";
export { compareVerdicts, deriveVerdicts } from "./deriveVerdicts";
export type { TimeWaitHistory, TimeWaitSample } from "./timeWaitHistory";
export { createTimeWaitHistory, sampleTimeWait, timeWaitKey } from "./timeWaitHistory";
export type { VerdictChanges, VerdictTracker } from "./verdictTracker";
export { createVerdictTracker } from "./verdictTracker";
export type { HealthStatus } from "./health";
export { clusterHealth, groupInScope, healthStatuses, scopeHealth, statusOf, statusOfVerdict, verdictInScope, verdictsOfGroup, verdictsOfVip, vipsOfVerdict } from "./health";
export type { Incident, IncidentList } from "./incidents";
export { INCIDENT_WINDOW_MS, recentIncidents } from "./incidents";
export type { PeerReading, TransitionEvidence } from "./transitionCause";
export { explainTransition, peerReadings } from "./transitionCause";
export type { IncidentRecord } from "./incidentRecords";
export { INCIDENT_LEAD_MS, INCIDENT_MAX_SPAN_MS, INCIDENT_TAIL_MS, incidentEventTime, incidentRecords, opensIncident } from "./incidentRecords";
export type { SyncReading, SyncSide } from "./syncRules";
export { describeSync, syncReading } from "./syncRules";
export { SYNC_CAUGHT_UP_SHARE, failoverPreflight, isHeld } from "./failoverPreflight";
export { isOut } from "./serviceRules";
