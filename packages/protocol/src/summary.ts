import { z } from "zod";
import { directorIdSchema, serviceKeySchema } from "./ids";
import { keepalivedStatusSchema, schedulerSchema, vrrpInstanceSchema } from "./model";
import type { DirectorView } from "./hubModel";
import type { VirtualService } from "./model";

/** A virtual service reduced to what an overview or a wall tile shows. */
export const serviceSummarySchema = z.object({
  key: serviceKeySchema,
  scheduler: schedulerSchema,
  activeConns: z.number(),
  inactiveConns: z.number(),
  cps: z.number(),
  inBps: z.number(),
  outBps: z.number(),
  realServers: z.number().int(),
  realServersUp: z.number().int(),
  realServersWeightZero: z.number().int(),
});
export type ServiceSummary = z.infer<typeof serviceSummarySchema>;

/** One director reduced for overview clients: VRRP, freshness and per-service totals, no real-server rows. */
export const directorSummarySchema = z.object({
  id: directorIdSchema,
  connected: z.boolean(),
  stale: z.boolean(),
  receivedAt: z.number().nullable(),
  takenAt: z.number().nullable(),
  keepalived: keepalivedStatusSchema.nullable(),
  vrrp: z.array(vrrpInstanceSchema),
  vipsPresent: z.array(z.string()),
  services: z.array(serviceSummarySchema),
});
export type DirectorSummary = z.infer<typeof directorSummarySchema>;

/** Per-service totals of a snapshot's real servers, shared by summaries and counter frames. */
function serviceTotals(s: VirtualService): Omit<ServiceSummary, "key" | "scheduler"> {
  let activeConns = 0;
  let inactiveConns = 0;
  let up = 0;
  let weightZero = 0;
  for (const rs of s.realServers) {
    activeConns += rs.activeConns;
    inactiveConns += rs.inactiveConns;
    if (rs.health !== "down") up++;
    if (rs.weight === 0) weightZero++;
  }
  return {
    activeConns,
    inactiveConns,
    cps: s.rates.cps,
    inBps: s.rates.inBps,
    outBps: s.rates.outBps,
    realServers: s.realServers.length,
    realServersUp: up,
    realServersWeightZero: weightZero,
  };
}

/** Reduces a director's live view to its summary. */
export function summarizeDirector(view: DirectorView): DirectorSummary {
  const snapshot = view.snapshot;
  return {
    id: view.id,
    connected: view.connected,
    stale: view.stale,
    receivedAt: view.receivedAt,
    takenAt: snapshot?.takenAt ?? null,
    keepalived: snapshot?.keepalived ?? null,
    vrrp: snapshot?.vrrp ?? [],
    vipsPresent: snapshot?.vipsPresent ?? [],
    services: (snapshot?.services ?? []).map((s) => ({ key: s.key, scheduler: s.scheduler, ...serviceTotals(s) })),
  };
}

/**
 * One service's moving numbers as a tuple, to keep the frame small: active connections, inactive
 * connections, connections per second, bytes per second in, bytes per second out. A frame lists them in
 * the order of the director's services in its summary, without their keys.
 */
export const serviceCountersSchema = z.tuple([z.number(), z.number(), z.number(), z.number(), z.number()]);
export type ServiceCounters = z.infer<typeof serviceCountersSchema>;

/**
 * What changes in a director's summary from tick to tick: freshness and service counters. Everything else
 * (VRRP, VIPs, keepalived, services and real servers, staleness) travels as a whole summary when it changes.
 * `keys` is the fingerprint of the service keys the counters follow, in order (serviceKeysFingerprint): a
 * browser writes them only into a summary of the same services, never into another service's row.
 */
export const directorCountersSchema = z.object({
  id: directorIdSchema,
  receivedAt: z.number().nullable(),
  takenAt: z.number().nullable(),
  keys: z.string(),
  services: z.array(serviceCountersSchema),
});
export type DirectorCounters = z.infer<typeof directorCountersSchema>;

/**
 * A 53-bit fingerprint of service keys in order, in base 36 (cyrb53 over the keys, each ended by a
 * newline). Two lists that differ collide with a chance of about 1 in 2^53.
 */
export function serviceKeysFingerprint(keys: Iterable<string>): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  const mix = (c: number) => {
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  };
  for (const key of keys) {
    for (let i = 0; i < key.length; i++) mix(key.charCodeAt(i));
    mix(10);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/** Reduces a director's live view to the counters of its summary. */
export function countDirector(view: DirectorView): DirectorCounters {
  const snapshot = view.snapshot;
  return {
    id: view.id,
    receivedAt: view.receivedAt,
    takenAt: snapshot?.takenAt ?? null,
    keys: serviceKeysFingerprint((snapshot?.services ?? []).map((s) => s.key)),
    services: (snapshot?.services ?? []).map((s) => {
      const t = serviceTotals(s);
      return [t.activeConns, t.inactiveConns, t.cps, t.inBps, t.outBps];
    }),
  };
}
