import type { Verdict } from "@lvsdeck/protocol";
import { alertRules } from "@lvsdeck/protocol";
import type { VerdictInput, VerdictOptions } from "./verdictOptions";
import { resolveVerdictOptions } from "./verdictOptions";
import { vrrpGroups, vrrpInstanceGroups } from "./groups";
import { checkerSilentVerdicts, staleDirectorVerdicts, vipOnTwoDirectorsVerdicts } from "./directorRules";
import { allRealServersDownVerdicts, drainStuckVerdicts, halfOpenVerdicts, quorumLostVerdicts } from "./serviceRules";
import { synFloodVerdicts, timeWaitVerdicts } from "./stateRules";
import { syncStoppedVerdicts } from "./syncRules";
import { tablesDifferVerdicts } from "./tableRules";
import { flappingVerdicts, noMasterVerdicts, splitBrainVerdicts } from "./vrrpRules";

/** Orders verdicts critical first, then by kind in `alertRules` order, then by id. */
export function compareVerdicts(a: Verdict, b: Verdict): number {
  const severity = (x: Verdict) => (x.severity === "critical" ? 0 : 1);
  return severity(a) - severity(b) || alertRules.indexOf(a.kind) - alertRules.indexOf(b.kind) || a.id.localeCompare(b.id);
}

/** Derives every verdict that holds at `input.now` from the live model; pure, `since` is the best start time the data gives. */
export function deriveVerdicts(input: VerdictInput, options: Partial<VerdictOptions> = {}): Verdict[] {
  const resolved = resolveVerdictOptions(options);
  const { directors, now } = input;
  const groups = vrrpInstanceGroups(vrrpGroups(directors));
  return [
    ...splitBrainVerdicts(groups, now),
    ...vipOnTwoDirectorsVerdicts(directors, now),
    ...noMasterVerdicts(groups, now),
    ...flappingVerdicts(input, resolved),
    ...allRealServersDownVerdicts(directors, now),
    ...staleDirectorVerdicts(directors, now),
    ...tablesDifferVerdicts(groups, now, resolved),
    ...drainStuckVerdicts(input, resolved),
    ...checkerSilentVerdicts(directors, now),
    ...quorumLostVerdicts(directors, now),
    ...halfOpenVerdicts(directors, now, resolved),
    ...synFloodVerdicts(directors, now, resolved),
    ...timeWaitVerdicts(directors, now, resolved, input.timeWaitEarlier),
    ...syncStoppedVerdicts(groups, now),
  ].sort(compareVerdicts);
}
