import { randomUUID } from "node:crypto";
import type {
  AgentCommand,
  Capability,
  ConnectionQuery,
  ConnectionsResponse,
  CommandResult,
  DirectorId,
  HubCommand,
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
  settle: (result: CommandOutcome) => void;
}

/** How one command ended: the agent's result, no answer in time, or the director left before answering. */
export type CommandOutcome = CommandResult | "timeout" | "gone";

/** Sends commands to agents and matches their results, each with a deadline. */
export interface CommandRouter {
  /** Sends one command to a director and waits for its outcome (never rejects). */
  dispatch(director: DirectorId, command: AgentCommand): Promise<CommandOutcome>;
  /** How long a command waits for its answer (ms). */
  readonly timeoutMs: number;
  simFault(director: DirectorId, command: Extract<AgentCommand, { kind: "sim-fault" }>): Promise<string>;
  /** Has the director's agent write its failover file (planned failover); returns what it did. */
  holdFailover(director: DirectorId, hold: boolean): Promise<string>;
  queryConnections(director: DirectorId, query: ConnectionQuery): Promise<ConnectionsResponse>;
  resolve(director: DirectorId, result: CommandResult): void;
  directorGone(director: DirectorId): void;
}

interface Deps {
  fleet: Fleet;
  /** Sends to the director's agent when this hub holds its socket; false when it does not. */
  send: (director: DirectorId, command: HubCommand) => boolean;
  /** Clustered hubs: carries a command to the hub that holds the director's socket, with the same deadline. */
  forward?: (director: DirectorId, command: HubCommand, timeoutMs: number) => Promise<CommandOutcome>;
  timeoutMs?: number;
}

/** Creates the router. */
export function createCommandRouter(deps: Deps): CommandRouter {
  const pending = new Map<string, Pending>();
  const timeoutMs = deps.timeoutMs ?? COMMAND_TIMEOUT_MS;

  const dispatch = (director: DirectorId, command: AgentCommand): Promise<CommandOutcome> => {
    const id = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle("timeout"), timeoutMs);
      const settle = (result: CommandOutcome) => {
        clearTimeout(timer);
        pending.delete(id);
        resolve(result);
      };
      pending.set(id, { director, settle });
      const message: HubCommand = { type: "command", id, command };
      if (deps.send(director, message)) return;
      if (deps.forward === undefined) return settle("gone");
      // The other hub answers with its agent's result (or "timeout"/"gone"), under its own command id.
      void deps.forward(director, message, timeoutMs).then((outcome) => settle(typeof outcome === "string" ? outcome : { ...outcome, commandId: id }));
    });
  };

  /** Sends a command that needs `capability` and answers with a detail line; every failure is a CommandError. */
  const detailed = async (director: DirectorId, capability: Capability, missing: string, command: AgentCommand, refused: string): Promise<string> => {
    const view = deps.fleet.get(director);
    if (!view?.connected) throw new CommandError(404, `director ${director} is not connected`);
    if (!view.agent?.capabilities.includes(capability)) throw new CommandError(409, missing);
    const outcome = await dispatch(director, command);
    if (outcome === "timeout") throw new CommandError(504, `no answer from ${director} within ${timeoutMs} ms`);
    if (outcome === "gone") throw new CommandError(502, `${director} disconnected before answering`);
    if (!outcome.ok) throw new CommandError(422, outcome.error ?? refused);
    return outcome.detail ?? "done";
  };

  return {
    dispatch,
    timeoutMs,
    simFault: (director, command) => detailed(director, "sim-faults", `director ${director} is not simulated`, command, "fault refused"),
    holdFailover: (director, hold) =>
      detailed(director, "planned-failover", `the agent of ${director} has no failover file (start it with --failover-file)`, { kind: "failover-hold", hold }, "the failover file was not written"),
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
  };
}
