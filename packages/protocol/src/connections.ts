import { z } from "zod";
import { directorIdSchema, ipAddressSchema } from "./ids";

/** Most rows one connection query returns. */
export const MAX_CONNECTIONS_PAGE = 500;

/** A filtered, paged query of one director's connection table, answered by its agent on demand. */
export const connectionQuerySchema = z.strictObject({
  /** Client address, or its prefix (e.g. `203.0.113.`). */
  client: z.string().regex(/^[0-9a-fA-F:.]{1,45}$/, "client: an address or address prefix").optional(),
  /** Virtual address (VIP) without port. */
  vip: ipAddressSchema.optional(),
  /** Real server address without port. */
  realServer: ipAddressSchema.optional(),
  /** Connection state as ipvsadm prints it (ESTABLISHED, FIN_WAIT, UDP, NONE, ...). */
  state: z.string().regex(/^[A-Z_-]{1,16}$/, "state: as ipvsadm prints it").optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_CONNECTIONS_PAGE).default(100),
});
export type ConnectionQuery = z.infer<typeof connectionQuerySchema>;

/** One row of the connection table, as `ipvsadm -Lnc` shows it. */
export const connectionRowSchema = z.object({
  protocol: z.string(),
  state: z.string(),
  expiresInSec: z.number().int().nonnegative(),
  client: z.string(),
  virtual: z.string(),
  destination: z.string(),
  template: z.boolean(),
});
export type ConnectionRow = z.infer<typeof connectionRowSchema>;

/** A page of connections: `total` is how many matched the filter in the whole table. */
export const connectionPageSchema = z.object({
  rows: z.array(connectionRowSchema),
  total: z.number().int().nonnegative(),
  scanned: z.number().int().nonnegative(),
  takenAt: z.number(),
});
export type ConnectionPage = z.infer<typeof connectionPageSchema>;

/** Top clients of each virtual service, by entries in the connection table (approximate for large tables). */
export const topClientsSchema = z.array(
  z.object({ virtual: z.string(), clients: z.array(z.object({ client: z.string(), connections: z.number().int() })) }),
);

/** `GET /api/connections?director&...`. */
export const connectionsResponseSchema = connectionPageSchema.extend({ director: directorIdSchema, topClients: topClientsSchema });
export type ConnectionsResponse = z.infer<typeof connectionsResponseSchema>;
