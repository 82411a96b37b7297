import { queryOptions } from "@tanstack/react-query";
import { auditResponseSchema, createdTokenSchema, tokenSchema, tokensResponseSchema, userSchema, usersResponseSchema, type Role } from "@lvsdeck/protocol";
import { getJson, sendJson } from "../../api/http";
import { hrefWith } from "../../lib/router";

/** Audit records the page shows at most (the hub's default page). */
export const AUDIT_PAGE = 200;

/** Keys of the admin pages' data. */
export const adminKeys = {
  all: ["admin"] as const,
  users: () => [...adminKeys.all, "users"] as const,
  tokens: () => [...adminKeys.all, "tokens"] as const,
  audit: (actor: string) => [...adminKeys.all, "audit", { actor }] as const,
};

export const usersQuery = () =>
  queryOptions({ queryKey: adminKeys.users(), queryFn: async ({ signal }) => (await getJson("/api/users", usersResponseSchema, signal)).users });

export const tokensQuery = () =>
  queryOptions({ queryKey: adminKeys.tokens(), queryFn: async ({ signal }) => (await getJson("/api/tokens", tokensResponseSchema, signal)).tokens });

/** The newest audit records, newest first, optionally of one actor. */
export const auditQuery = (actor: string) =>
  queryOptions({
    queryKey: adminKeys.audit(actor),
    queryFn: ({ signal }) => getJson(hrefWith("/api/audit", { actor, limit: AUDIT_PAGE }), auditResponseSchema, signal),
  });

/** `POST /api/users`: `vips` null for every VIP. */
export interface NewUser {
  name: string;
  role: Role;
  password: string;
  vips: string[] | null;
}

export const createUser = (user: NewUser) => sendJson("POST", "/api/users", user, userSchema);

/** `PATCH /api/users/:name`: only the fields given change. */
export const updateUser = (name: string, patch: { role?: Role; vips?: string[] | null; disabled?: boolean }) =>
  sendJson("PATCH", `/api/users/${encodeURIComponent(name)}`, patch, userSchema);

/** `POST /api/tokens`: an agent token for one director, or a read-only wall token scoped to VIPs. */
export type NewToken = { kind: "agent"; director: string } | { kind: "wall"; name: string; vips: string[] | null };

export const createToken = (token: NewToken) => sendJson("POST", "/api/tokens", token, createdTokenSchema);

export const revokeToken = (id: string) => sendJson("DELETE", `/api/tokens/${encodeURIComponent(id)}`, undefined, tokenSchema);
