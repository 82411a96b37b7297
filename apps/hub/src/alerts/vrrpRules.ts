import type { Alert } from "@lvsdeck/protocol";
import type { AlertInput, AlertOptions } from "./alertOptions";
import { makeAlert } from "./alertOptions";
import type { VrrpGroup, VrrpMember } from "./directorFacts";
import { directorNames } from "./directorFacts";

function groupScope(group: VrrpGroup): Alert["scope"] {
  return group.vips.length > 0 ? { vrid: group.vrid, vip: group.vips.join(",") } : { vrid: group.vrid };
}

function describe(member: VrrpMember): string {
  return `${member.director.id} ${member.instance.state}${member.fresh ? "" : " (stale)"}`;
}

/** split-brain: two or more fresh directors are MASTER of the same VRRP group. */
export function splitBrainAlerts(groups: readonly VrrpGroup[], now: number): Alert[] {
  return groups.flatMap((group) => {
    const masters = directorNames(group.members.filter((m) => m.fresh && m.instance.state === "MASTER"));
    if (masters.length < 2) return [];
    return [makeAlert("split-brain", groupScope(group), `split brain on ${group.label}: MASTER on ${masters.join(" and ")}`, now)];
  });
}

/** no-master: a VRRP group with no fresh MASTER among the directors that carry it. */
export function noMasterAlerts(groups: readonly VrrpGroup[], now: number): Alert[] {
  return groups.flatMap((group) => {
    if (group.members.some((m) => m.fresh && m.instance.state === "MASTER")) return [];
    const states = [...group.members].sort((a, b) => a.director.id.localeCompare(b.director.id)).map(describe);
    return [makeAlert("no-master", groupScope(group), `no MASTER for ${group.label}: ${states.join(", ")}`, now)];
  });
}

/** flapping: at least `flapTransitions` transitions of one VRID on one director within `flapWindowMs`. */
export function flappingAlerts(input: AlertInput, options: AlertOptions): Alert[] {
  const from = input.now - options.flapWindowMs;
  const byScope = new Map<string, { director: string; vrid: number; times: number[] }>();
  for (const t of input.recentTransitions) {
    if (t.at < from) continue;
    const key = `${t.director}\u0000${t.vrid}`;
    const entry = byScope.get(key) ?? { director: t.director, vrid: t.vrid, times: [] };
    entry.times.push(t.at);
    byScope.set(key, entry);
  }
  const minutes = Math.round(options.flapWindowMs / 60_000);
  return [...byScope.values()]
    .filter((e) => e.times.length >= options.flapTransitions)
    .map((e) =>
      makeAlert(
        "flapping",
        { vrid: e.vrid, director: e.director },
        `VRID ${e.vrid} on ${e.director} flapping: ${e.times.length} transitions in ${minutes} min`,
        Math.min(...e.times),
      ),
    );
}
