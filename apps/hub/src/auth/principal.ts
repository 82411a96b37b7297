import type { IncomingMessage } from "node:http";
import type { Role, Token, User, VirtualService } from "@lvsdeck/protocol";
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

/** Identifies the caller from the session cookie, or a wall token (Bearer header or `?token=` for kiosk URLs). */
export function authenticate(req: IncomingMessage, store: AuthStore): Principal | null {
  const session = readCookie(req, SESSION_COOKIE);
  if (session) {
    const user = store.sessionUser(session);
    if (user) return { kind: "user", user };
  }
  const bearer = /^Bearer (wall_[A-Za-z0-9_-]+)$/.exec(req.headers.authorization ?? "")?.[1];
  const query = new URL(req.url ?? "/", "http://hub").searchParams.get("token");
  const secret = bearer ?? (query?.startsWith("wall_") ? query : null);
  if (secret) {
    const token = store.tokenBySecret(secret);
    if (token?.kind === "wall") return { kind: "wall", token };
  }
  return null;
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
 * Whether a principal's VIP scope covers a service. A fwmark service has no VIP of its own,
 * so only principals without a VIP limit may act on it.
 */
export function inScope(principal: Principal, service: Pick<VirtualService, "address">): boolean {
  const scope = vipScope(principal);
  if (scope === null) return true;
  return service.address !== null && scope.includes(service.address);
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
