import { z } from "zod";
import { directorIdSchema, realServerKeySchema, serviceKeySchema } from "./ids";
import {
  directorSnapshotSchema,
  ipvsTimeoutsSchema,
  keepalivedStatusSchema,
  syncGroupSchema,
  virtualServiceSchema,
  vrrpInstanceSchema,
  weightModeSchema,
  weightSchema,
} from "./model";
import { agentEventSchema } from "./events";
import { connectionSyncSchema } from "./connectionSync";
import { failoverHoldCommandSchema } from "./plannedFailover";
import { connectionPageSchema, connectionQuerySchema, topClientsSchema } from "./connections";

/** Largest frame either side accepts on /ws/agent (a 200-server director is ~150 KB). */
export const MAX_AGENT_FRAME_BYTES = 4 * 1024 * 1024;

/** What an agent can do, announced in its hello. */
export const capabilitySchema = z.enum(["set-weight", "sim-faults", "connections-query", "planned-failover"]);
export type Capability = z.infer<typeof capabilitySchema>;

/** First frame of every agent connection. */
export const agentHelloSchema = z.object({
  type: z.literal("hello"),
  protocolVersion: z.number().int(),
  director: directorIdSchema,
  agentVersion: z.string().max(64),
  sources: z.array(z.string().max(32)).max(8),
  capabilities: z.array(capabilitySchema),
  weightMode: weightModeSchema,
  tickMs: z.number().int().positive(),
  /**
   * This agent process's run: a fresh random id at each start. The hub keys events on (director, epoch,
   * seq), so two processes for one director (an upgrade's overlap) never pass for each other's resends.
   */
  epoch: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
});
export type AgentHello = z.infer<typeof agentHelloSchema>;

/** The director's full state; sent on connect and then periodically. */
export const agentSnapshotSchema = z.object({ type: z.literal("snapshot"), snapshot: directorSnapshotSchema });

/** What changed since the previous frame: whole services replaced or removed, whole VRRP state replaced. */
export const agentDeltaSchema = z.object({
  type: z.literal("delta"),
  takenAt: z.number(),
  upsertServices: z.array(virtualServiceSchema),
  removeServices: z.array(serviceKeySchema),
  vrrp: z.array(vrrpInstanceSchema).optional(),
  syncGroups: z.array(syncGroupSchema).optional(),
  vipsPresent: z.array(z.string()).optional(),
  keepalived: keepalivedStatusSchema.optional(),
  timeouts: ipvsTimeoutsSchema.nullable().optional(),
  connectionSync: connectionSyncSchema.optional(),
});
export type AgentDelta = z.infer<typeof agentDeltaSchema>;

/** One numbered event; numbering is per agent and never reused. */
export const agentEventFrameSchema = z.object({
  type: z.literal("event"),
  seq: z.number().int().nonnegative(),
  observedAt: z.number(),
  event: agentEventSchema,
});
export type AgentEventFrame = z.infer<typeof agentEventFrameSchema>;

/** The outcome of one command, with the weight the agent observes after applying it. */
export const commandResultSchema = z.object({
  type: z.literal("command-result"),
  commandId: z.string().max(64),
  ok: z.boolean(),
  observedWeight: weightSchema.nullable(),
  error: z.string().nullable(),
  /** What the agent did, in words (e.g. a fault's effect). */
  detail: z.string().max(1000).nullable().default(null),
  /** The answer to a query-connections command. */
  connections: connectionPageSchema.extend({ topClients: topClientsSchema }).optional(),
});
export type CommandResult = z.infer<typeof commandResultSchema>;

/** Every frame an agent may send. */
export const agentToHubSchema = z.discriminatedUnion("type", [
  agentHelloSchema,
  agentSnapshotSchema,
  agentDeltaSchema,
  agentEventFrameSchema,
  commandResultSchema,
]);
export type AgentToHub = z.infer<typeof agentToHubSchema>;

/** Faults a simulated director understands. */
export const simFaultSchema = z.enum([
  "stop-director",
  "start-director",
  "fail-real-server",
  "restore-real-server",
  "silence-real-server",
  "syn-flood",
  "end-syn-flood",
  "time-wait-pileup",
  "cut-link",
  "restore-link",
  "stop-sync",
  "start-sync",
]);
export type SimFault = z.infer<typeof simFaultSchema>;

/**
 * Faults confined to one real server of one service. The others (a whole director, the VRRP link)
 * touch every VIP the director carries, so only principals without a VIP limit may inject them.
 */
export const REAL_SERVER_FAULTS: ReadonlySet<SimFault> = new Set(["fail-real-server", "restore-real-server", "silence-real-server", "time-wait-pileup"]);

export const setWeightCommandSchema = z.object({
  kind: z.literal("set-weight"),
  service: serviceKeySchema,
  realServer: realServerKeySchema,
  weight: weightSchema,
});
export type SetWeightCommand = z.infer<typeof setWeightCommandSchema>;

export const simFaultCommandSchema = z.object({
  kind: z.literal("sim-fault"),
  fault: simFaultSchema,
  service: serviceKeySchema.optional(),
  realServer: realServerKeySchema.optional(),
});
export type SimFaultCommand = z.infer<typeof simFaultCommandSchema>;

/** Asks the agent for one page of its connection table. */
export const queryConnectionsCommandSchema = z.object({ kind: z.literal("query-connections"), query: connectionQuerySchema });

export const agentCommandSchema = z.discriminatedUnion("kind", [setWeightCommandSchema, simFaultCommandSchema, queryConnectionsCommandSchema, failoverHoldCommandSchema]);
export type AgentCommand = z.infer<typeof agentCommandSchema>;

/** The hub accepted the hello; `lastSeq` is the highest event seq it has stored for this director. */
export const hubWelcomeSchema = z.object({
  type: z.literal("welcome"),
  protocolVersion: z.number().int(),
  lastSeq: z.number().int().min(-1),
  /**
   * The highest seq stored from this agent run (its hello's epoch), -1 when none: what the run need not
   * send again. `lastSeq` above is the director's, whatever the run: where a new run starts numbering.
   */
  runLastSeq: z.number().int().min(-1).optional(),
});
/** The hub cannot talk to this agent's protocol version; the socket closes after it. */
export const hubIncompatibleSchema = z.object({
  type: z.literal("incompatible"),
  protocolVersion: z.number().int(),
  reason: z.string(),
});
/** Events up to and including `seq` are stored. */
export const hubAckSchema = z.object({ type: z.literal("ack"), seq: z.number().int() });
export const hubCommandSchema = z.object({ type: z.literal("command"), id: z.string().max(64), command: agentCommandSchema });
export type HubCommand = z.infer<typeof hubCommandSchema>;
/** A frame the hub could not accept, with the reason. */
export const hubErrorSchema = z.object({ type: z.literal("error"), message: z.string() });

/** Every frame the hub sends to an agent. */
export const hubToAgentSchema = z.discriminatedUnion("type", [
  hubWelcomeSchema,
  hubIncompatibleSchema,
  hubAckSchema,
  hubCommandSchema,
  hubErrorSchema,
]);
export type HubToAgent = z.infer<typeof hubToAgentSchema>;
