import type { KnownScheduler } from "@lvsdeck/protocol";
import { foldAddress } from "../addresses";
import { scheduleWeightedLeastConnection } from "./leastConnection";
import type { IpvsScheduler, SchedulerDest } from "./schedulerTypes";

/** Buckets in the sh and dh tables (IP_VS_SH_TAB_BITS / IP_VS_DH_TAB_BITS = 8). */
export const HASH_TABLE_SIZE = 256;
const GOLDEN_RATIO_32 = 0x61c88647;
const DH_MULTIPLIER = 2654435761;

/** The kernel's `hash_32(value, 8)`: multiply by the golden ratio and keep the top 8 bits. */
function hash32To8(value: number): number {
  return Math.imul(value >>> 0, GOLDEN_RATIO_32) >>> 24;
}

/** `ip_vs_sh_hashkey`: bucket of a source address (and port when sh-port is set). */
export function sourceHashKey(address: string, port: number, offset = 0): number {
  return (offset + hash32To8((port + foldAddress(address)) >>> 0)) % HASH_TABLE_SIZE;
}

/** `ip_vs_dh_hashkey`: bucket of a destination address. */
export function destinationHashKey(address: string): number {
  return Math.imul(foldAddress(address), DH_MULTIPLIER | 0) & (HASH_TABLE_SIZE - 1);
}

/**
 * `ip_vs_sh_reassign`: walk the destinations filling buckets, each destination taking as many
 * consecutive buckets as its weight (at least one), wrapping around the list.
 */
export function weightedBuckets(dests: readonly SchedulerDest[]): (number | null)[] {
  const buckets: (number | null)[] = [];
  let p = 0;
  let count = 0;
  for (let i = 0; i < HASH_TABLE_SIZE; i++) {
    if (dests.length === 0) {
      buckets.push(null);
      continue;
    }
    buckets.push(p);
    if (++count >= (dests[p] as SchedulerDest).weight) {
      p = (p + 1) % dests.length;
      count = 0;
    }
  }
  return buckets;
}

/** `ip_vs_dh_reassign`: one bucket per destination in turn; the kernel's dh ignores weights here. */
export function plainBuckets(dests: readonly SchedulerDest[]): (number | null)[] {
  return Array.from({ length: HASH_TABLE_SIZE }, (_, i) => (dests.length === 0 ? null : i % dests.length));
}

const unavailable = (d: SchedulerDest | undefined): boolean => d === undefined || d.weight <= 0 || d.overloaded;

/** `ip_vs_sh`: source hashing; flags `sh-port` adds the source port, `sh-fallback` probes other buckets. */
export function createSourceHashScheduler(flags: readonly string[] = [], name: KnownScheduler = "sh"): IpvsScheduler {
  let buckets: (number | null)[] = [];
  const withPort = flags.includes("sh-port");
  const fallback = flags.includes("sh-fallback");
  return {
    name,
    schedule(dests, packet) {
      if (buckets.length === 0) buckets = weightedBuckets(dests);
      const port = withPort ? packet.sourcePort : 0;
      const ihash = sourceHashKey(packet.source, port);
      const first = buckets[ihash] ?? null;
      if (first === null) return null;
      if (!unavailable(dests[first])) return first;
      if (!fallback) return null;
      // Kernel fallback: rehash with growing offsets until an available destination turns up.
      for (let offset = 0; offset < HASH_TABLE_SIZE; offset++) {
        const index = buckets[sourceHashKey(packet.source, port, (offset + ihash) % HASH_TABLE_SIZE)] ?? null;
        if (index === null) return null;
        if (!unavailable(dests[index])) return index;
      }
      return null;
    },
    update(dests) {
      buckets = weightedBuckets(dests);
    },
  };
}

/** `ip_vs_dh`: destination hashing, for cache farms behind fwmark services. */
export function createDestinationHashScheduler(): IpvsScheduler {
  let buckets: (number | null)[] = [];
  return {
    name: "dh",
    schedule(dests, packet) {
      if (buckets.length === 0) buckets = plainBuckets(dests);
      const index = buckets[destinationHashKey(packet.destination)] ?? null;
      return index !== null && !unavailable(dests[index]) ? index : null;
    },
    update(dests) {
      buckets = plainBuckets(dests);
    },
  };
}

/** Bound on lblc's destination cache; the kernel also trims its table under pressure. */
const LBLC_MAX_ENTRIES = 4096;

/** `ip_vs_lblc`: keep a destination address on its server unless that server is overloaded, else wlc. */
export function createLocalityScheduler(name: KnownScheduler = "lblc"): IpvsScheduler {
  const cache = new Map<string, number>();
  // The kernel's lblc is_overloaded: busier than its weight while another server is under half load.
  const overloaded = (dests: readonly SchedulerDest[], d: SchedulerDest): boolean =>
    d.activeConns > d.weight && dests.some((o) => o.activeConns * 2 < o.weight);
  return {
    name,
    schedule(dests, packet) {
      const cached = cache.get(packet.destination);
      const d = cached === undefined ? undefined : dests[cached];
      if (cached !== undefined && d && d.weight > 0 && !overloaded(dests, d)) return cached;
      const chosen = scheduleWeightedLeastConnection(dests);
      if (chosen === null) return null;
      cache.delete(packet.destination);
      if (cache.size >= LBLC_MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
      cache.set(packet.destination, chosen);
      return chosen;
    },
    update(dests) {
      for (const [key, index] of cache) if (index >= dests.length) cache.delete(key);
    },
  };
}
