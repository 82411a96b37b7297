import { zeroCounters, zeroRates } from "@lvsdeck/protocol";
import type { DirectorId, DirectorSnapshot, KeepalivedStatus, RealServer, RealServerChecker, VirtualService, WeightMode } from "@lvsdeck/protocol";
import type { IpvsTimeouts } from "@lvsdeck/protocol";
import { countersOf } from "./estimator";
import type { SimRealServer, SimService } from "./ipvsTable";
import type { SimVrrpInstance } from "./vrrpInstance";

/** The simulator applies weights straight into IPVS, as the agent's runtime mode does. */
const WEIGHT_MODE: WeightMode = "runtime";

/** keepalived's checker view of a simulated real server. */
function checkerOf(service: SimService, rs: SimRealServer): RealServerChecker {
  return { types: [service.config.checker], alive: rs.health !== "down", failedCheckers: rs.health === "down" ? 1 : 0, lastChangeAt: rs.checkedAt };
}

function realServerView(service: SimService, rs: SimRealServer): RealServer {
  // Deleted by keepalived: ipvsadm no longer lists it; keepalived's configuration still has it.
  if (!rs.inKernel) {
    return {
      key: rs.key,
      address: rs.config.address,
      port: rs.config.port,
      forwarding: service.config.forwarding,
      weight: rs.config.weight,
      upperThreshold: rs.config.upperThreshold ?? 0,
      lowerThreshold: rs.config.lowerThreshold ?? 0,
      activeConns: 0,
      inactiveConns: 0,
      persistConns: 0,
      stats: zeroCounters,
      rates: zeroRates,
      health: "down",
      weightSource: "config",
      weightMode: WEIGHT_MODE,
      inKernel: false,
      checker: checkerOf(service, rs),
    };
  }
  return {
    key: rs.key,
    address: rs.config.address,
    port: rs.config.port,
    forwarding: service.config.forwarding,
    weight: rs.weight,
    upperThreshold: rs.config.upperThreshold ?? 0,
    lowerThreshold: rs.config.lowerThreshold ?? 0,
    activeConns: rs.activeConns,
    inactiveConns: rs.inactiveConns,
    persistConns: rs.persistConns,
    stats: countersOf(rs.stats),
    rates: rs.estimator.rates(),
    health: rs.health,
    weightSource: rs.weightSource,
    weightMode: WEIGHT_MODE,
    checker: checkerOf(service, rs),
  };
}

/** Renders one simulated service the way the agent reports an ipvsadm virtual service. */
export function serviceView(service: SimService): VirtualService {
  const c = service.config;
  return {
    key: service.key,
    family: c.family,
    protocol: c.protocol,
    address: c.address,
    port: c.port,
    fwmark: c.fwmark,
    scheduler: c.scheduler,
    schedulerFlags: [...(c.schedulerFlags ?? [])],
    persistence: c.persistence ? { timeoutSec: c.persistence.timeoutSec, netmask: c.persistence.netmask } : null,
    onePacket: false,
    pe: null,
    stats: countersOf(service.stats),
    rates: service.estimator.rates(),
    realServers: service.realServers.map((rs) => realServerView(service, rs)),
  };
}

/** Everything needed to render a director's snapshot. */
export interface SnapshotParts {
  readonly director: DirectorId;
  readonly now: number;
  readonly keepalived: KeepalivedStatus;
  readonly instances: readonly SimVrrpInstance[];
  readonly services: readonly SimService[];
  readonly timeouts: IpvsTimeouts;
}

/** Builds the DirectorSnapshot; VIPs are present only on instances in MASTER state. */
export function buildSnapshot(p: SnapshotParts): DirectorSnapshot {
  const vipsPresent = p.instances.filter((i) => i.state === "MASTER").flatMap((i) => i.config.vips);
  return {
    director: p.director,
    takenAt: p.now,
    keepalived: { ...p.keepalived },
    vrrp: p.instances.map((i) => i.view()),
    syncGroups: [],
    vipsPresent: [...new Set(vipsPresent)],
    services: p.services.map(serviceView),
    // `ipvsadm --set` values live in the kernel, so they stay visible while keepalived is down.
    timeouts: { ...p.timeouts },
  };
}
