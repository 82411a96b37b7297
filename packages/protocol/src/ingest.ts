import { z } from "zod";
import { agentDeltaSchema, agentSnapshotSchema, agentToHubSchema, type AgentDelta, type AgentToHub } from "./agentMessages";
import {
  MAX_ISSUE_RAW,
  MAX_OBJECT_ISSUES,
  objectIssueSchema,
  realServerSchema,
  virtualServiceSchema,
  vrrpInstanceSchema,
  zeroCounters,
  zeroRates,
  type DirectorSnapshot,
  type ObjectIssue,
  type RealServer,
  type VirtualService,
  type VrrpInstance,
} from "./model";
import { describeIssues, type ParseOutcome } from "./parse";
import { isRecord, wellFormedService } from "./wellFormed";

/**
 * Tolerant reading of agent snapshots and deltas: one value that cannot be read degrades the one
 * service, real server or VRRP instance holding it (kept, with `issues`), never the whole frame.
 */

/** What a tolerant read found besides the frame: objects kept with issues, and objects left out. */
export interface IngestReport {
  /** Objects kept with unreadable values flagged, e.g. `service TCP 10.0.0.1:80: weight: …`. */
  flagged: string[];
  /** Objects left out because not even their key could be read. */
  dropped: string[];
}

type Fallbacks = Record<string, unknown>;

/** Fills an unreadable value of a real server; `issues` tells which values these are. */
const realServerFallbacks: Fallbacks = {
  address: "",
  port: 0,
  forwarding: "Route",
  weight: 0,
  upperThreshold: 0,
  lowerThreshold: 0,
  activeConns: 0,
  inactiveConns: 0,
  persistConns: 0,
  stats: zeroCounters,
  rates: zeroRates,
  health: "unknown",
  weightSource: "config",
  weightMode: "runtime",
};

const serviceFallbacks: Fallbacks = {
  family: "inet",
  protocol: null,
  address: null,
  port: null,
  fwmark: null,
  scheduler: "unknown",
  schedulerFlags: [],
  persistence: null,
  onePacket: false,
  pe: null,
  stats: zeroCounters,
  rates: zeroRates,
};

const vrrpFallbacks: Fallbacks = {
  interface: "",
  state: "UNKNOWN",
  basePriority: 0,
  effectivePriority: 0,
  advertIntervalMs: 1000,
  preempt: false,
  vips: [],
  lastTransitionAt: null,
  masterRouter: null,
  syncGroup: null,
};

/** The raw text of a value, bounded, as an operator would want to see it. */
export function rawText(value: unknown): string {
  const text = value === undefined ? "(missing)" : typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  return text.length > MAX_ISSUE_RAW ? `${text.slice(0, MAX_ISSUE_RAW - 1)}…` : text;
}

// Within one value the path is usually empty; when the value is an object it names the part that failed.
function messageOf(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}

function issueOf(field: string, raw: unknown, error: z.ZodError): ObjectIssue {
  return { field: field.slice(0, 64), raw: rawText(raw), message: messageOf(error).slice(0, 300) };
}

/** Issues the agent itself already flagged, kept when readable. */
function carriedIssues(raw: unknown): ObjectIssue[] {
  const parsed = z.array(objectIssueSchema).safeParse(raw);
  return parsed.success ? parsed.data : [];
}

/**
 * Reads each field of an object on its own: a readable one is kept, an unreadable one takes its
 * fallback (or is left out when optional) and is named in the issues. `skip` fields are the caller's.
 */
function readFields(shape: Record<string, z.ZodType>, raw: Record<string, unknown>, fallbacks: Fallbacks, skip: readonly string[]) {
  const value: Record<string, unknown> = {};
  const issues: ObjectIssue[] = carriedIssues(raw.issues);
  for (const [field, schema] of Object.entries(shape)) {
    if (field === "issues" || skip.includes(field)) continue;
    const parsed = schema.safeParse(raw[field]);
    if (parsed.success) {
      if (parsed.data !== undefined) value[field] = parsed.data;
      continue;
    }
    issues.push(issueOf(field, raw[field], parsed.error));
    if (field in fallbacks) value[field] = fallbacks[field];
  }
  return { value, issues };
}

function withIssues<T extends object>(value: T, issues: ObjectIssue[]): T {
  return issues.length === 0 ? value : { ...value, issues: issues.slice(0, MAX_OBJECT_ISSUES) };
}

function keyOf(raw: unknown, keySchema: z.ZodType): string | null {
  if (!isRecord(raw)) return null;
  const parsed = keySchema.safeParse(raw.key);
  return parsed.success ? String(parsed.data) : null;
}

function readRealServer(raw: unknown, service: string, report: IngestReport): RealServer | ObjectIssue {
  const direct = realServerSchema.safeParse(raw);
  if (direct.success) return direct.data;
  const key = keyOf(raw, realServerSchema.shape.key);
  if (key === null || !isRecord(raw)) {
    report.dropped.push(`service ${service}: a real server without a readable key (${rawText(raw)})`);
    return issueOf("realServers", raw, direct.error);
  }
  const { value, issues } = readFields(realServerSchema.shape, raw, realServerFallbacks, ["key"]);
  report.flagged.push(`service ${service} real server ${key}: ${issues.map((i) => i.field).join(", ")}`);
  // Part of the row is unreadable, so its health is not asserted either way.
  return withIssues({ ...(value as Omit<RealServer, "key">), key, health: "unknown" } as RealServer, issues);
}

/** Reads one virtual service; null when not even its key can be read. */
export function readVirtualService(raw: unknown, report: IngestReport): VirtualService | null {
  // The common case without zod's per-value checks; anything it does not vouch for is read below.
  const wellFormed = wellFormedService(raw);
  if (wellFormed !== null) return wellFormed;
  const direct = virtualServiceSchema.safeParse(raw);
  if (direct.success) return direct.data;
  const key = keyOf(raw, virtualServiceSchema.shape.key);
  if (key === null || !isRecord(raw)) {
    report.dropped.push(`a service without a readable key (${rawText(raw)})`);
    return null;
  }
  const { value, issues } = readFields(virtualServiceSchema.shape, raw, serviceFallbacks, ["key", "realServers"]);
  const realServers: RealServer[] = [];
  if (Array.isArray(raw.realServers)) {
    for (const rs of raw.realServers) {
      const read = readRealServer(rs, key, report);
      if ("key" in read) realServers.push(read);
      else issues.push(read);
    }
  } else {
    issues.push({ field: "realServers", raw: rawText(raw.realServers), message: "not a list of real servers" });
  }
  if (issues.length > 0) report.flagged.push(`service ${key}: ${issues.map((i) => i.field).join(", ")}`);
  return withIssues({ ...(value as Omit<VirtualService, "key" | "realServers">), key, realServers } as VirtualService, issues);
}

/** Reads one VRRP instance; null when its name or VRID cannot be read (the instance cannot be placed). */
export function readVrrpInstance(raw: unknown, report: IngestReport): VrrpInstance | null {
  const direct = vrrpInstanceSchema.safeParse(raw);
  if (direct.success) return direct.data;
  const name = isRecord(raw) ? vrrpInstanceSchema.shape.name.safeParse(raw.name) : null;
  const vrid = isRecord(raw) ? vrrpInstanceSchema.shape.vrid.safeParse(raw.vrid) : null;
  if (!isRecord(raw) || name?.success !== true || vrid?.success !== true) {
    report.dropped.push(`a VRRP instance without a readable name and VRID (${rawText(raw)})`);
    return null;
  }
  const { value, issues } = readFields(vrrpInstanceSchema.shape, raw, vrrpFallbacks, ["name", "vrid"]);
  report.flagged.push(`VRRP instance ${name.data}: ${issues.map((i) => i.field).join(", ")}`);
  return withIssues({ ...(value as Omit<VrrpInstance, "name" | "vrid">), name: name.data, vrid: vrid.data } as VrrpInstance, issues);
}

/** Most services or VRRP instances one frame may carry; past that the frame is refused. */
export const MAX_FRAME_OBJECTS = 10_000;
const objects = z.array(z.unknown()).max(MAX_FRAME_OBJECTS);

// The frames with their services and VRRP instances left unread, to be read one by one.
const looseSnapshotSchema = agentSnapshotSchema.extend({
  snapshot: agentSnapshotSchema.shape.snapshot.extend({ services: objects, vrrp: objects }),
});
const looseDeltaSchema = agentDeltaSchema.extend({ upsertServices: objects, vrrp: objects.optional() });

function readAll<T>(raws: readonly unknown[], read: (raw: unknown, report: IngestReport) => T | null, report: IngestReport): T[] {
  return raws.map((raw) => read(raw, report)).filter((x): x is T => x !== null);
}

/** Parses an agent's frame; in snapshots and deltas an unreadable value degrades only the object holding it. */
export function parseAgentFrame(text: string): ParseOutcome<AgentToHub> & { report: IngestReport } {
  const report: IngestReport = { flagged: [], dropped: [] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `not JSON: ${(err as Error).message}`, report };
  }
  const type = isRecord(json) ? json.type : undefined;
  if (type === "snapshot") {
    const loose = looseSnapshotSchema.safeParse(json);
    if (!loose.success) return { ok: false, error: describeIssues(loose.error), report };
    const snapshot: DirectorSnapshot = {
      ...loose.data.snapshot,
      services: readAll(loose.data.snapshot.services, readVirtualService, report),
      vrrp: readAll(loose.data.snapshot.vrrp, readVrrpInstance, report),
    };
    return { ok: true, value: { type: "snapshot", snapshot }, report };
  }
  if (type === "delta") {
    const loose = looseDeltaSchema.safeParse(json);
    if (!loose.success) return { ok: false, error: describeIssues(loose.error), report };
    const { vrrp, upsertServices, ...rest } = loose.data;
    const delta: AgentDelta = { ...rest, upsertServices: readAll(upsertServices, readVirtualService, report) };
    if (vrrp !== undefined) delta.vrrp = readAll(vrrp, readVrrpInstance, report);
    return { ok: true, value: delta, report };
  }
  const parsed = agentToHubSchema.safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data, report } : { ok: false, error: describeIssues(parsed.error), report };
}
