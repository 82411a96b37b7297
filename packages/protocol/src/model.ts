import { z } from "zod";
import { directorIdSchema, realServerKeySchema, serviceKeySchema } from "./ids";
import { vrrpEvidenceShape } from "./vrrpEvidence";
import { connectionSyncSchema } from "./connectionSync";

/** The IPVS schedulers whose behaviour the code knows (share previews, simulation). */
export const knownSchedulers = ["rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "none"] as const;
export type KnownScheduler = (typeof knownSchedulers)[number];
const knownSchedulerSet: ReadonlySet<string> = new Set(knownSchedulers);
/** True for a scheduler whose behaviour the code knows. */
export function isKnownScheduler(name: string): name is KnownScheduler {
  return knownSchedulerSet.has(name);
}

/** Longest scheduler name carried: the kernel's IP_VS_SCHEDNAME_MAXLEN is 16 bytes with its NUL. */
export const MAX_SCHEDULER_NAME = 15;
/**
 * A scheduler as the kernel reports it: a known one, or any other name (e.g. `twos`, new in Linux 6.2)
 * carried as-is so the service is kept and shown; only safe characters, so it can be shown anywhere.
 */
export const SCHEDULER_PATTERN = new RegExp(`^[a-z][a-z0-9_-]{0,${MAX_SCHEDULER_NAME - 1}}$`);
export const schedulerSchema = z.string().regex(SCHEDULER_PATTERN, "a scheduler name is 1-15 of a-z 0-9 _ - starting with a letter");
export type Scheduler = z.infer<typeof schedulerSchema>;

/** Forwarding methods as ipvsadm prints them; `FullNat` only appears on forked kernels. */
export const forwardingMethods = ["Route", "Masq", "Tunnel", "Local", "FullNat"] as const;
export const forwardingSchema = z.enum(forwardingMethods);
export type Forwarding = z.infer<typeof forwardingSchema>;

/** The operator's name for each forwarding method. */
export const forwardingLabel: Record<Forwarding, string> = {
  Route: "DR",
  Masq: "NAT",
  Tunnel: "TUN",
  Local: "Local",
  FullNat: "FullNAT",
};

export const ipProtocolSchema = z.enum(["TCP", "UDP", "SCTP"]);
export type IpProtocol = z.infer<typeof ipProtocolSchema>;

export const familySchema = z.enum(["inet", "inet6"]);
export type Family = z.infer<typeof familySchema>;

const count = z.number().int().nonnegative();
const rate = z.number().nonnegative();

/** Cumulative counters from `ipvsadm -Ln --stats --exact`. */
export const countersSchema = z.object({ conns: count, inPkts: count, outPkts: count, inBytes: count, outBytes: count });
export type Counters = z.infer<typeof countersSchema>;

/** Per-second rates from `ipvsadm -Ln --rate --exact`. */
export const ratesSchema = z.object({ cps: rate, inPps: rate, outPps: rate, inBps: rate, outBps: rate });
export type Rates = z.infer<typeof ratesSchema>;

/** Where the weight in effect came from. */
export const weightSourceSchema = z.enum(["config", "operator", "health-check"]);
export type WeightSource = z.infer<typeof weightSourceSchema>;

/** How the agent applies weights: directly in IPVS, or also persisted into keepalived's config. */
export const weightModeSchema = z.enum(["runtime", "keepalived"]);
export type WeightMode = z.infer<typeof weightModeSchema>;

export const healthSchema = z.enum(["up", "down", "unknown"]);
export type Health = z.infer<typeof healthSchema>;

/** The kernel takes any weight 0..INT_MAX, and Debian's ipvsadm sets them (upstream ipvsadm stops at 65535). */
export const MAX_WEIGHT = 2147483647;
export const weightSchema = z
  .number()
  .int("a weight is a whole number")
  .min(0, "a weight is 0 or more")
  .max(MAX_WEIGHT, `a weight is at most ${MAX_WEIGHT}`);

/** Most issues kept on one object: enough to show what went wrong, bounded against a flood. */
export const MAX_OBJECT_ISSUES = 8;
/** Longest raw text kept for one issue. */
export const MAX_ISSUE_RAW = 120;
/** One value of an object that could not be read: the field, its raw text and why. */
export const objectIssueSchema = z.object({
  field: z.string().max(64),
  raw: z.string().max(MAX_ISSUE_RAW),
  message: z.string().max(300),
});
export type ObjectIssue = z.infer<typeof objectIssueSchema>;
/** Values of an object that could not be read; absent when every value was read. */
const issuesField = z.array(objectIssueSchema).max(MAX_OBJECT_ISSUES).optional();

/** keepalived's checker verdict on one configured real server, from its checker dump and notify FIFO. */
export const realServerCheckerSchema = z.object({
  /** Checker types as keepalived names them (`TCP_CHECK`, `HTTP_GET`, `MISC_CHECK`, …); empty when its dump did not say. */
  types: z.array(z.string()),
  alive: z.boolean(),
  failedCheckers: count.nullable(),
  /** When the agent saw keepalived change its verdict (ms since the epoch); null when unknown. */
  lastChangeAt: z.number().nullable(),
});
export type RealServerChecker = z.infer<typeof realServerCheckerSchema>;

/** One real server (destination) of a virtual service. */
/** At most this many states per real server: TCP has 11 names, SCTP 14, plus fallbacks. */
export const MAX_CONNECTION_STATES = 24;

/** Whether `value` is a plain object of at most MAX_CONNECTION_STATES names of 1-16 characters, each a whole count of 0 or more. */
export function isConnectionStates(value: unknown): value is Record<string, number> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  let states = 0;
  for (const name in value) {
    if (!Object.hasOwn(value, name)) continue;
    const n = (value as Record<string, unknown>)[name];
    if (++states > MAX_CONNECTION_STATES || name.length < 1 || name.length > 16 || typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) return false;
  }
  return true;
}

/**
 * Connection entries per state name. Checked by one function rather than as a zod record: every real
 * server of every snapshot carries it, and the record's per-entry checks were a third of the hub's
 * cost of validating a real server.
 */
export const connectionStatesSchema = z.custom<Record<string, number>>(isConnectionStates, {
  message: `at most ${MAX_CONNECTION_STATES} states, each named in 1 to 16 characters with a whole count of 0 or more`,
});
export type ConnectionStates = z.infer<typeof connectionStatesSchema>;

/** When a service's per-state counts were taken, and its persistence templates. */
export const serviceConnectionStatesSchema = z.object({
  countedAt: z.number(),
  templates: count,
});
export type ServiceConnectionStates = z.infer<typeof serviceConnectionStatesSchema>;

export const realServerSchema = z.object({
  key: realServerKeySchema,
  address: z.string(),
  port: z.number().int().min(0).max(65535),
  forwarding: forwardingSchema,
  weight: weightSchema,
  upperThreshold: count,
  lowerThreshold: count,
  activeConns: count,
  inactiveConns: count,
  persistConns: count,
  stats: countersSchema,
  rates: ratesSchema,
  health: healthSchema,
  weightSource: weightSourceSchema,
  weightMode: weightModeSchema,
  /** False for a server keepalived is configured with but that is not in the kernel table (removed by its checker, or by a lost quorum): it takes no connections. Absent means it is in the table. */
  inKernel: z.boolean().optional(),
  /** keepalived's checker view; absent when the agent reads no checker dump. */
  checker: realServerCheckerSchema.optional(),
  /**
   * Connection entries by state (ESTABLISHED, SYN_RECV, TIME_WAIT, UDP, …; templates apart), as counted
   * at the service's `connectionStates.countedAt`; absent when the agent does not count them.
   */
  states: connectionStatesSchema.optional(),
  /** Values that could not be read: the row is kept and those values are not to be trusted. */
  issues: issuesField,
});
export type RealServer = z.infer<typeof realServerSchema>;

/** Persistence (`-p timeout -M netmask`); netmask as printed (dotted quad or IPv6 prefix length). */
export const persistenceSchema = z.object({ timeoutSec: count, netmask: z.string().nullable() });
export type Persistence = z.infer<typeof persistenceSchema>;

/** keepalived's quorum and sorry server for one virtual service. */
export const serviceCheckerSchema = z.object({
  /** `quorum`: the sum of alive weights keepalived needs; null when the dump did not say. */
  quorum: count.nullable(),
  quorumUp: z.boolean().nullable(),
  sorryServer: realServerKeySchema.nullable(),
  /** The sorry server is in the kernel table (keepalived adds it when the quorum is lost). */
  sorryServerInUse: z.boolean(),
});
export type ServiceChecker = z.infer<typeof serviceCheckerSchema>;

/** A virtual service as ipvsadm shows it. */
export const virtualServiceSchema = z.object({
  key: serviceKeySchema,
  family: familySchema,
  protocol: ipProtocolSchema.nullable(),
  address: z.string().nullable(),
  port: z.number().int().min(0).max(65535).nullable(),
  fwmark: z.number().int().nonnegative().nullable(),
  scheduler: schedulerSchema,
  schedulerFlags: z.array(z.string()),
  persistence: persistenceSchema.nullable(),
  onePacket: z.boolean(),
  pe: z.string().nullable(),
  stats: countersSchema,
  rates: ratesSchema,
  realServers: z.array(realServerSchema),
  /** keepalived's checker view of the service; absent when the agent reads no checker dump. */
  checker: serviceCheckerSchema.optional(),
  /** When its real servers' `states` were counted (the counts can be older than the snapshot), with its templates. */
  connectionStates: serviceConnectionStatesSchema.optional(),
  /** Values of the service itself that could not be read (its real servers carry their own). */
  issues: issuesField,
});
export type VirtualService = z.infer<typeof virtualServiceSchema>;

/** VRRP states as keepalived reports them. */
export const vrrpStates = ["INIT", "BACKUP", "MASTER", "FAULT", "STOP", "DELETED", "UNKNOWN"] as const;
export const vrrpStateSchema = z.enum(vrrpStates);
export type VrrpState = z.infer<typeof vrrpStateSchema>;

/** One keepalived vrrp_instance. */
export const vrrpInstanceSchema = z.object({
  name: z.string().min(1).max(128),
  vrid: z.number().int().min(1).max(255),
  interface: z.string(),
  state: vrrpStateSchema,
  basePriority: z.number().int().min(0).max(255),
  effectivePriority: z.number().int().min(0).max(255),
  advertIntervalMs: z.number().int().positive(),
  preempt: z.boolean(),
  vips: z.array(z.string()),
  lastTransitionAt: z.number().nullable(),
  masterRouter: z.string().nullable(),
  syncGroup: z.string().nullable(),
  ...vrrpEvidenceShape,
  /** Values that could not be read: the instance is kept and those values are not to be trusted. */
  issues: issuesField,
});
export type VrrpInstance = z.infer<typeof vrrpInstanceSchema>;

export const syncGroupSchema = z.object({
  name: z.string(),
  state: vrrpStateSchema,
  instances: z.array(z.string()),
});
export type SyncGroup = z.infer<typeof syncGroupSchema>;

/** IPVS timeouts from `ipvsadm -L --timeout` (seconds). */
export const ipvsTimeoutsSchema = z.object({ tcp: count, tcpFin: count, udp: count });
export type IpvsTimeouts = z.infer<typeof ipvsTimeoutsSchema>;

/** keepalived's checker child: alive, and still answering the agent's dump requests. */
export const checkerProcessSchema = z.object({
  pid: z.number().int().nullable(),
  running: z.boolean(),
  /** When the checker last wrote the dump the agent asked for (ms since the epoch); null when never. */
  lastDumpAt: z.number().nullable(),
  /** Running but it answered none of the agent's last dump requests (frozen or stuck): its verdicts are stale. */
  silent: z.boolean(),
});
export type CheckerProcess = z.infer<typeof checkerProcessSchema>;

/** Whether keepalived runs on the director, as the agent last saw it. */
export const keepalivedStatusSchema = z.object({
  running: z.boolean(),
  pid: z.number().int().nullable(),
  since: z.number().nullable(),
  /** Its checker child; absent when keepalived runs no checker (no virtual servers) or the agent reads no checker dump. */
  checker: checkerProcessSchema.optional(),
});
export type KeepalivedStatus = z.infer<typeof keepalivedStatusSchema>;

/** Everything one director reports at one moment. Times are ms since the epoch. */
export const directorSnapshotSchema = z.object({
  director: directorIdSchema,
  takenAt: z.number(),
  keepalived: keepalivedStatusSchema,
  vrrp: z.array(vrrpInstanceSchema),
  syncGroups: z.array(syncGroupSchema),
  vipsPresent: z.array(z.string()),
  services: z.array(virtualServiceSchema),
  timeouts: ipvsTimeoutsSchema.nullable(),
  /** Connection sync daemons and synced entries; absent from agents that do not read them. */
  connectionSync: connectionSyncSchema.optional(),
});
export type DirectorSnapshot = z.infer<typeof directorSnapshotSchema>;

/** Zero counters, for services and servers that have seen no traffic. */
export const zeroCounters: Counters = { conns: 0, inPkts: 0, outPkts: 0, inBytes: 0, outBytes: 0 };
/** Zero rates. */
export const zeroRates: Rates = { cps: 0, inPps: 0, outPps: 0, inBps: 0, outBps: 0 };
