export type { ActiveDrain, AlertInput, AlertOptions, RecordedTransition } from "./alertOptions";
export {
  DEFAULT_DRAIN_STUCK_AFTER_MS,
  DEFAULT_FLAP_TRANSITIONS,
  DEFAULT_FLAP_WINDOW_MS,
  DEFAULT_MAX_DIFFERENCES_LISTED,
  defaultAlertOptions,
  ruleSeverity,
} from "./alertOptions";
export { deriveAlerts, compareAlerts } from "./deriveAlerts";
export type { AlertChanges, AlertTracker } from "./alertTracker";
export { createAlertTracker } from "./alertTracker";
