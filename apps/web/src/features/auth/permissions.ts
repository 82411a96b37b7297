import type { Role, SessionResponse, VirtualService } from "@lvsdeck/protocol";

const rank: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Whether the session may do what `role` may; wall tokens may only look. */
export function sessionCan(session: SessionResponse | null | undefined, role: Role): boolean {
  return session?.kind === "user" && session.user !== null && rank[session.user.role] >= rank[role];
}

/** The VIPs the session may act on, or null for all (admins are never limited, as on the hub). */
export function actingScope(session: SessionResponse | null | undefined): readonly string[] | null {
  if (session?.user?.role === "admin") return null;
  return session?.vips ?? null;
}

/**
 * Whether the session may change this service's weights, drain and restore: an operator whose VIPs
 * include the service's address. A fwmark service has no address, so it needs an unlimited operator.
 */
export function mayChangeWeights(session: SessionResponse | null | undefined, service: Pick<VirtualService, "address">): boolean {
  if (!sessionCan(session, "operator")) return false;
  const scope = actingScope(session);
  return scope === null || (service.address !== null && scope.includes(service.address));
}

/** Whether the session may inject simulated faults (operators and admins). */
export function mayInjectFaults(session: SessionResponse | null | undefined): boolean {
  return sessionCan(session, "operator");
}

/** Who is signed in, in words for the header: "oscar · operator", "wall token · read-only". */
export function describeSession(session: SessionResponse): { name: string; role: string } {
  if (session.kind === "wall" || session.user === null) return { name: "wall display", role: "read-only" };
  const limit = session.user.role !== "admin" && session.vips !== null ? ` (${session.vips.length === 1 ? session.vips[0] : `${session.vips.length} VIPs`})` : "";
  return { name: session.user.name, role: `${session.user.role}${limit}` };
}
