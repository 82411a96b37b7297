import { z } from "zod";
import { directorIdSchema, serviceKeySchema } from "./ids";
import { keepalivedStatusSchema, schedulerSchema, vrrpInstanceSchema } from "./model";
import type { DirectorView } from "./hubModel";

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
    services: (snapshot?.services ?? []).map((s) => {
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
        key: s.key,
        scheduler: s.scheduler,
        activeConns,
        inactiveConns,
        cps: s.rates.cps,
        inBps: s.rates.inBps,
        outBps: s.rates.outBps,
        realServers: s.realServers.length,
        realServersUp: up,
        realServersWeightZero: weightZero,
      };
    }),
  };
}
