import { randomUUID } from "node:crypto";
import type { AgentCommand, AgentHello, CommandResult, DirectorId, DirectorSnapshot, HubToAgent } from "@lvsdeck/protocol";
import { PROTOCOL_VERSION, diffSnapshots } from "@lvsdeck/protocol";
import type { DirectorSource } from "./sources/source";
import { createEventBuffer } from "./eventBuffer";
import { createCommandLedger } from "./commandLedger";
import { createHubLink } from "./hubLink";
import type { Logger } from "@lvsdeck/log";
import { AGENT_VERSION } from "./version";
import { coalesced } from "./coalesced";
import { EVENT_BUFFER_CAPACITY, FULL_SNAPSHOT_EVERY } from "./limits";

/** Options for {@link createAgent}. */
export interface AgentOptions {
  /** The hub, or several hubs (a cluster): the agent moves to the next when one fails. */
  hubUrls: readonly string[];
  /** Certificates to trust for an https:// hub, instead of the system's. */
  hubCa?: Buffer;
  token: string;
  director: DirectorId;
  source: DirectorSource;
  tickMs: number;
  log: Logger;
  /** Called when the hub refuses this agent's protocol version. */
  onFatal?: (reason: string) => void;
}

/** A running agent. */
export interface Agent {
  close(): Promise<void>;
}

/** Streams one director's state and events to the hub and applies the hub's commands. */
export function createAgent(options: AgentOptions): Agent {
  const { source, log } = options;
  const buffer = createEventBuffer(EVENT_BUFFER_CAPACITY);
  const ledger = createCommandLedger();
  let lastSent: DirectorSnapshot | null = null;
  let ticksSinceFull = 0;
  let welcomed = false;
  let closed = false;
  // The command being applied, so the weight events it causes carry its id into the audit trail.
  let applyingCommandId: string | null = null;

  // This process's run: the events it numbers are told from another process's for the same director.
  const epoch = randomUUID();
  const hello = (): AgentHello => ({
    type: "hello",
    protocolVersion: PROTOCOL_VERSION,
    director: options.director,
    agentVersion: AGENT_VERSION,
    sources: [...source.kinds],
    capabilities: [...source.capabilities],
    weightMode: source.weightMode,
    tickMs: options.tickMs,
    epoch,
  });

  // A tick asked for while one is reading runs again right after it: an event that lands mid-read
  // (a FIFO STOP line, say) reaches the hub now, not one tick interval later.
  const tick = coalesced(async () => {
    if (closed) return;
    try {
      const snapshot = await source.read();
      if (!welcomed) return;
      if (lastSent === null || ++ticksSinceFull >= FULL_SNAPSHOT_EVERY) {
        if (link.send({ type: "snapshot", snapshot }, "counters")) {
          lastSent = snapshot;
          ticksSinceFull = 0;
        }
      } else if (link.send(diffSnapshots(lastSent, snapshot), "counters")) {
        lastSent = snapshot;
      }
    } catch (err) {
      log.error("reading the director failed", { error: (err as Error).message });
    }
  });

  const runCommand = async (id: string, command: AgentCommand): Promise<CommandResult> => {
    const base = { type: "command-result" as const, commandId: id };
    try {
      if (command.kind === "set-weight") {
        applyingCommandId = id;
        const observed = await source.setWeight(command.service, command.realServer, command.weight).finally(() => {
          applyingCommandId = null;
        });
        const ok = observed === command.weight;
        const error = ok ? null : `asked for weight ${command.weight}, the director now has ${observed}`;
        return { ...base, ok, observedWeight: observed, error, detail: null };
      }
      if (command.kind === "query-connections") {
        if (!source.queryConnections) return { ...base, ok: false, observedWeight: null, error: "this director's source cannot list connections", detail: null };
        const connections = await source.queryConnections(command.query);
        return { ...base, ok: true, observedWeight: null, error: null, detail: null, connections };
      }
      if (command.kind === "failover-hold") {
        if (!source.holdFailover) return { ...base, ok: false, observedWeight: null, error: "this agent has no failover file (start it with --failover-file)", detail: null };
        const detail = await source.holdFailover(command.hold);
        return { ...base, ok: true, observedWeight: null, error: null, detail };
      }
      if (!source.injectFault) return { ...base, ok: false, observedWeight: null, error: "this director is not simulated", detail: null };
      const detail = await source.injectFault(command);
      return { ...base, ok: true, observedWeight: null, error: null, detail };
    } catch (err) {
      return { ...base, ok: false, observedWeight: null, error: (err as Error).message, detail: null };
    }
  };

  const onFrame = (frame: HubToAgent) => {
    switch (frame.type) {
      case "welcome":
        welcomed = true;
        lastSent = null;
        for (const event of buffer.welcome(frame.lastSeq, frame.runLastSeq)) link.send(event);
        void tick();
        return;
      case "ack":
        buffer.ack(frame.seq);
        return;
      case "command":
        void ledger.run(frame.id, () => runCommand(frame.id, frame.command)).then((result) => {
          link.send(result);
          void tick();
        });
        return;
      case "incompatible":
      case "error":
        return;
    }
  };

  const link = createHubLink({
    hubUrls: options.hubUrls,
    token: options.token,
    ...(options.hubCa !== undefined && { ca: options.hubCa }),
    hello,
    onFrame,
    onIncompatible: (reason) => {
      log.error("hub refused this agent's protocol version", { reason });
      options.onFatal?.(reason);
    },
    log,
  });

  source.onEvent((raw) => {
    const event = raw.kind === "weight" && raw.commandId === null && applyingCommandId !== null ? { ...raw, commandId: applyingCommandId } : raw;
    const frame = buffer.push(event, Date.now());
    if (buffer.dropped() > 0 && buffer.size() === EVENT_BUFFER_CAPACITY) log.warn("event buffer full; dropping oldest", { dropped: buffer.dropped() });
    if (frame && welcomed) link.send(frame);
    // A transition should reach browsers now, not at the next tick.
    void tick();
  });

  // A keepalived dump read in the background (tracks, master router) goes out when it lands.
  source.onChange?.(() => void tick());

  const timer = setInterval(() => void tick(), options.tickMs);
  return {
    async close() {
      closed = true;
      clearInterval(timer);
      link.close();
      await source.close();
    },
  };
}
