import { z } from "zod";

/** The conditions the hub raises alerts for; apps/hub/src/alerts/README.md documents each rule. */
export const alertRules = [
  "split-brain",
  "vip-on-two-directors",
  "no-master",
  "flapping",
  "all-real-servers-down",
  "stale-director",
  "tables-differ",
  "drain-stuck",
  "checker-silent",
  "quorum-lost",
  "half-open-connections",
  "syn-flood",
  "time-wait-pileup",
  "sync-stopped",
] as const;
export const alertRuleSchema = z.enum(alertRules);
export type AlertRule = z.infer<typeof alertRuleSchema>;

/** One active alert. `id` is stable for the same rule and scope, so raise/clear pairs match. */
export const alertSchema = z.object({
  id: z.string(),
  rule: alertRuleSchema,
  severity: z.enum(["critical", "warning"]),
  message: z.string(),
  since: z.number(),
  scope: z.object({
    vrid: z.number().int().optional(),
    vip: z.string().optional(),
    director: z.string().optional(),
    service: z.string().optional(),
    realServer: z.string().optional(),
  }),
});
export type Alert = z.infer<typeof alertSchema>;

/** `GET /api/alerts` and the `alerts` frame on /ws/ui. */
export const alertsResponseSchema = z.object({ alerts: z.array(alertSchema) });
