import { z } from "zod";
import { directorViewSchema, hubEventSchema, weightChangeSchema } from "./hubModel";
import { alertSchema } from "./alerts";
import { clusterGroupSchema, clusterHealthSchema, verdictSchema } from "./verdicts";
import { listChangesSchema } from "./listChanges";
import { directorIdSchema } from "./ids";
import { directorCountersSchema, directorSummarySchema } from "./summary";

/** Largest frame the hub accepts from a browser on /ws/ui; browsers only send pings. */
export const MAX_UI_FRAME_BYTES = 4 * 1024;

/** First frame on /ws/ui: the hub's clock lets the browser compute data ages without clock skew. */
export const uiHelloSchema = z.object({ type: z.literal("hello"), protocolVersion: z.number().int(), serverTime: z.number() });
/** A director's live state changed (data, connection or staleness). */
export const uiDirectorSchema = z.object({ type: z.literal("director"), serverTime: z.number(), director: directorViewSchema });
/** A new event was stored. */
export const uiEventSchema = z.object({ type: z.literal("event"), event: hubEventSchema });
/** A weight change progressed. */
export const uiWeightChangeSchema = z.object({ type: z.literal("weight-change"), change: weightChangeSchema });

/** What changed in the active alerts (keyed by id), sent whenever they change; pages fetch the whole set after each hello. */
export const uiAlertChangesSchema = z.object({ type: z.literal("alert-changes"), alerts: listChangesSchema(alertSchema) });

/**
 * The hub's groups and health verdicts, whole, whenever they change (and right after `hello`), within
 * the viewer's VIP scope. Browsers show these; they derive no health of their own.
 */
export const uiHealthSchema = z.object({ type: z.literal("health"), serverTime: z.number(), health: clusterHealthSchema });
/**
 * What changed in the groups (keyed by `key`) and verdicts (keyed by `id`) since the previous `health`
 * or `health-changes` frame on this socket, within the viewer's VIP scope: a failover sends the one group
 * it changed, not every group again.
 */
export const uiHealthChangesSchema = z.object({
  type: z.literal("health-changes"),
  serverTime: z.number(),
  groups: listChangesSchema(clusterGroupSchema),
  verdicts: listChangesSchema(verdictSchema),
});

/** Changed directors, summarised, for clients subscribed to summaries (overview, wall). */
export const uiSummariesSchema = z.object({ type: z.literal("summaries"), serverTime: z.number(), directors: z.array(directorSummarySchema) });

/**
 * Counters of changed directors for summary subscribers, gathered for a second: a fraction of a whole
 * summary's size. A director whose state changed is sent as a whole summary first, at once.
 */
export const uiCountersSchema = z.object({ type: z.literal("counters"), serverTime: z.number(), directors: z.array(directorCountersSchema) });

/** Every frame the hub pushes to browsers. */
export const hubToUiSchema = z.discriminatedUnion("type", [
  uiHelloSchema,
  uiDirectorSchema,
  uiEventSchema,
  uiWeightChangeSchema,
  uiAlertChangesSchema,
  uiHealthSchema,
  uiHealthChangesSchema,
  uiSummariesSchema,
  uiCountersSchema,
]);
export type HubToUi = z.infer<typeof hubToUiSchema>;

/** An application-level ping; the hub answers nothing, the socket's liveness is what counts. */
export const uiPingSchema = z.object({ type: z.literal("ping"), at: z.number() });

/**
 * What a browser wants pushed. `full`: whole director views (of `directors`, or all when omitted);
 * `summary`: per-director summaries only. A browser that never subscribes gets full views of all.
 */
export const uiSubscribeSchema = z.strictObject({
  type: z.literal("subscribe"),
  detail: z.enum(["full", "summary"]),
  directors: z.array(directorIdSchema).max(1000).optional(),
});
export type UiSubscribe = z.infer<typeof uiSubscribeSchema>;

/** Every frame a browser may send. */
export const uiToHubSchema = z.discriminatedUnion("type", [uiPingSchema, uiSubscribeSchema]);
export type UiToHub = z.infer<typeof uiToHubSchema>;
