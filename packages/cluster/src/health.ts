import type { ClusterGroup, ClusterHealth, DirectorView, Verdict } from "@lvsdeck/protocol";
import { groupOnWire, vrrpGroups } from "./groups";
import { normalizeVip, vipOfServiceKey } from "./keys";

/** The hub's answer for browsers: its groups of the live model and the verdicts that hold. */
export function clusterHealth(directors: readonly DirectorView[], verdicts: readonly Verdict[]): ClusterHealth {
  return { groups: vrrpGroups(directors).map(groupOnWire), verdicts: [...verdicts] };
}

/** The normalised VIPs a verdict is about: its own, or its service's address. */
export function vipsOfVerdict(verdict: Verdict): string[] {
  const service = verdict.scope.service === undefined ? null : vipOfServiceKey(verdict.scope.service);
  return [...(verdict.scope.vips ?? []), ...(service === null ? [] : [service])];
}

/** Whether a principal limited to `scope` VIPs (null: all) may see a verdict: one of its VIPs must be theirs. */
export function verdictInScope(verdict: Verdict, scope: readonly string[] | null): boolean {
  if (scope === null) return true;
  const mine = new Set(scope.map(normalizeVip));
  return vipsOfVerdict(verdict).some((vip) => mine.has(vip));
}

/** Whether a principal limited to `scope` VIPs may see a group: one of its VIPs must be theirs. */
export function groupInScope(group: ClusterGroup, scope: readonly string[] | null): boolean {
  if (scope === null) return true;
  const mine = new Set(scope.map(normalizeVip));
  return group.vips.some((vip) => mine.has(vip));
}

/**
 * The part of the health a VIP-scoped principal may see (null scope: all of it): groups and verdicts with
 * one of its VIPs, and of their VIPs only those.
 */
export function scopeHealth(health: ClusterHealth, scope: readonly string[] | null): ClusterHealth {
  if (scope === null) return health;
  const mine = new Set(scope.map(normalizeVip));
  const trim = (vips: readonly string[]) => vips.filter((vip) => mine.has(vip));
  return {
    groups: health.groups.filter((g) => groupInScope(g, scope)).map((g) => ({ ...g, vips: trim(g.vips) })),
    verdicts: health.verdicts
      .filter((v) => verdictInScope(v, scope))
      .map((v) => (v.scope.vips === undefined ? v : { ...v, scope: { ...v.scope, vips: trim(v.scope.vips) } })),
  };
}

/** The one status of a group or VIP, decided from the verdicts about it. */
export const healthStatuses = ["split-brain", "no-master", "stale", "degraded", "ok"] as const;
export type HealthStatus = (typeof healthStatuses)[number];

/** The status one verdict gives what it is about. */
export function statusOfVerdict(verdict: Verdict): Exclude<HealthStatus, "ok"> {
  switch (verdict.kind) {
    case "split-brain":
    case "vip-on-two-directors":
      return "split-brain";
    case "no-master":
      return "no-master";
    case "stale-director":
      return "stale";
    default:
      return "degraded";
  }
}

/** The worst status among `verdicts` (order of {@link healthStatuses}); "ok" when there are none. */
export function statusOf(verdicts: readonly Verdict[]): HealthStatus {
  const found = new Set(verdicts.map(statusOfVerdict));
  return healthStatuses.find((s) => found.has(s as Exclude<HealthStatus, "ok">)) ?? "ok";
}

/** The verdicts about one group: its own, and those about its VIPs, its services or its directors' VRRP. */
export function verdictsOfGroup(health: ClusterHealth, group: ClusterGroup): Verdict[] {
  const vips = new Set(group.vips);
  const directors = new Set<string>(group.members.map((m) => m.director));
  return health.verdicts.filter((v) => {
    if (v.scope.group !== undefined) return v.scope.group === group.key;
    if (v.kind === "stale-director") return v.scope.director !== undefined && directors.has(v.scope.director);
    if (v.kind === "flapping") return v.scope.vrid === group.vrid && v.scope.director !== undefined && directors.has(v.scope.director);
    return vipsOfVerdict(v).some((vip) => vips.has(vip));
  });
}

/**
 * The verdicts about one VIP (normalised): those naming it, and those about a whole group that carries it
 * (split brain, no MASTER, a stale or flapping member). A verdict about one service or one VIP stays with
 * that VIP: a service with no real server left does not colour its group's other VIPs.
 */
export function verdictsOfVip(health: ClusterHealth, vip: string): Verdict[] {
  const groups = health.groups.filter((g) => g.vips.includes(vip));
  const ids = new Set(groups.flatMap((g) => verdictsOfGroup(health, g)).map((v) => v.id));
  return health.verdicts.filter((v) => {
    const named = vipsOfVerdict(v).includes(vip);
    const aboutOne = v.scope.group === undefined && (v.scope.service !== undefined || v.scope.vips !== undefined);
    return named || (!aboutOne && ids.has(v.id));
  });
}
