// The simulated directors of the hub's benches: one builder, so the load bench's agents and the series
// bench write the same shape of snapshot (5 services, real servers spread over them, direct routing).
import type { DirectorId, DirectorSnapshot, RealServer, VirtualService } from "@lvsdeck/protocol";
import { realServerKeyOf, serviceKeyOf, zeroCounters, zeroRates } from "@lvsdeck/protocol";

/** Virtual services per simulated director. */
export const SERVICES = 5;

/** Director `index`'s id: bench-000, bench-001, ... */
export const benchDirectorId = (index: number) => `bench-${String(index).padStart(3, "0")}` as DirectorId;

/** Director `index` at `takenAt`: MASTER when even, `realServers` real servers over SERVICES services, no traffic yet. */
export function benchSnapshot(index: number, realServers: number, takenAt: number): DirectorSnapshot {
  const perService = Math.ceil(realServers / SERVICES);
  const services: VirtualService[] = Array.from({ length: SERVICES }, (_, s) => {
    const address = `198.51.${index % 250}.${s + 1}`;
    const rss: RealServer[] = Array.from({ length: perService }, (_, r) => ({
      key: realServerKeyOf(`203.0.${s}.${r + 1}`, 80), address: `203.0.${s}.${r + 1}`, port: 80, forwarding: "Route", weight: 1,
      upperThreshold: 0, lowerThreshold: 0, activeConns: 0, inactiveConns: 0, persistConns: 0, stats: zeroCounters, rates: zeroRates,
      health: "up", weightSource: "config", weightMode: "runtime",
    }));
    return { key: serviceKeyOf("TCP", address, 80), family: "inet", protocol: "TCP", address, port: 80, fwmark: null, scheduler: "wlc",
      schedulerFlags: [], persistence: null, onePacket: false, pe: null, stats: zeroCounters, rates: zeroRates, realServers: rss };
  });
  return { director: benchDirectorId(index), takenAt, keepalived: { running: true, pid: 1, since: 0 },
    vrrp: [{ name: `VI_${index}`, vrid: (index % 255) + 1, interface: "eth0", state: index % 2 === 0 ? "MASTER" : "BACKUP",
      basePriority: 100, effectivePriority: 100, advertIntervalMs: 1000, preempt: true, vips: [], lastTransitionAt: null, masterRouter: null, syncGroup: null }],
    syncGroups: [], vipsPresent: [], services, timeouts: null };
}

/** `s` at tick `tick`, taken at `takenAt`: traffic moves every counter every tick, as on a busy director. */
export function withTraffic(s: DirectorSnapshot, tick: number, takenAt: number): DirectorSnapshot {
  return { ...s, takenAt, services: s.services.map((svc) => ({ ...svc, realServers: svc.realServers.map((rs, i) => ({
    ...rs, activeConns: (tick * 7 + i * 13) % 500, inactiveConns: (tick * 3 + i) % 900,
    rates: { cps: (tick + i) % 40, inPps: (tick * 11 + i) % 4000, outPps: 0, inBps: (tick * 977 + i) % 400_000, outBps: 0 } })) })) };
}
