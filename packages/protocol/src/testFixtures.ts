import type { DirectorSnapshot, RealServer, VirtualService } from "./model";
import { zeroCounters, zeroRates } from "./model";
import type { DirectorId } from "./ids";
import { realServerKeyOf, serviceKeyOf } from "./ids";

/** A real server with defaults, for tests. */
export function sampleRealServer(address: string, port: number, weight: number): RealServer {
  return {
    key: realServerKeyOf(address, port),
    address,
    port,
    forwarding: "Route",
    weight,
    upperThreshold: 0,
    lowerThreshold: 0,
    activeConns: 0,
    inactiveConns: 0,
    persistConns: 0,
    stats: zeroCounters,
    rates: zeroRates,
    health: "up",
    weightSource: "config",
    weightMode: "runtime",
  };
}

/** A TCP service with defaults, for tests. */
export function sampleService(address: string, port: number, realServers: RealServer[]): VirtualService {
  return {
    key: serviceKeyOf("TCP", address, port),
    family: address.includes(":") ? "inet6" : "inet",
    protocol: "TCP",
    address,
    port,
    fwmark: null,
    scheduler: "wrr",
    schedulerFlags: [],
    persistence: null,
    onePacket: false,
    pe: null,
    stats: zeroCounters,
    rates: zeroRates,
    realServers,
  };
}

/** A director snapshot with one service, for tests. */
export function sampleSnapshot(director: string, takenAt: number): DirectorSnapshot {
  return {
    director: director as DirectorId,
    takenAt,
    keepalived: { running: true, pid: 1, since: 0 },
    vrrp: [],
    syncGroups: [],
    vipsPresent: [],
    services: [sampleService("192.0.2.10", 443, [sampleRealServer("192.0.2.11", 443, 2), sampleRealServer("192.0.2.12", 443, 2)])],
    timeouts: null,
  };
}

/**
 * `snapshot` with its services behind a getter that counts the reads, for tests of work done once per
 * snapshot (everything derived from a table walks its services).
 */
export function countingServiceReads(snapshot: DirectorSnapshot): { snapshot: DirectorSnapshot; reads: () => number } {
  let reads = 0;
  const { services, ...rest } = snapshot;
  const watched = Object.defineProperty({ ...rest }, "services", {
    enumerable: true,
    get: () => {
      reads++;
      return services;
    },
  }) as DirectorSnapshot;
  return { snapshot: watched, reads: () => reads };
}
