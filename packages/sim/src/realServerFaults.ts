import { realServerKeyOf, type AgentEvent, type RealServerKey, type ServiceKey } from "@lvsdeck/protocol";
import type { SimClusterConfig } from "./clusterConfig";
import { applyWeight, serviceKeyOfConfig, type SimService } from "./ipvsTable";
import { SimError } from "./simError";

/** A (service, real server) pair whose health check is failing. */
export type FailedCheckKey = `${string}|${string}`;

/** The key under which a failing health check is remembered (across keepalived restarts). */
export function failedCheckKey(service: ServiceKey, realServer: RealServerKey): FailedCheckKey {
  return `${service}|${realServer}`;
}

/**
 * Resolves which configured (service, real server) pairs a fault names: one pair, or with no service
 * every service that has that real server (a whole host failing).
 */
export function resolveCheckTargets(
  cluster: SimClusterConfig,
  fault: string,
  service: string | undefined,
  realServer: string | undefined,
): { service: ServiceKey; realServer: RealServerKey }[] {
  if (realServer === undefined) throw new SimError(`${fault} needs realServer (and usually service)`);
  const targets: { service: ServiceKey; realServer: RealServerKey }[] = [];
  for (const config of cluster.services) {
    const key = serviceKeyOfConfig(config);
    if (service !== undefined && key !== service) continue;
    for (const rs of config.realServers) {
      const rsKey = realServerKeyOf(rs.address, rs.port);
      if (rsKey === realServer) targets.push({ service: key, realServer: rsKey });
    }
  }
  if (targets.length === 0) {
    const where = service === undefined ? "any virtual service" : `virtual service ${service}`;
    throw new SimError(`${fault}: no real server ${realServer} in ${where}`);
  }
  return targets;
}

/**
 * Flips a real server's health as keepalived's checker would. Down: with inhibit_on_failure the weight
 * goes to 0 and the server stays in the table; without it keepalived deletes the server from the table
 * (no weight change is seen, the server is gone, and so are its persistence templates). Up restores
 * keepalived's configured weight (or adds the server back), overwriting any operator edit as keepalived
 * does at a health transition. Returns whether anything changed.
 */
export function applyHealth(
  services: readonly SimService[],
  target: { service: ServiceKey; realServer: RealServerKey },
  up: boolean,
  at: number,
  emit: (e: AgentEvent) => void,
): boolean {
  const service = services.find((s) => s.key === target.service);
  const rs = service?.realServers.find((r) => r.key === target.realServer);
  if (!service || !rs || (rs.health === "up") === up) return false;
  rs.health = up ? "up" : "down";
  rs.checkedAt = at;
  emit({ kind: "health", service: service.key, realServer: rs.key, up, at });
  if (!service.config.inhibitOnFailure) {
    rs.inKernel = up;
    applyWeight(service, rs, up ? rs.config.weight : 0, "config");
    return true;
  }
  const from = rs.weight;
  applyWeight(service, rs, up ? rs.config.weight : 0, up ? "config" : "health-check");
  emit({ kind: "weight", service: service.key, realServer: rs.key, from, to: rs.weight, cause: "health-check", commandId: null, at });
  return true;
}
