import { z } from "zod";
import { directorViewSchema, hubEventSchema, weightChangeSchema } from "./hubModel";
import { alertSchema } from "./alerts";

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

/** The full set of active alerts, sent whenever it changes. */
export const uiAlertsSchema = z.object({ type: z.literal("alerts"), alerts: z.array(alertSchema) });

/** Every frame the hub pushes to browsers. */
export const hubToUiSchema = z.discriminatedUnion("type", [uiHelloSchema, uiDirectorSchema, uiEventSchema, uiWeightChangeSchema, uiAlertsSchema]);
export type HubToUi = z.infer<typeof hubToUiSchema>;

/** Every frame a browser may send: an application-level ping. */
export const uiToHubSchema = z.object({ type: z.literal("ping"), at: z.number() });
export type UiToHub = z.infer<typeof uiToHubSchema>;
