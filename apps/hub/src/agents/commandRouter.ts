import { randomUUID } from "node:crypto";
import type {
  AgentCommand,
  ConnectionQuery,
  ConnectionsResponse,
  CommandResult,
  DirectorId,
  HubCommand,
  WeightChange,
  WeightChangeRequest,
  WeightChangeResult,
} from "@lvsdeck/protocol";
import type { Fleet } from "../fleet";
import { COMMAND_TIMEOUT_MS } from "../limits";

/** A request the hub cannot carry out, with the HTTP status that says why. */
export class CommandError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Pending {
  director: DirectorId;
  settle: (result: CommandResult | "timeout" | "gone") => void;
}

/** Sends commands to agents and matches their results, each with a deadline. */
export interface CommandRouter {
  setWeight(request: WeightChangeRequest): Promise<WeightChange>;
  simFault(director: DirectorId, command: Extract<AgentCommand, { kind: "sim-fault" }>): Promise<string>;
  queryConnections(director: DirectorId, query: ConnectionQuery): Promise<ConnectionsResponse>;
  resolve(director: DirectorId, result: CommandResult): void;
  directorGone(director: DirectorId): void;
  get(id: string): WeightChange | undefined;
}

interface Deps {
  fleet: Fleet;
  send: (director: DirectorId, command: HubCommand) => boolean;
  onWeightChange: (change: WeightChange) => void;
  now: () => number;
  timeoutMs?: number;
}

/** Most weight changes kept for GET /api/weights/:id. */
const RECENT_CHANGES = 500;

function overallState(results: WeightChangeResult[]): WeightChange["state"] {
  if (results.some((r) => r.state === "pending")) return "pending";
  const ok = results.filter((r) => r.state === "ok").length;
  if (ok === results.length) return "applied";
  return ok === 0 ? "failed" : "partial";
}

/** Creates the router. */
export function createCommandRouter(deps: Deps): CommandRouter {
  const pending = new Map<string, Pending>();
  const recent = new Map<string, WeightChange>();
  const timeoutMs = deps.timeoutMs ?? COMMAND_TIMEOUT_MS;

  const dispatch = (director: DirectorId, command: AgentCommand): Promise<CommandResult | "timeout" | "gone"> => {
    const id = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle("timeout"), timeoutMs);
      const settle = (result: CommandResult | "timeout" | "gone") => {
        clearTimeout(timer);
        pending.delete(id);
        resolve(result);
      };
      pending.set(id, { director, settle });
      if (!deps.send(director, { type: "command", id, command })) settle("gone");
    });
  };

  const remember = (change: WeightChange) => {
    recent.set(change.id, change);
    if (recent.size > RECENT_CHANGES) recent.delete(recent.keys().next().value as string);
    deps.onWeightChange(change);
  };

  return {
    async setWeight(request) {
      const carrying = deps.fleet.list().filter((view) =>
        view.snapshot?.services.some((s) => s.key === request.service && s.realServers.some((r) => r.key === request.realServer)),
      );
      const targets = request.director === undefined ? carrying.filter((v) => v.connected) : carrying.filter((v) => v.id === request.director);
      if (targets.length === 0) {
        const where = request.director === undefined ? "no connected director" : `director ${request.director}`;
        throw new CommandError(404, `${where} carries real server ${request.realServer} in service ${request.service}`);
      }
      if (targets.some((t) => !t.connected)) throw new CommandError(409, `director ${request.director} is not connected`);
      let change: WeightChange = {
        id: randomUUID(),
        service: request.service,
        realServer: request.realServer,
        weight: request.weight,
        requestedAt: deps.now(),
        state: "pending",
        results: targets.map((t) => ({ director: t.id, state: "pending", observedWeight: null, error: null })),
      };
      remember(change);
      const command: AgentCommand = { kind: "set-weight", service: request.service, realServer: request.realServer, weight: request.weight };
      await Promise.all(
        targets.map(async (target) => {
          const outcome = await dispatch(target.id, command);
          const result: WeightChangeResult =
            outcome === "timeout"
              ? { director: target.id, state: "timeout", observedWeight: null, error: `no answer from ${target.id} within ${timeoutMs} ms` }
              : outcome === "gone"
                ? { director: target.id, state: "failed", observedWeight: null, error: `${target.id} disconnected before answering` }
                : { director: target.id, state: outcome.ok ? "ok" : "failed", observedWeight: outcome.observedWeight, error: outcome.error };
          const results = change.results.map((r) => (r.director === target.id ? result : r));
          change = { ...change, results, state: overallState(results) };
          remember(change);
        }),
      );
      return change;
    },
    async simFault(director, command) {
      const view = deps.fleet.get(director);
      if (!view?.connected) throw new CommandError(404, `director ${director} is not connected`);
      if (!view.agent?.capabilities.includes("sim-faults")) throw new CommandError(409, `director ${director} is not simulated`);
      const outcome = await dispatch(director, command);
      if (outcome === "timeout") throw new CommandError(504, `no answer from ${director} within ${timeoutMs} ms`);
      if (outcome === "gone") throw new CommandError(502, `${director} disconnected before answering`);
      if (!outcome.ok) throw new CommandError(422, outcome.error ?? "fault refused");
      return outcome.detail ?? "done";
    },
    async queryConnections(director, query) {
      const view = deps.fleet.get(director);
      if (!view?.connected) throw new CommandError(404, `director ${director} is not connected`);
      if (!view.agent?.capabilities.includes("connections-query")) throw new CommandError(409, `the agent of ${director} cannot list connections`);
      const outcome = await dispatch(director, { kind: "query-connections", query });
      if (outcome === "timeout") throw new CommandError(504, `no answer from ${director} within ${timeoutMs} ms`);
      if (outcome === "gone") throw new CommandError(502, `${director} disconnected before answering`);
      if (!outcome.ok || !outcome.connections) throw new CommandError(502, outcome.error ?? `${director} sent no connections`);
      return { director, ...outcome.connections };
    },
    resolve(director, result) {
      const entry = pending.get(result.commandId);
      if (entry && entry.director === director) entry.settle(result);
    },
    directorGone(director) {
      for (const entry of pending.values()) if (entry.director === director) entry.settle("gone");
    },
    get: (id) => recent.get(id),
  };
}
