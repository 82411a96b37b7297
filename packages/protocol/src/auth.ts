import { z } from "zod";
import { directorIdSchema, realServerKeySchema, serviceKeySchema } from "./ids";
import { weightSchema } from "./model";

/** Roles, from least to most powerful: viewers read, operators change weights (in their VIPs), admins manage. */
export const roles = ["viewer", "operator", "admin"] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

export const userNameSchema = z.string().regex(/^[a-z][a-z0-9._-]{1,31}$/, "user name: 2-32 of a-z, 0-9, '.', '_', '-', starting with a letter");

/** A user as the API shows it; `vips` null means every VIP. */
export const userSchema = z.object({
  name: userNameSchema,
  role: roleSchema,
  vips: z.array(z.string()).nullable(),
  createdAt: z.number(),
  disabled: z.boolean(),
  /** `oidc` for a user who signs in through single sign-on (no password; role and VIPs from their groups). */
  source: z.enum(["local", "oidc"]).optional(),
});
export type User = z.infer<typeof userSchema>;
/** `GET /api/users` (admins). */
export const usersResponseSchema = z.object({ users: z.array(userSchema) });
export type UsersResponse = z.infer<typeof usersResponseSchema>;

/** `POST /api/session`. */
/** `GET /api/auth/methods` (no sign-in needed): how one may sign in; `sso` is the single-sign-on button's label. */
export const authMethodsResponseSchema = z.object({ sso: z.object({ label: z.string() }).nullable() });
export type AuthMethodsResponse = z.infer<typeof authMethodsResponseSchema>;

export const loginRequestSchema = z.strictObject({ name: z.string().min(1).max(64), password: z.string().min(1).max(1024) });
/** `GET /api/session` and the answer to a login: who is signed in, or which wall token is in use. */
export const sessionResponseSchema = z.object({
  kind: z.enum(["user", "wall"]),
  user: userSchema.nullable(),
  vips: z.array(z.string()).nullable(),
});
export type SessionResponse = z.infer<typeof sessionResponseSchema>;

/** Minimum password length for users created through the API or the CLI. */
export const MIN_PASSWORD_LENGTH = 12;

/** `POST /api/users` (admins). */
export const createUserRequestSchema = z.strictObject({
  name: userNameSchema,
  role: roleSchema,
  password: z.string().min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`).max(1024),
  vips: z.array(z.string().max(45)).max(256).nullable().default(null),
});
/** `PATCH /api/users/:name` (admins). */
export const updateUserRequestSchema = z.strictObject({
  role: roleSchema.optional(),
  vips: z.array(z.string().max(45)).max(256).nullable().optional(),
  disabled: z.boolean().optional(),
  password: z.string().min(MIN_PASSWORD_LENGTH).max(1024).optional(),
});

/** A token as the API lists it; the secret itself is shown once, at creation. */
export const tokenSchema = z.object({
  id: z.string(),
  kind: z.enum(["agent", "wall"]),
  name: z.string(),
  director: directorIdSchema.nullable(),
  vips: z.array(z.string()).nullable(),
  createdAt: z.number(),
  revokedAt: z.number().nullable(),
});
export type Token = z.infer<typeof tokenSchema>;
/** `GET /api/tokens` (admins), revoked ones included. */
export const tokensResponseSchema = z.object({ tokens: z.array(tokenSchema) });
export type TokensResponse = z.infer<typeof tokensResponseSchema>;

/** `POST /api/tokens` (admins): an agent token for one director, or a read-only wall token scoped to VIPs. */
export const createTokenRequestSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("agent"), director: directorIdSchema }),
  z.strictObject({ kind: z.literal("wall"), name: z.string().min(1).max(64), vips: z.array(z.string().max(45)).max(256).nullable().default(null) }),
]);
/** The answer to `POST /api/tokens`: the only time the secret is shown. */
export const createdTokenSchema = tokenSchema.extend({ secret: z.string() });

/** Drain: weight 0 on every director carrying the service; needs force and a reason when unsafe. */
export const drainRequestSchema = z.strictObject({
  service: serviceKeySchema,
  realServer: realServerKeySchema,
  director: directorIdSchema.optional(),
  force: z.boolean().default(false),
  reason: z.string().max(500).optional(),
  requestId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "requestId: 8-64 of A-Z a-z 0-9 _ -").optional(),
});
/** Restore: back to the weight before the drain. */
export const restoreRequestSchema = z.strictObject({
  service: serviceKeySchema,
  realServer: realServerKeySchema,
  director: directorIdSchema.optional(),
  reason: z.string().max(500).optional(),
  requestId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/).optional(),
});

/** One audit record: every change and every login. */
export const auditRecordSchema = z.object({
  id: z.number().int(),
  at: z.number(),
  actor: z.string(),
  action: z.enum(["login", "login-failed", "logout", "weight", "drain", "restore", "user", "token", "sim-fault", "incident", "failover"]),
  remote: z.string().nullable(),
  directors: z.array(z.string()),
  service: z.string().nullable(),
  realServer: z.string().nullable(),
  from: weightSchema.nullable(),
  to: weightSchema.nullable(),
  reason: z.string().nullable(),
  result: z.string(),
  detail: z.string().nullable(),
});
export type AuditRecord = z.infer<typeof auditRecordSchema>;
export const auditResponseSchema = z.object({ records: z.array(auditRecordSchema) });

/** Close code of a /ws/ui socket whose credential no longer grants access (disabled, signed out, revoked). */
export const UI_CLOSE_ACCESS_REVOKED = 4401;
/** Close code of a /ws/ui socket whose VIP scope changed: reconnect to be served under the new one. */
export const UI_CLOSE_ACCESS_CHANGED = 4409;
