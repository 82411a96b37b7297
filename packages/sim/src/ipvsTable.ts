import {
  fwmarkServiceKey,
  realServerKeyOf,
  serviceKeyOf,
  type Health,
  type RealServerKey,
  type ServiceKey,
  type WeightSource,
} from "@lvsdeck/protocol";
import type { SimRealServerConfig, SimServiceConfig } from "./clusterConfig";
import { createFlowCounters, createRateEstimator, type FlowCounters, type RateEstimator } from "./estimator";
import { createFlowMeter, type FlowMeter } from "./flowMeter";
import { createScheduler } from "./schedulers/createScheduler";
import type { IpvsScheduler, SchedulerDest } from "./schedulers/schedulerTypes";
import { SimError } from "./simError";

/** A destination in the simulated IPVS table, with the counters the kernel keeps on `ip_vs_dest`. */
export interface SimRealServer extends SchedulerDest {
  readonly key: RealServerKey;
  readonly config: SimRealServerConfig;
  weight: number;
  weightSource: WeightSource;
  health: Health;
  /** False while keepalived has deleted it from the table (a failed check without inhibit_on_failure). */
  inKernel: boolean;
  /** When the checker last changed its verdict (ms); null before any change. */
  checkedAt: number | null;
  /**
   * It passes its health check but does not answer clients on the VIP (direct routing with the VIP
   * missing on its loopback): their connections stay half-open (SYN_RECV).
   */
  silent?: boolean;
  /**
   * It closes every connection after a request (keep-alive off): each client session becomes a string of
   * short connections, each leaving a TIME_WAIT entry behind.
   */
  churn?: boolean;
  activeConns: number;
  inactiveConns: number;
  persistConns: number;
  overloaded: boolean;
  readonly stats: FlowCounters;
  readonly meter: FlowMeter;
  readonly estimator: RateEstimator;
}

/** A virtual service in the simulated IPVS table. */
export interface SimService {
  readonly key: ServiceKey;
  /** Spoofed SYNs per second aimed at the VIP (a SYN flood); absent or 0 when none. */
  floodCps?: number;
  readonly config: SimServiceConfig;
  readonly scheduler: IpvsScheduler;
  readonly realServers: SimRealServer[];
  readonly stats: FlowCounters;
  readonly meter: FlowMeter;
  readonly estimator: RateEstimator;
}

/** The ipvsadm key of a configured service. */
export function serviceKeyOfConfig(c: SimServiceConfig): ServiceKey {
  if (c.fwmark !== null) return fwmarkServiceKey(c.fwmark, c.family);
  if (c.protocol === null || c.address === null || c.port === null) {
    throw new SimError("a service needs either a fwmark or protocol, address and port");
  }
  return serviceKeyOf(c.protocol, c.address, c.port);
}

/** Builds the table keepalived programs at start-up; `isFailed` says which checks will find a server down. */
export function createServices(
  configs: readonly SimServiceConfig[],
  now: number,
  isFailed: (service: ServiceKey, realServer: RealServerKey) => boolean,
): SimService[] {
  return configs.map((config) => {
    const key = serviceKeyOfConfig(config);
    const realServers = config.realServers.map((rs): SimRealServer => {
      const rsKey = realServerKeyOf(rs.address, rs.port);
      const failed = isFailed(key, rsKey);
      return {
        key: rsKey,
        config: rs,
        // A failed check leaves the server at weight 0 (inhibit_on_failure) or out of the table; either
        // way the scheduler sees weight 0.
        weight: failed ? 0 : rs.weight,
        weightSource: failed && config.inhibitOnFailure ? "health-check" : "config",
        health: failed ? "down" : "up",
        inKernel: !failed || config.inhibitOnFailure,
        checkedAt: null,
        activeConns: 0,
        inactiveConns: 0,
        persistConns: 0,
        overloaded: false,
        stats: createFlowCounters(),
        meter: createFlowMeter(now),
        estimator: createRateEstimator(now),
      };
    });
    const scheduler = createScheduler(config.scheduler, config.schedulerFlags ?? []);
    scheduler.update(realServers);
    return { key, config, scheduler, realServers, stats: createFlowCounters(), meter: createFlowMeter(now), estimator: createRateEstimator(now) };
  });
}

/** Finds a service and one of its real servers, or throws a SimError naming what is missing. */
export function findRealServer(
  services: readonly SimService[],
  serviceKey: string,
  realServerKey: string,
): { service: SimService; realServer: SimRealServer } {
  const service = services.find((s) => s.key === serviceKey);
  if (!service) {
    const known = services.map((s) => s.key).join(", ") || "none";
    throw new SimError(`no virtual service ${serviceKey} (services: ${known})`);
  }
  const realServer = service.realServers.find((r) => r.key === realServerKey);
  if (!realServer) {
    const known = service.realServers.map((r) => r.key).join(", ");
    throw new SimError(`no real server ${realServerKey} in ${serviceKey} (real servers: ${known})`);
  }
  return { service, realServer };
}

/** Changes a weight in effect and lets the scheduler recompute, as `ipvsadm -e` triggers `upd_dest`. */
export function applyWeight(service: SimService, realServer: SimRealServer, weight: number, source: WeightSource): void {
  realServer.weight = weight;
  realServer.weightSource = source;
  service.scheduler.update(service.realServers);
}

/** Re-evaluates IP_VS_DEST_F_OVERLOAD against the connection thresholds, as bind/unbind_dest do. */
export function refreshOverload(rs: SimRealServer): void {
  const upper = rs.config.upperThreshold ?? 0;
  const lower = rs.config.lowerThreshold ?? 0;
  const total = rs.activeConns + rs.inactiveConns;
  if (upper > 0 && total >= upper) rs.overloaded = true;
  else if (lower > 0) rs.overloaded = rs.overloaded && total >= lower;
  else if (upper > 0) rs.overloaded = rs.overloaded && total * 4 >= upper * 3;
  else rs.overloaded = false;
}
