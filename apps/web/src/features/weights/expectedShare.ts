import { isKnownScheduler, type KnownScheduler, type RealServer, type Scheduler } from "@lvsdeck/protocol";

/** How a scheduler spreads new connections, as far as weights tell. */
export type ShareModel = "weighted" | "equal" | "failover" | "unknown";

/** Which model each IPVS scheduler follows for new connections in the long run. */
export const shareModelOf: Record<KnownScheduler, ShareModel> = {
  rr: "equal",
  lc: "equal",
  dh: "equal",
  wrr: "weighted",
  wlc: "weighted",
  sed: "weighted",
  nq: "weighted",
  lblc: "weighted",
  lblcr: "weighted",
  sh: "weighted",
  mh: "weighted",
  fo: "failover",
  ovf: "failover",
  none: "unknown",
};

/** The model of any scheduler the kernel reports; one the code does not know spreads in an unknown way. */
export function shareModelFor(scheduler: Scheduler): ShareModel {
  return isKnownScheduler(scheduler) ? shareModelOf[scheduler] : "unknown";
}

/** True when IPVS would send this server new connections: weight above 0 and not marked down. */
export function receivesNewConnections(rs: Pick<RealServer, "weight" | "health">): boolean {
  return rs.weight > 0 && rs.health !== "down";
}

/**
 * The expected share of new connections per real server (fractions summing to 1, or all 0 when no
 * server can take any). `weights` overrides servers' weights, e.g. the one being dragged. Null when
 * the scheduler's spread is unknown (a scheduler the code does not know, or `none`): nothing is guessed.
 */
export function expectedShares(
  scheduler: Scheduler,
  servers: readonly Pick<RealServer, "key" | "weight" | "health">[],
  weights: ReadonlyMap<string, number> = new Map(),
): Map<string, number> | null {
  const model = shareModelFor(scheduler);
  if (model === "unknown") return null;
  const eligible = servers
    .map((rs) => ({ key: rs.key as string, weight: weights.get(rs.key) ?? rs.weight, health: rs.health }))
    .filter(receivesNewConnections);
  const shares = new Map<string, number>(servers.map((rs) => [rs.key, 0]));
  if (eligible.length === 0) return shares;
  if (model === "failover") {
    // fo and ovf prefer the highest weight; ovf spills over only once it is full, which weights cannot tell.
    const best = eligible.reduce((a, b) => (b.weight > a.weight ? b : a));
    shares.set(best.key, 1);
    return shares;
  }
  const total = model === "weighted" ? eligible.reduce((sum, rs) => sum + rs.weight, 0) : eligible.length;
  for (const rs of eligible) shares.set(rs.key, (model === "weighted" ? rs.weight : 1) / total);
  return shares;
}

/** Each real server's part of the service's current connections (active + inactive). */
export function connectionShares(servers: readonly Pick<RealServer, "key" | "activeConns" | "inactiveConns">[]): Map<string, number> {
  const total = servers.reduce((sum, rs) => sum + rs.activeConns + rs.inactiveConns, 0);
  return new Map(servers.map((rs) => [rs.key as string, total === 0 ? 0 : (rs.activeConns + rs.inactiveConns) / total]));
}

/**
 * Said with the expected-share preview (a share of new connections) on a persistent service: existing
 * clients stay on their server for the persistence timeout, so a weight change or drain moves only new clients.
 */
export function describePersistenceEffect(timeoutSec: number): string {
  return `new clients only: existing clients stay up to ${timeoutSec} s (persistence)`;
}
