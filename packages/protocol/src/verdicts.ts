import { z } from "zod";
import { alertRuleSchema } from "./alerts";
import { directorIdSchema } from "./ids";
import { vrrpStateSchema } from "./model";

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
