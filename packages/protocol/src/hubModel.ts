import { z } from "zod";
import { directorIdSchema, realServerKeySchema, serviceKeySchema } from "./ids";
import { directorSnapshotSchema, weightModeSchema, weightSchema } from "./model";
import { agentEventSchema } from "./events";
import { capabilitySchema } from "./agentMessages";
import { alertSchema } from "./alerts";

/** The agent behind a director, as announced in its hello. */
export const agentInfoSchema = z.object({
  version: z.string(),
  sources: z.array(z.string()),
  capabilities: z.array(capabilitySchema),
  weightMode: weightModeSchema,
  tickMs: z.number().int().positive(),
});
export type AgentInfo = z.infer<typeof agentInfoSchema>;

/**
 * One director in the hub's live model. `receivedAt` is the hub's clock when the last data arrived;
 * `stale` is true once that is older than three of the agent's ticks.
 */
export const directorViewSchema = z.object({
  id: directorIdSchema,
  connected: z.boolean(),
  receivedAt: z.number().nullable(),
  stale: z.boolean(),
  agent: agentInfoSchema.nullable(),
  snapshot: directorSnapshotSchema.nullable(),
  /** Frames the hub refused or corrected from this director since it connected: it is sending bad data. */
  badData: z.object({ count: z.number().int().nonnegative(), lastReason: z.string().max(500), lastAt: z.number() }).nullable().optional(),
});
export type DirectorView = z.infer<typeof directorViewSchema>;

/** An agent connected to or left the hub. */
export const agentPresenceEventSchema = z.object({
  kind: z.literal("agent"),
  connected: z.boolean(),
  detail: z.string(),
  at: z.number(),
});

/**
 * The hub itself started or stopped. A start after a stop says how long the hub was away (`downFrom`
 * to `at`): nothing was received then, so charts and the timeline show that stretch as a gap.
 */
export const hubLifecycleEventSchema = z.object({
  kind: z.literal("hub"),
  state: z.enum(["started", "stopped"]),
  /** For a start: when the previous run stopped (or was last seen alive, after an unclean stop); null on the first start. */
  downFrom: z.number().nullable(),
  /** For a start: whether the previous run stopped cleanly. */
  clean: z.boolean(),
  detail: z.string(),
  at: z.number(),
});

/** The hub raised or cleared an alert. */
export const alertEventSchema = z.object({
  kind: z.literal("alert"),
  alertId: z.string(),
  rule: z.string(),
  raised: z.boolean(),
  message: z.string(),
  at: z.number(),
  /**
   * What the alert is about, as raised (its VRID, VIP, director, service, real server); absent in records
   * from before it was stored. A clear that a newly elected alerting hub rebuilds from the record carries it.
   */
  scope: alertSchema.shape.scope.optional(),
});

/** An event as the hub stores it: an agent's event or one the hub observed itself. */
export const hubEventSchema = z.object({
  id: z.number().int(),
  director: directorIdSchema,
  seq: z.number().int().nullable(),
  /** The agent run that numbered it (see the hello's epoch); absent for the hub's own events and older agents. */
  epoch: z.string().max(64).optional(),
  observedAt: z.number().nullable(),
  receivedAt: z.number(),
  event: z.union([agentEventSchema, agentPresenceEventSchema, alertEventSchema, hubLifecycleEventSchema]),
});
export type HubEvent = z.infer<typeof hubEventSchema>;

/** Every kind of event the hub stores, for filters. */
export const hubEventKinds = [
  "vrrp-transition",
  "vrrp-priority",
  "health",
  "weight",
  "keepalived",
  "agent",
  "alert",
  "sim-fault",
  "hub",
] as const satisfies readonly HubEvent["event"]["kind"][];
export type HubEventKind = (typeof hubEventKinds)[number];

/**
 * Per-director progress of one weight change. `disconnected`: the director carries the service but was
 * away; the hub keeps the change and sends it when the director is back. `drift`: on its return the
 * director had a weight that was neither the one before the change nor the one asked for, so the hub
 * did not overwrite it; the operator may reapply.
 */
export const weightChangeResultSchema = z.object({
  director: directorIdSchema,
  state: z.enum(["pending", "ok", "failed", "timeout", "disconnected", "drift"]),
  observedWeight: weightSchema.nullable(),
  error: z.string().nullable(),
});
export type WeightChangeResult = z.infer<typeof weightChangeResultSchema>;

/**
 * A weight change as it travels hub -> agents -> hub. `applied` only once every director carrying the
 * service confirmed; `partial` while some did and others did not (yet); `pending` while none did and
 * some are still to answer or to return.
 */
export const weightChangeSchema = z.object({
  id: z.string(),
  service: serviceKeySchema,
  realServer: realServerKeySchema,
  weight: weightSchema,
  requestedAt: z.number(),
  state: z.enum(["pending", "applied", "failed", "partial"]),
  results: z.array(weightChangeResultSchema),
});
export type WeightChange = z.infer<typeof weightChangeSchema>;
