import type { Family } from "@lvsdeck/protocol";
import type { SimServiceConfig } from "./clusterConfig";
import { createPrng, type Prng } from "./prng";

/** A new connection's first packet, before the service's scheduler places it. */
export interface Arrival {
  readonly time: number;
  readonly serviceIndex: number;
  readonly client: string;
  readonly clientPort: number;
  readonly vaddr: string;
  readonly vport: number;
  /** A SYN from a spoofed address (a flood): its SYN-ACK goes nowhere, so it stays half-open. */
  readonly spoofed?: boolean;
}

/** The client addresses traffic comes from, per address family. */
export type ClientPools = Readonly<Record<Family, readonly string[]>>;

// Documentation ranges only (RFC 5737 / RFC 3849), so nothing here looks like a real customer.
const IPV4_PREFIXES = ["198.51.100", "203.0.113"] as const;
const IPV4_CLIENTS_PER_PREFIX = 160;
const IPV6_PREFIX = "2001:db8:c11e:1";
const IPV6_CLIENTS = 80;
const EPHEMERAL_PORTS = [32768, 60999] as const;
// Load swells and ebbs by ±20 % over ten minutes so charts are not flat lines.
const SWELL_PERIOD_MS = 600_000;
const SWELL_DEPTH = 0.2;

/** Draws distinct client addresses from the seed alone, so every director of a cluster sees the same clients. */
export function createClientPools(seed: number): ClientPools {
  const prng = createPrng(seed ^ 0x5eed_c11e);
  const inet: string[] = [];
  for (const prefix of IPV4_PREFIXES) {
    const hosts = Array.from({ length: 254 }, (_, i) => i + 1);
    for (let i = 0; i < IPV4_CLIENTS_PER_PREFIX; i++) {
      const pick = prng.int(i, hosts.length - 1);
      [hosts[i], hosts[pick]] = [hosts[pick] as number, hosts[i] as number];
      inet.push(`${prefix}.${hosts[i]}`);
    }
  }
  const inet6 = Array.from({ length: IPV6_CLIENTS }, (_, i) => `${IPV6_PREFIX}::${(0x100 + i * 7).toString(16)}`);
  return { inet, inet6 };
}

/** Squaring a uniform draw favours low indices: a few heavy clients and a long tail, like real traffic. */
function pickClient(pool: readonly string[], prng: Prng): string {
  const u = prng.next();
  return pool[Math.floor(pool.length * u * u)] ?? (pool[0] as string);
}

function destinationOf(config: SimServiceConfig, fallbackVip: string, prng: Prng): { vaddr: string; vport: number } {
  if (config.address !== null && config.port !== null) return { vaddr: config.address, vport: config.port };
  const targets = config.traffic.targets ?? [{ address: fallbackVip, port: 80 }];
  const target = targets[prng.int(0, targets.length - 1)] ?? { address: fallbackVip, port: 80 };
  return { vaddr: target.address, vport: target.port };
}

/** Draws the arrivals of one service in (from, to], in time order, Poisson around the swelling mean rate. */
export function generateArrivals(
  config: SimServiceConfig,
  serviceIndex: number,
  fallbackVip: string,
  from: number,
  to: number,
  pools: ClientPools,
  prng: Prng,
): Arrival[] {
  const swell = 1 + SWELL_DEPTH * Math.sin((2 * Math.PI * to) / SWELL_PERIOD_MS + serviceIndex);
  const count = prng.poisson((config.traffic.cps * swell * (to - from)) / 1000);
  const arrivals: Arrival[] = [];
  for (let i = 0; i < count; i++) {
    const time = from + prng.next() * (to - from);
    const { vaddr, vport } = destinationOf(config, fallbackVip, prng);
    arrivals.push({
      time,
      serviceIndex,
      client: pickClient(pools[config.family], prng),
      clientPort: prng.int(EPHEMERAL_PORTS[0], EPHEMERAL_PORTS[1]),
      vaddr,
      vport,
    });
  }
  return arrivals.sort((a, b) => a.time - b.time);
}

// A flood's spoofed sources: anywhere in a documentation range, never a real host.
const SPOOFED_PREFIX = "203.0.113";

/** The spoofed SYNs of a flood on one service in (from, to]: `cps` a second, from random addresses and ports. */
export function generateFloodArrivals(serviceIndex: number, vaddr: string, vport: number, cps: number, from: number, to: number, prng: Prng): Arrival[] {
  const count = prng.poisson((cps * (to - from)) / 1000);
  return Array.from({ length: count }, () => ({
    time: from + prng.next() * (to - from),
    serviceIndex,
    client: `${SPOOFED_PREFIX}.${prng.int(1, 254)}`,
    clientPort: prng.int(1024, 65535),
    vaddr,
    vport,
    spoofed: true,
  }));
}
