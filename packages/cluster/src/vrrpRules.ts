import type { Verdict, VerdictScope } from "@lvsdeck/protocol";
import type { VerdictInput, VerdictOptions } from "./verdictOptions";
import { makeVerdict } from "./verdictOptions";
import type { VrrpGroup, VrrpMember } from "./groups";
import { directorNames } from "./groups";
import type { FreshDirector } from "./staleness";
import { isFresh } from "./staleness";

/** A VRRP instance group: one with a VRID. */
export type InstanceGroup = VrrpGroup & { vrid: number };

/** The scope of a verdict about a whole group. */
export function groupScope(group: InstanceGroup): VerdictScope {
  return { group: group.key, vrid: group.vrid, vips: group.vips };
}

/**
 * The one fresh MASTER of a group and its fresh BACKUPs (sorted), for rules that compare the two; null with
 * no fresh MASTER or several, where no-master or split-brain already speaks for the group.
 */
export function freshMasterAndBackups(group: InstanceGroup): { master: FreshDirector; backups: FreshDirector[] } | null {
  const fresh = (state: string) => {
    const seen = new Map<string, FreshDirector>();
    for (const m of group.members) if (m.state === state && isFresh(m.director)) seen.set(m.director.id, m.director);
    return [...seen.values()].sort((a, b) => a.id.localeCompare(b.id));
  };
  const masters = fresh("MASTER");
  const master = masters[0];
  if (master === undefined || masters.length > 1) return null;
  return { master, backups: fresh("BACKUP").filter((b) => b.id !== master.id) };
}

function describe(member: VrrpMember): string {
  return `${member.director.id} ${member.state}${member.fresh ? "" : " (stale)"}`;
}

/** split-brain: two or more fresh directors are MASTER of the same VRRP group. */
export function splitBrainVerdicts(groups: readonly InstanceGroup[], now: number): Verdict[] {
  return groups.flatMap((group) => {
    const masters = directorNames(group.members.filter((m) => m.fresh && m.state === "MASTER"));
    if (masters.length < 2) return [];
    return [makeVerdict("split-brain", groupScope(group), `split brain on ${group.label}: MASTER on ${masters.join(" and ")}`, now)];
  });
}

/**
 * keepalived's master-down interval for a BACKUP: 3 × advert_int plus the skew (256 − priority) / 256 ×
 * advert_int. A BACKUP that entered BACKUP less than this ago has not yet had the chance to take over.
 */
export function masterDownMs(instance: { advertIntervalMs: number; effectivePriority: number }): number {
  return 3 * instance.advertIntervalMs + Math.ceil(((256 - instance.effectivePriority) * instance.advertIntervalMs) / 256);
}

/** no-master: a VRRP group with no fresh MASTER among the directors that carry it (see {@link noMasterHoldMs}). */
export function noMasterVerdicts(groups: readonly InstanceGroup[], now: number): Verdict[] {
  return groups.flatMap((group) => {
    if (group.members.some((m) => m.fresh && m.state === "MASTER")) return [];
    const states = [...group.members].sort((a, b) => a.director.id.localeCompare(b.director.id)).map(describe);
    return [makeVerdict("no-master", groupScope(group), `no MASTER for ${group.label}: ${states.join(", ")}`, now)];
  });
}

/** flapping: at least `flapTransitions` transitions of one VRID on one director within `flapWindowMs`. */
export function flappingVerdicts(input: VerdictInput, options: VerdictOptions): Verdict[] {
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
      makeVerdict(
        "flapping",
        { vrid: e.vrid, director: e.director },
        `VRID ${e.vrid} on ${e.director} flapping: ${e.times.length} transitions in ${minutes} min`,
        Math.min(...e.times),
      ),
    );
}

/** advert_int and priority assumed for a member that reports no instance (keepalived's defaults). */
const DEFAULT_INSTANCE = { advertIntervalMs: 1000, effectivePriority: 100 };

/**
 * How long a group may be without a MASTER before that is an outage: the longest master-down interval
 * of its members. Within it a BACKUP can still take over, as at start-up or during a clean failover (whose
 * gap the failover's incident reports); after it nobody will unless something changes.
 */
export function noMasterHoldMs(groups: readonly InstanceGroup[], groupKey: string | undefined): number {
  const group = groups.find((g) => g.key === groupKey);
  const members = group?.members ?? [];
  return Math.max(masterDownMs(DEFAULT_INSTANCE), ...members.map((m) => masterDownMs(m.instance ?? DEFAULT_INSTANCE)));
}

/**
 * How long two MASTERs (or one VIP on two directors) must last before it is a split brain: two advert
 * intervals of the group. A preemption overlaps by less than one: the new MASTER's first advert tells
 * the old one to step down, and keepalived removes the VIP as it does.
 */
export function overlapHoldMs(groups: readonly InstanceGroup[], groupKey: string | undefined): number {
  const members = groupKey === undefined ? groups.flatMap((g) => g.members) : (groups.find((g) => g.key === groupKey)?.members ?? []);
  return 2 * Math.max(DEFAULT_INSTANCE.advertIntervalMs, ...members.map((m) => (m.instance ?? DEFAULT_INSTANCE).advertIntervalMs));
}
