import { z } from "zod";
import { alertRuleSchema } from "./alerts";
import { directorIdSchema } from "./ids";
import { vrrpStateSchema } from "./model";
import { applyListChanges, listChanges, noListChanges, type ListChanges } from "./listChanges";

/**
 * What a health verdict is about. `group` is the VRRP group's key (`51/198.51.100.10`), `vips` the
 * normalised VIPs it concerns (a group's VIPs, a VIP on two directors, a stale director's VIPs).
 */
export const verdictScopeSchema = z.object({
  group: z.string().optional(),
  vrid: z.number().int().optional(),
  vips: z.array(z.string()).optional(),
  director: z.string().optional(),
  service: z.string().optional(),
  realServer: z.string().optional(),
});
export type VerdictScope = z.infer<typeof verdictScopeSchema>;

/** One health verdict the hub decided; `id` is stable while the condition holds, `since` when it began. */
export const verdictSchema = z.object({
  id: z.string(),
  kind: alertRuleSchema,
  severity: z.enum(["critical", "warning"]),
  message: z.string(),
  since: z.number(),
  scope: verdictScopeSchema,
});
export type Verdict = z.infer<typeof verdictSchema>;
export type VerdictKind = Verdict["kind"];

/** One director's part in a VRRP group; `instance` is null for a director without VRRP serving the group's VIPs. */
export const groupMemberSchema = z.object({
  director: directorIdSchema,
  instance: z.string().nullable(),
  state: vrrpStateSchema,
  fresh: z.boolean(),
});
export type GroupMember = z.infer<typeof groupMemberSchema>;

/**
 * A VRRP group as the hub grouped it: one VRID together with its VIP set (the same VRID on disjoint VIP
 * sets is two groups). `vrid` is null for a director without VRRP whose services are on no group's VIPs.
 */
export const clusterGroupSchema = z.object({
  key: z.string(),
  vrid: z.number().int().nullable(),
  vips: z.array(z.string()),
  names: z.array(z.string()),
  label: z.string(),
  members: z.array(groupMemberSchema),
});
export type ClusterGroup = z.infer<typeof clusterGroupSchema>;

/** The hub's one answer on cluster health: its groups and every verdict that holds now. */
export const clusterHealthSchema = z.object({
  groups: z.array(clusterGroupSchema),
  verdicts: z.array(verdictSchema),
});
export type ClusterHealth = z.infer<typeof clusterHealthSchema>;

/** What changed in the groups (keyed by `key`) and verdicts (keyed by `id`) from one health to the next. */
export interface ClusterHealthChanges {
  groups: ListChanges<ClusterGroup>;
  verdicts: ListChanges<Verdict>;
}

/** The changes from `before` to `after`; null when there are none. */
export function clusterHealthChanges(before: ClusterHealth, after: ClusterHealth): ClusterHealthChanges | null {
  const groups = listChanges(before.groups, after.groups, (g) => g.key);
  const verdicts = listChanges(before.verdicts, after.verdicts, (v) => v.id);
  return noListChanges(groups) && noListChanges(verdicts) ? null : { groups, verdicts };
}

/** `health` with `changes` applied: exactly the health they were made to reach. */
export function applyClusterHealthChanges(health: ClusterHealth, changes: ClusterHealthChanges): ClusterHealth {
  return {
    groups: applyListChanges(health.groups, changes.groups, (g) => g.key),
    verdicts: applyListChanges(health.verdicts, changes.verdicts, (v) => v.id),
  };
}
