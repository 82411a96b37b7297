import { z } from "zod";
import { directorIdSchema, realServerKeySchema, serviceKeySchema } from "./ids";
import { realServerSchema, weightSchema } from "./model";
import { simFaultSchema } from "./agentMessages";
import { directorViewSchema, hubEventSchema, weightChangeSchema } from "./hubModel";
import { clusterHealthSchema } from "./verdicts";

/** `GET /api/health`. */
export const healthResponseSchema = z.object({
  status: z.literal("ok"),
  version: z.string(),
  protocolVersion: z.number().int(),
  uptimeSec: z.number(),
  directors: z.number().int(),
  connectedAgents: z.number().int(),
  protocolErrors: z.number().int(),
  /** Services, real servers and VRRP instances received with a value that could not be read: kept and flagged. */
  flaggedObjects: z.number().int(),
  /** Objects left out of agents' frames because not even their key could be read. */
  droppedObjects: z.number().int(),
});
export type HealthResponse = z.infer<typeof healthResponseSchema>;

/** `GET /api/cluster`: the live model, with the hub's groups and health verdicts over it. */
export const clusterResponseSchema = z.object({
  serverTime: z.number(),
  staleAfterTicks: z.number().int(),
  directors: z.array(directorViewSchema),
  health: clusterHealthSchema,
});
export type ClusterResponse = z.infer<typeof clusterResponseSchema>;

/** `POST /api/weights`: change one real server's weight on every director carrying the service, or one. */
export const weightChangeRequestSchema = z.strictObject({
  service: serviceKeySchema,
  realServer: realServerKeySchema,
  weight: weightSchema,
  director: directorIdSchema.optional(),
  /** The weight the operator saw; if the real server has another weight now, the hub answers 409. */
  expectedWeight: weightSchema.optional(),
  /** Needed (with a reason) to drain the last healthy real server or bring a service's total weight to zero. */
  force: z.boolean().optional(),
  reason: z.string().max(500).optional(),
  /** An idempotency key: a request repeated with the same id is applied once and answered with the first result. */
  requestId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "requestId: 8-64 of A-Z a-z 0-9 _ -").optional(),
});
export type WeightChangeRequest = z.infer<typeof weightChangeRequestSchema>;

/** `POST /api/weights/:id/reapply`: send a change again to one director that drifted or failed. */
export const weightReapplyRequestSchema = z.strictObject({ director: directorIdSchema });
export type WeightReapplyRequest = z.infer<typeof weightReapplyRequestSchema>;

/** The answer to `POST /api/weights`, `POST /api/weights/:id/reapply` and `GET /api/weights/:id`. */
export const weightChangeResponseSchema = weightChangeSchema;

/** `POST /api/sim/faults`: inject a fault into a simulated director. */
export const simFaultRequestSchema = z.strictObject({
  director: directorIdSchema,
  fault: simFaultSchema,
  service: serviceKeySchema.optional(),
  realServer: realServerKeySchema.optional(),
});
export type SimFaultRequest = z.infer<typeof simFaultRequestSchema>;

/** The answer to `POST /api/sim/faults`: what the simulated director says it did. */
export const simFaultResponseSchema = z.object({ ok: z.literal(true), detail: z.string() });
export type SimFaultResponse = z.infer<typeof simFaultResponseSchema>;

/** What is left on a drained real server on one director; persistence templates still pin clients to it. */
export const drainDirectorSchema = realServerSchema
  .pick({ weight: true, activeConns: true, inactiveConns: true, persistConns: true })
  .extend({ director: directorIdSchema, stale: z.boolean() });
export type DrainDirector = z.infer<typeof drainDirectorSchema>;

/** A drain the hub remembers: the weight Restore puts back and, per director, what is left. */
export const drainSchema = z.object({
  service: serviceKeySchema,
  realServer: realServerKeySchema,
  previousWeight: weightSchema,
  directors: z.array(drainDirectorSchema),
});
export type Drain = z.infer<typeof drainSchema>;

/** `GET /api/drains`: drains in progress, shared by every operator. */
export const drainsResponseSchema = z.object({ drains: z.array(drainSchema) });
export type DrainsResponse = z.infer<typeof drainsResponseSchema>;

/** `GET /api/events`. */
export const eventsResponseSchema = z.object({ events: z.array(hubEventSchema) });
export type EventsResponse = z.infer<typeof eventsResponseSchema>;

/** Every REST error: a message, and for validation errors the offending fields. */
export const apiErrorSchema = z.object({
  error: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  /** Machine-readable reason, e.g. `needs-force`, `weight-changed`. */
  code: z.string().optional(),
  /** For `weight-changed`: the weight now in effect. */
  currentWeight: z.number().optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

/** Resolution tiers of stored time series. */
export const seriesResolutionSchema = z.enum(["1s", "10s", "1m"]);
export type SeriesResolution = z.infer<typeof seriesResolutionSchema>;

/** One point of a stored series: connections and per-second rates, averaged over the bucket. */
export const seriesPointSchema = z.object({
  t: z.number(),
  active: z.number(),
  inactive: z.number(),
  cps: z.number(),
  inPps: z.number(),
  outPps: z.number(),
  inBps: z.number(),
  outBps: z.number(),
});
export type SeriesPoint = z.infer<typeof seriesPointSchema>;

/** `GET /api/states?service&realServer&director&from&to`: one director's connection entries by state, as counted. */
export const statesResponseSchema = z.object({
  service: z.string(),
  realServer: z.string().nullable(),
  director: z.string(),
  resolution: seriesResolutionSchema,
  points: z.array(z.object({ t: z.number(), states: z.record(z.string(), z.number()) })),
});
export type StatesResponse = z.infer<typeof statesResponseSchema>;

/**
 * A moment at which a director that reported just before has no sample of its own (its tick fell into
 * the neighbouring second) takes its previous sample, up to this many steps later; past that it is a gap.
 */
export const SERIES_CARRY_STEPS = 2;

/** `GET /api/series?service&realServer&director&from&to`. */
export const seriesResponseSchema = z.object({
  service: z.string(),
  realServer: z.string().nullable(),
  resolution: seriesResolutionSchema,
  /** Summed over directors, which follows the traffic through failovers. */
  points: z.array(seriesPointSchema),
  /** Each director's own samples (no carry), so a chart can show connections moving from one to another. */
  directors: z.array(z.object({ director: directorIdSchema, points: z.array(seriesPointSchema) })).optional(),
});
export type SeriesResponse = z.infer<typeof seriesResponseSchema>;
