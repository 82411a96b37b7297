import type { DirectorView, RealServerKey, ServiceKey, VirtualService } from "@lvsdeck/protocol";

/** Why a weight change needs an explicit force, or null when it is safe. */
export function unsafeReason(service: VirtualService, realServer: RealServerKey, weight: number): string | null {
  const after = service.realServers.map((rs) => (rs.key === realServer ? { ...rs, weight } : rs));
  const total = after.reduce((sum, rs) => sum + rs.weight, 0);
  if (total === 0) return `this brings the total weight of ${service.key} to zero: it would accept no new connections`;
  const healthyServing = after.filter((rs) => rs.health !== "down" && rs.weight > 0);
  if (healthyServing.length === 0) return `${realServer} is the last healthy real server of ${service.key} with a non-zero weight`;
  return null;
}

/**
 * The service as the director that carries its traffic sees it: the fresh MASTER's table when there is one,
 * else any fresh director's, else any director's.
 */
export function currentService(directors: readonly DirectorView[], key: ServiceKey): { service: VirtualService; director: DirectorView } | null {
  const carrying = directors.flatMap((d) => {
    const service = d.snapshot?.services.find((s) => s.key === key);
    return service ? [{ service, director: d }] : [];
  });
  const master = carrying.find((c) => !c.director.stale && c.director.snapshot?.vrrp.some((v) => v.state === "MASTER"));
  return master ?? carrying.find((c) => !c.director.stale) ?? carrying[0] ?? null;
}
