import type { SimClusterConfig, SimServiceConfig } from "./clusterConfig";

/** At most this many extra services: one VIP each in 203.0.113.0/24 (a documentation range). */
export const MAX_EXTRA_SERVICES = 250;
/** At most this many real servers per extra service (10.60.S.10 … 10.60.S.209). */
export const MAX_REAL_SERVERS_PER_SERVICE = 200;

/**
 * `base` with `services` more HTTPS services of `realServers` real servers each, for trying lvsdeck at
 * the size of a large site (50 × 20 is a thousand real servers). Each extra service has its own VIP on
 * the first VRRP instance and a light load, so a thousand servers cost the simulated director little.
 */
export function scaledCluster(base: SimClusterConfig, services: number, realServers: number): SimClusterConfig {
  if (!Number.isInteger(services) || services < 0 || services > MAX_EXTRA_SERVICES) throw new Error(`extra services must be 0 to ${MAX_EXTRA_SERVICES}, not ${services}`);
  if (!Number.isInteger(realServers) || realServers < 1 || realServers > MAX_REAL_SERVERS_PER_SERVICE) {
    throw new Error(`real servers per extra service must be 1 to ${MAX_REAL_SERVERS_PER_SERVICE}, not ${realServers}`);
  }
  const instance = base.vrrp[0];
  if (services === 0 || instance === undefined) return base;
  const extra: SimServiceConfig[] = Array.from({ length: services }, (_, s) => ({
    protocol: "TCP", address: `203.0.113.${s + 1}`, port: 443, fwmark: null, family: "inet",
    scheduler: "wlc", persistence: null, forwarding: "Route", instance: instance.name,
    realServers: Array.from({ length: realServers }, (_, r) => ({ address: `10.60.${s}.${r + 10}`, port: 443, weight: 1 + (r % 3) })),
    traffic: { cps: 2, lifetimeSec: [1, 20], inPps: 4, inPacketBytes: 180, outPps: 6, outPacketBytes: 1200 },
    inhibitOnFailure: true,
    checker: "TCP_CHECK",
  }));
  return {
    ...base,
    vrrp: base.vrrp.map((v) => (v === instance ? { ...v, vips: [...v.vips, ...extra.map((s) => s.address as string)] } : v)),
    services: [...base.services, ...extra],
  };
}
