import type { Alert } from "@lvsdeck/protocol";
import { alertRules } from "@lvsdeck/protocol";
import type { AlertInput, AlertOptions } from "./alertOptions";
import { resolveAlertOptions } from "./alertOptions";
import { vrrpGroups } from "./directorFacts";
import { staleDirectorAlerts, vipOnTwoDirectorsAlerts } from "./directorRules";
import { allRealServersDownAlerts, drainStuckAlerts } from "./serviceRules";
import { tablesDifferAlerts } from "./tableRules";
import { flappingAlerts, noMasterAlerts, splitBrainAlerts } from "./vrrpRules";

/** Orders alerts critical first, then by the rule's place in `alertRules`, then by id. */
export function compareAlerts(a: Alert, b: Alert): number {
  const severity = (x: Alert) => (x.severity === "critical" ? 0 : 1);
  return severity(a) - severity(b) || alertRules.indexOf(a.rule) - alertRules.indexOf(b.rule) || a.id.localeCompare(b.id);
}

/** Derives every active alert from the live model at `input.now`; pure, `since` is the best start time the data gives. */
export function deriveAlerts(input: AlertInput, options: Partial<AlertOptions> = {}): Alert[] {
  const resolved = resolveAlertOptions(options);
  const { directors, now } = input;
  const groups = vrrpGroups(directors);
  return [
    ...splitBrainAlerts(groups, now),
    ...vipOnTwoDirectorsAlerts(directors, now),
    ...noMasterAlerts(groups, now),
    ...flappingAlerts(input, resolved),
    ...allRealServersDownAlerts(directors, now),
    ...staleDirectorAlerts(directors, now),
    ...tablesDifferAlerts(groups, now, resolved),
    ...drainStuckAlerts(input, resolved),
  ].sort(compareAlerts);
}
