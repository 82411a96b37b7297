/** The pages of the app; `admin` only for admins (users, tokens, audit). */
export const routes = {
  topology: { path: "/", title: "Topology" },
  timeline: { path: "/timeline", title: "Timeline" },
  incidents: { path: "/incidents", title: "Incidents" },
  connections: { path: "/connections", title: "Connections" },
  wall: { path: "/wall", title: "Wall" },
  admin: { path: "/admin", title: "Admin" },
} as const;
export type RouteId = keyof typeof routes;

/** The page for a pathname; unknown paths are null (a "not found" page). A trailing slash is ignored. */
export function routeOf(pathname: string): RouteId | null {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  for (const [id, route] of Object.entries(routes) as [RouteId, (typeof routes)[RouteId]][]) {
    if (route.path === path) return id;
  }
  return null;
}
