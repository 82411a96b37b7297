import type { IncomingMessage } from "node:http";
import type { Role, Token, User, VirtualService } from "@lvsdeck/protocol";
import { vipInScope, vipOfServiceKey } from "@lvsdeck/cluster";
import type { AuthStore } from "./authStore";

/** Who is making a request: a signed-in user, or a read-only wall display holding a token. */
export type Principal = { kind: "user"; user: User } | { kind: "wall"; token: Token };

/** The session cookie's name. */
export const SESSION_COOKIE = "lvsdeck_session";

const rank: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Reads one cookie from a request's Cookie header. */
export function readCookie(req: IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return null;
}

/** The secret a principal was recognised by; a live socket keeps it so its access can be checked again. */
export type Credential = { kind: "session"; secret: string } | { kind: "wall"; secret: string };

/** The principal a credential stands for now, or null when it no longer grants access. */
export async function principalOf(credential: Credential, store: AuthStore): Promise<Principal | null> {
  if (credential.kind === "session") {
    const user = await store.sessionUser(credential.secret);
    return user ? { kind: "user", user } : null;
  }
  const token = await store.tokenBySecret(credential.secret);
  return token?.kind === "wall" ? { kind: "wall", token } : null;
}

/** Identifies the caller and the credential that did it: the session cookie, or a wall token (Bearer header or `?token=`). */
export async function authenticateWith(req: IncomingMessage, store: AuthStore): Promise<{ principal: Principal; credential: Credential } | null> {
  const session = readCookie(req, SESSION_COOKIE);
  if (session) {
    const credential: Credential = { kind: "session", secret: session };
    const principal = await principalOf(credential, store);
    if (principal) return { principal, credential };
  }
  const bearer = /^Bearer (wall_[A-Za-z0-9_-]+)$/.exec(req.headers.authorization ?? "")?.[1];
  const query = new URL(req.url ?? "/", "http://hub").searchParams.get("token");
  const secret = bearer ?? (query?.startsWith("wall_") ? query : null);
  if (secret) {
    const credential: Credential = { kind: "wall", secret };
    const principal = await principalOf(credential, store);
    if (principal) return { principal, credential };
  }
  return null;
}

/** Identifies the caller from the session cookie, or a wall token (Bearer header or `?token=` for kiosk URLs). */
export async function authenticate(req: IncomingMessage, store: AuthStore): Promise<Principal | null> {
  return (await authenticateWith(req, store))?.principal ?? null;
}

/** True when the principal is a user with at least `role`; wall tokens never pass. */
export function hasRole(principal: Principal, role: Role): boolean {
  return principal.kind === "user" && rank[principal.user.role] >= rank[role];
}

/** The VIPs a principal is limited to, or null for all. */
export function vipScope(principal: Principal): string[] | null {
  return principal.kind === "user" ? (principal.user.role === "admin" ? null : principal.user.vips) : principal.token.vips;
}

/**
 * Whether a principal's VIP scope covers a service, decided from the service's key (`TCP 192.0.2.1:80`),
 * which the hub matches everywhere, never from the `address` an agent reports beside it. A fwmark
 * service has no VIP of its own, so only principals without a VIP limit may act on it.
 */
export function inScope(principal: Principal, service: Pick<VirtualService, "key">): boolean {
  const scope = vipScope(principal);
  if (scope === null) return true;
  const vip = vipOfServiceKey(service.key);
  return vip !== null && vipInScope(vip, scope);
}

/** A name for the audit log. */
export function actorName(principal: Principal): string {
  return principal.kind === "user" ? principal.user.name : `wall:${principal.token.name}`;
}

/** The caller's address for the audit log, with IPv4-mapped IPv6 (`::ffff:a.b.c.d`) shown as IPv4. */
export function remoteAddress(req: IncomingMessage): string | null {
  const address = req.socket.remoteAddress ?? null;
  return address?.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}
