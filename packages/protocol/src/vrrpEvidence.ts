import { z } from "zod";

/** Most tracked scripts, interfaces and files carried per VRRP instance. */
export const MAX_VRRP_TRACKS = 64;

/** What keepalived tracks for an instance: a `track_script`, a `track_interface` or a `track_file`. */
export const vrrpTrackKinds = ["script", "interface", "file"] as const;

/**
 * One tracked object and what it does to the instance's priority right now, as keepalived's data dump
 * says: a script GOOD or BAD, an interface up or down, a file's value.
 */
export const vrrpTrackSchema = z.object({
  kind: z.enum(vrrpTrackKinds),
  name: z.string().min(1).max(128),
  /** The configured weight: 0 means the instance goes FAULT while the object fails. */
  weight: z.number().int().min(-1_000_000).max(1_000_000),
  /** `bad` for a failing script, a down interface, a file whose value puts the instance in FAULT or lowers it. */
  status: z.enum(["good", "bad", "unknown"]),
  /** A track file's current value (its effect is value × weight); null for scripts and interfaces. */
  value: z.number().int().nullable(),
  /** How it moves the priority now (negative lowers it), or "FAULT" when it holds the instance in FAULT; null when unknown. */
  effect: z.union([z.number().int(), z.literal("FAULT")]).nullable(),
});
export type VrrpTrack = z.infer<typeof vrrpTrackSchema>;

const counter = z.number().int().nonnegative();

/** keepalived's per-instance VRRP counters (SIGJSON `stats`), in camelCase. */
export const vrrpCountersSchema = z.object({
  advertRcvd: counter,
  advertSent: counter,
  becomeMaster: counter,
  releaseMaster: counter,
  packetLenErr: counter,
  advertIntervalErr: counter,
  ipTtlErr: counter,
  invalidTypeRcvd: counter,
  addrListErr: counter,
  invalidAuthtype: counter,
  authtypeMismatch: counter,
  authFailure: counter,
  priZeroRcvd: counter,
  priZeroSent: counter,
});
export type VrrpCounters = z.infer<typeof vrrpCountersSchema>;

/**
 * What an instance's dumps say beyond its state: the evidence a transition's cause is read from.
 * Every field is optional, so agents that do not read it (or the simulation) still validate.
 */
export const vrrpEvidenceShape = {
  /** The master's priority as this BACKUP last heard it (data dump `Master priority`). */
  masterPriority: z.number().int().min(0).max(255).nullable().optional(),
  /** The address this director sends adverts from (`Using src_ip`): how peers name it as `masterRouter`. */
  sourceAddress: z.string().max(64).nullable().optional(),
  /** keepalived's current master down timer (3 × advert interval + skew), in ms. */
  downTimerMs: z.number().nonnegative().nullable().optional(),
  /** `Number of interface and track script faults`. */
  trackFaults: z.number().int().nonnegative().nullable().optional(),
  tracks: z.array(vrrpTrackSchema).max(MAX_VRRP_TRACKS).optional(),
  counters: vrrpCountersSchema.nullable().optional(),
};
