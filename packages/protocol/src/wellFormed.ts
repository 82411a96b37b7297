import { MAX_REAL_SERVER_KEY, MAX_SERVICE_KEY, REAL_SERVER_KEY_PATTERN, SERVICE_KEY_PATTERN } from "./ids";
import {
  MAX_WEIGHT,
  SCHEDULER_PATTERN,
  familySchema,
  forwardingSchema,
  healthSchema,
  ipProtocolSchema,
  isConnectionStates,
  realServerSchema,
  virtualServiceSchema,
  weightModeSchema,
  weightSourceSchema,
  type RealServer,
  type VirtualService,
} from "./model";

/**
 * The agent's common case, read without zod: a virtual service whose every value is well formed. Every
 * snapshot and delta carries its services whole, so at 200 directors the hub read 20,000 real servers
 * a second, and zod's per-value checks were an eighth of its event loop. These functions answer exactly
 * what `virtualServiceSchema.safeParse` would (the same fields, unknown ones left out, in the schema's
 * order) or null, and then the caller reads the object with the schema, which also says what is wrong.
 * So they need not know every rule's wording, only accept nothing the schema refuses: anything unusual
 * (an `issues` list, a value present but undefined) is left to the schema. A field added to a schema
 * and not read here turns them off (every object goes to the schema), so none is ever lost.
 * wellFormed.test.ts holds them to the schemas, value by value.
 */

type Raw = Record<string, unknown>;

/** The fields these functions read, in the schemas' order. */
const REAL_SERVER_FIELDS = [
  "key", "address", "port", "forwarding", "weight", "upperThreshold", "lowerThreshold", "activeConns", "inactiveConns", "persistConns",
  "stats", "rates", "health", "weightSource", "weightMode", "inKernel", "checker", "states", "issues",
] as const;
const SERVICE_FIELDS = [
  "key", "family", "protocol", "address", "port", "fwmark", "scheduler", "schedulerFlags", "persistence", "onePacket", "pe",
  "stats", "rates", "realServers", "checker", "connectionStates", "issues",
] as const;

const sameFields = (mine: readonly string[], schema: object) => mine.join() === Object.keys(schema).join();
/** False when a schema has a field these functions do not read: then they leave every object to the schema. */
export const wellFormedReadsEveryField = sameFields(REAL_SERVER_FIELDS, realServerSchema.shape) && sameFields(SERVICE_FIELDS, virtualServiceSchema.shape);

const FORWARDING: ReadonlySet<unknown> = new Set(forwardingSchema.options);
const HEALTH: ReadonlySet<unknown> = new Set(healthSchema.options);
const WEIGHT_SOURCE: ReadonlySet<unknown> = new Set(weightSourceSchema.options);
const WEIGHT_MODE: ReadonlySet<unknown> = new Set(weightModeSchema.options);
const PROTOCOL: ReadonlySet<unknown> = new Set(ipProtocolSchema.options);
const FAMILY: ReadonlySet<unknown> = new Set(familySchema.options);

/** A JSON object: not null, not an array (the one test for it in ingest.ts and here). */
export const isRecord = (v: unknown): v is Raw => typeof v === "object" && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isRate = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v >= 0;
const isTime = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isPort = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= 65535;
const isKey = (v: unknown, max: number, pattern: RegExp): v is string => typeof v === "string" && v.length <= max && pattern.test(v);
/** An optional field present with the value undefined: the schema keeps the key, so it is left to it. */
const undefinedButPresent = (raw: Raw, field: string) => raw[field] === undefined && field in raw;

function counters(v: unknown) {
  if (!isRecord(v)) return null;
  const { conns, inPkts, outPkts, inBytes, outBytes } = v;
  if (!isCount(conns) || !isCount(inPkts) || !isCount(outPkts) || !isCount(inBytes) || !isCount(outBytes)) return null;
  return { conns, inPkts, outPkts, inBytes, outBytes };
}

function rates(v: unknown) {
  if (!isRecord(v)) return null;
  const { cps, inPps, outPps, inBps, outBps } = v;
  if (!isRate(cps) || !isRate(inPps) || !isRate(outPps) || !isRate(inBps) || !isRate(outBps)) return null;
  return { cps, inPps, outPps, inBps, outBps };
}

function stringList(v: unknown): string[] | null {
  if (!Array.isArray(v)) return null;
  for (const s of v) if (typeof s !== "string") return null;
  return [...v] as string[];
}

function realServerChecker(v: unknown): RealServer["checker"] | null {
  if (!isRecord(v)) return null;
  const types = stringList(v.types);
  const { alive, failedCheckers, lastChangeAt } = v;
  if (types === null || typeof alive !== "boolean" || (failedCheckers !== null && !isCount(failedCheckers)) || (lastChangeAt !== null && !isTime(lastChangeAt))) return null;
  return { types, alive, failedCheckers, lastChangeAt };
}

/** A real server exactly as the schema reads it, or null to leave it to the schema. */
export function wellFormedRealServer(raw: unknown): RealServer | null {
  if (!wellFormedReadsEveryField || !isRecord(raw) || raw.issues !== undefined) return null;
  const { key, address, port, forwarding, weight, upperThreshold, lowerThreshold, activeConns, inactiveConns, persistConns, health, weightSource, weightMode, inKernel, states } = raw;
  if (!isKey(key, MAX_REAL_SERVER_KEY, REAL_SERVER_KEY_PATTERN) || typeof address !== "string" || !isPort(port) || !FORWARDING.has(forwarding)) return null;
  if (!Number.isSafeInteger(weight) || (weight as number) < 0 || (weight as number) > MAX_WEIGHT) return null;
  if (!isCount(upperThreshold) || !isCount(lowerThreshold) || !isCount(activeConns) || !isCount(inactiveConns) || !isCount(persistConns)) return null;
  if (!HEALTH.has(health) || !WEIGHT_SOURCE.has(weightSource) || !WEIGHT_MODE.has(weightMode)) return null;
  const stats = counters(raw.stats);
  const rs = rates(raw.rates);
  if (stats === null || rs === null) return null;
  const out: Raw = {
    key, address, port, forwarding, weight, upperThreshold, lowerThreshold, activeConns, inactiveConns, persistConns,
    stats, rates: rs, health, weightSource, weightMode,
  };
  if (inKernel !== undefined) {
    if (typeof inKernel !== "boolean") return null;
    out.inKernel = inKernel;
  } else if (undefinedButPresent(raw, "inKernel")) return null;
  if (raw.checker !== undefined) {
    const checker = realServerChecker(raw.checker);
    if (checker === null) return null;
    out.checker = checker;
  } else if (undefinedButPresent(raw, "checker")) return null;
  if (states !== undefined) {
    // The schema checks the counts with this same function and keeps the object as it came.
    if (!isConnectionStates(states)) return null;
    out.states = states;
  } else if (undefinedButPresent(raw, "states") || undefinedButPresent(raw, "issues")) return null;
  return out as RealServer;
}

/** A virtual service and all its real servers exactly as the schema reads them, or null to leave it to the schema. */
export function wellFormedService(raw: unknown): VirtualService | null {
  if (!wellFormedReadsEveryField || !isRecord(raw) || raw.issues !== undefined || undefinedButPresent(raw, "issues")) return null;
  const { key, family, protocol, address, port, fwmark, scheduler, onePacket, pe } = raw;
  if (!isKey(key, MAX_SERVICE_KEY, SERVICE_KEY_PATTERN) || !FAMILY.has(family) || (protocol !== null && !PROTOCOL.has(protocol))) return null;
  if ((address !== null && typeof address !== "string") || (port !== null && !isPort(port)) || (fwmark !== null && !isCount(fwmark))) return null;
  if (typeof scheduler !== "string" || !SCHEDULER_PATTERN.test(scheduler) || typeof onePacket !== "boolean" || (pe !== null && typeof pe !== "string")) return null;
  const schedulerFlags = stringList(raw.schedulerFlags);
  if (schedulerFlags === null) return null;
  let persistence: VirtualService["persistence"] = null;
  if (raw.persistence !== null) {
    const p = raw.persistence;
    if (!isRecord(p) || !isCount(p.timeoutSec) || (p.netmask !== null && typeof p.netmask !== "string")) return null;
    persistence = { timeoutSec: p.timeoutSec, netmask: p.netmask };
  }
  const stats = counters(raw.stats);
  const rs = rates(raw.rates);
  if (stats === null || rs === null || !Array.isArray(raw.realServers)) return null;
  const realServers: RealServer[] = [];
  for (const r of raw.realServers as unknown[]) {
    const read = wellFormedRealServer(r);
    if (read === null) return null;
    realServers.push(read);
  }
  const out: Raw = { key, family, protocol, address, port, fwmark, scheduler, schedulerFlags, persistence, onePacket, pe, stats, rates: rs, realServers };
  if (raw.checker !== undefined) {
    const c = raw.checker;
    if (!isRecord(c)) return null;
    const { quorum, quorumUp, sorryServer, sorryServerInUse } = c;
    if ((quorum !== null && !isCount(quorum)) || (quorumUp !== null && typeof quorumUp !== "boolean") || typeof sorryServerInUse !== "boolean") return null;
    if (sorryServer !== null && !isKey(sorryServer, MAX_REAL_SERVER_KEY, REAL_SERVER_KEY_PATTERN)) return null;
    out.checker = { quorum, quorumUp, sorryServer, sorryServerInUse };
  } else if (undefinedButPresent(raw, "checker")) return null;
  if (raw.connectionStates !== undefined) {
    const c = raw.connectionStates;
    if (!isRecord(c) || !isTime(c.countedAt) || !isCount(c.templates)) return null;
    out.connectionStates = { countedAt: c.countedAt, templates: c.templates };
  } else if (undefinedButPresent(raw, "connectionStates")) return null;
  return out as VirtualService;
}
