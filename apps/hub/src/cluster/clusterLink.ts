import type { AgentCommand, AgentHello, DirectorId, HubCommand, HubEvent, WeightChange } from "@lvsdeck/protocol";
import type { Logger } from "@lvsdeck/log";
import type { Fleet } from "../fleet";
import type { CommandOutcome } from "../agents/commandRouter";
import type { ClusterBus } from "./natsBus";

/**
 * How one hub takes part in the cluster's live model over the bus. The hub holding a director's agent
 * socket publishes every change of it; every other hub applies those changes to its own fleet, so each
 * serves its browsers the whole cluster. Commands for a director held elsewhere go to its hub by
 * request/reply; events this hub stored go to the others' browsers.
 */
export interface ClusterLink {
  /**
   * The fleet the agent gateway writes to: the hub's own fleet, and each change to a director whose
   * socket this hub holds is also published (and its commands served for other hubs).
   */
  readonly localFleet: Fleet;
  /** Whether this hub holds the director's agent socket. */
  holds(director: DirectorId): boolean;
  /** Sends a command to the hub holding the director; "gone" when none does. */
  forward(director: DirectorId, command: HubCommand, timeoutMs: number): Promise<CommandOutcome>;
  /**
   * Hands an event this hub stored to the other hubs (their browsers show it). An agent's event goes
   * once however often it is handed over; an `amended` one (keepalived's time or a cause added) goes again.
   */
  publishEvent(event: HubEvent, options?: { amended?: boolean }): void;
  /** Hands a weight change this hub acted on to the other hubs: their pages and `GET /api/weights/:id` follow it. */
  publishWeightChange(change: WeightChange): void;
  close(): void;
}

interface Deps {
  bus: ClusterBus;
  fleet: Fleet;
  /** Runs a command on an agent connected here (for another hub that asked). */
  dispatchLocal: (director: DirectorId, command: AgentCommand) => Promise<CommandOutcome>;
  /**
   * An event another hub stored; `amended` when it came before (the storing hub added keepalived's
   * time or a cause): pages replace their copy, but it is not a new occurrence to count.
   */
  onRemoteEvent: (event: HubEvent, amended: boolean) => void;
  /** A weight change another hub acted on. */
  onRemoteWeightChange: (change: WeightChange) => void;
  log: Logger;
  now: () => number;
}

/** Other hubs' event ids remembered: an amendment follows its event within seconds, far fewer than these. */
const SEEN_EVENTS = 10_000;

/** Links a hub's fleet to the bus; see {@link ClusterLink}. */
export function createClusterLink(deps: Deps): ClusterLink {
  const { bus, fleet, log, now } = deps;
  /** Ids of other hubs' events seen lately, oldest first, so an amended copy is told from a new event. */
  const seenEvents = new Set<number>();
  const firstSight = (id: number): boolean => {
    if (seenEvents.has(id)) return false;
    seenEvents.add(id);
    if (seenEvents.size > SEEN_EVENTS) seenEvents.delete(seenEvents.values().next().value as number);
    return true;
  };
  /** Directors whose socket this hub holds, with the hello they said and how to stop serving their commands. */
  const held = new Map<DirectorId, { hello: AgentHello; stopServing: () => void }>();

  const publishHeld = (director: DirectorId) => {
    const entry = held.get(director);
    const view = fleet.get(director);
    if (entry === undefined || view === undefined) return;
    bus.publishDirector(director, { kind: "connect", hello: entry.hello, at: now() });
    if (view.snapshot) bus.publishDirector(director, { kind: "snapshot", snapshot: view.snapshot, hello: entry.hello, at: now() });
  };

  const localFleet: Fleet = {
    ...fleet,
    connect(hello, at) {
      fleet.connect(hello, at);
      held.get(hello.director)?.stopServing();
      held.set(hello.director, {
        hello,
        stopServing: bus.serveCommands(hello.director, (command) => deps.dispatchLocal(hello.director, command.command)),
      });
      bus.publishDirector(hello.director, { kind: "connect", hello, at });
    },
    disconnect(director, at) {
      fleet.disconnect(director, at);
      held.get(director)?.stopServing();
      held.delete(director);
      bus.publishDirector(director, { kind: "disconnect", at });
    },
    applySnapshot(snapshot, at) {
      fleet.applySnapshot(snapshot, at);
      const hello = held.get(snapshot.director)?.hello;
      if (hello !== undefined) bus.publishDirector(snapshot.director, { kind: "snapshot", snapshot, hello, at });
    },
    noteBadData(director, reason, at) {
      fleet.noteBadData(director, reason, at);
      bus.publishDirector(director, { kind: "bad-data", reason, at });
    },
  };

  const unsubscribers = [
    bus.onDirector((director, message) => {
      // This hub holds the director: its own socket is the truth (the agent may have moved here, and the
      // hub it left may still say goodbye).
      if (held.has(director)) return;
      const at = now();
      switch (message.kind) {
        case "connect":
          fleet.connect(message.hello, at);
          return;
        case "snapshot":
          // A hub that joined (or came back to the bus) after the hello takes the director up from here.
          if (fleet.get(director)?.connected !== true) fleet.connect(message.hello, at);
          fleet.applySnapshot(message.snapshot, at);
          return;
        case "disconnect":
          fleet.disconnect(director, at);
          return;
        case "bad-data":
          fleet.noteBadData(director, message.reason, at);
      }
    }),
    bus.onEvent((event) => deps.onRemoteEvent(event, !firstSight(event.id))),
    bus.onWeightChange((change) => deps.onRemoteWeightChange(change)),
    // Back on the bus: what this hub holds may have been missed by hubs that joined or lost news meanwhile.
    bus.onStatus((up) => {
      if (up) for (const director of held.keys()) publishHeld(director);
    }),
  ];

  return {
    localFleet,
    holds: (director) => held.has(director),
    forward: (director, command, timeoutMs) => bus.request(director, command, timeoutMs),
    publishEvent(event, options) {
      const dedupKey = event.seq === null || options?.amended === true ? undefined : `${event.director}:${event.epoch ?? ""}:${event.seq}`;
      bus.publishEvent(event, dedupKey).catch((err: Error) => {
        // Stored all the same (PostgreSQL is the record): other hubs' pages read it on their next load.
        log.warn("an event did not reach the other hubs over the bus", { director: event.director, id: event.id, error: err.message });
      });
    },
    publishWeightChange: (change) => bus.publishWeightChange(change),
    close() {
      for (const stop of unsubscribers) stop();
      for (const entry of held.values()) entry.stopServing();
      held.clear();
    },
  };
}
