import type { RawData, WebSocket } from "ws";
import type { AgentHello, AgentToHub, DirectorId, HubCommand, HubToAgent } from "@lvsdeck/protocol";
import { PROTOCOL_VERSION, parseAgentFrame } from "@lvsdeck/protocol";
import type { Fleet } from "../fleet";
import type { EventStore } from "../store/eventStore";
import type { Logger } from "@lvsdeck/log";
import type { CommandRouter } from "./commandRouter";
import type { HubEvent } from "@lvsdeck/protocol";
import { COUNTER_SLICE_MS, HELLO_TIMEOUT_MS, MAX_AGENT_FRAMES_PER_SECOND } from "../limits";
import { applyDelta } from "@lvsdeck/protocol";
import { boundEvent, helloProblem, snapshotProblem } from "./agentBounds";
import { createCounterLane, type LaneItem } from "./counterLane";

/** Counters the gateway exposes for /api/health and /metrics. */
export interface AgentGatewayStats {
  protocolErrors: number;
  /** Services, real servers and VRRP instances kept with a value that could not be read. */
  flaggedObjects: number;
  /** Objects left out of a frame because not even their key could be read. */
  droppedObjects: number;
  connected: number;
}

/** Accepts agent sockets after authentication: hello, snapshots, deltas, events, command results. */
export interface AgentGateway {
  /**
   * Serves an authenticated socket; `boundDirector` is the director its token is for (null: any).
   * `stillAllowed` reads whether its token still grants access; `revalidate` asks it again.
   */
  handle(socket: WebSocket, boundDirector: DirectorId | null, stillAllowed?: () => Promise<boolean>): void;
  /** Cuts a director's connection at once (its token was revoked); a revoked agent is not asked to close. */
  disconnect(director: DirectorId, reason: string): void;
  /** Cuts every agent socket whose token no longer grants access; resolves to how many, and how many could not be checked. */
  revalidate(): Promise<{ cut: number; unsure: number }>;
  /** Sends a command to a connected director; false when it is not connected. */
  send(director: DirectorId, command: HubCommand): boolean;
  stats(): AgentGatewayStats;
  closeAll(): void;
}

interface Deps {
  fleet: Fleet;
  events: EventStore;
  commands: CommandRouter;
  log: Logger;
  onEvent: (event: HubEvent) => void;
  now: () => number;
  /** Who asked for an operator's weight change the agent reports (the hub's own record), or null. */
  actorOfWeight?: (service: string, realServer: string, weight: number, at: number) => string | null;
}

/**
 * A tick's delta that changes nothing outside its services (the agent writes `type` first and VRRP, VIPs,
 * keepalived, sync groups and removed services after the services): it goes to the counter lane. A delta
 * with any of those, a snapshot, or a frame laid out otherwise is handled at once. A weight or health
 * change inside a service rides with that service's counters.
 */
const COUNTER_START = Buffer.from('{"type":"delta"');
const COUNTER_END = Buffer.from('"removeServices":[]}');
const isCounterFrame = (data: RawData): boolean =>
  Buffer.isBuffer(data) &&
  data.length >= COUNTER_START.length + COUNTER_END.length &&
  data.compare(COUNTER_START, 0, COUNTER_START.length, 0, COUNTER_START.length) === 0 &&
  data.compare(COUNTER_END, 0, COUNTER_END.length, data.length - COUNTER_END.length) === 0;

function sendFrame(socket: WebSocket, frame: HubToAgent): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
}

/**
 * Runs one socket's work in arrival order. Work that stores something (an event, a hello) holds the
 * work after it until it is stored, so a director's events reach the log and the browsers in the order
 * the agent sent them; while nothing waits, work runs at once, with no extra turn of the loop.
 */
function createSerialQueue(onError: (err: Error) => void): (work: () => void | Promise<void>) => void {
  let tail: Promise<void> | null = null;
  let waiting = 0;
  const hold = (step: Promise<void>) => {
    waiting++;
    tail = step.catch(onError).finally(() => {
      if (--waiting === 0) tail = null;
    });
  };
  return (work) => {
    if (tail !== null) return hold(tail.then(work));
    let result: void | Promise<void>;
    try {
      result = work();
    } catch (err) {
      return onError(err as Error);
    }
    if (result instanceof Promise) hold(result);
  };
}

/** Creates the gateway; one instance per hub. */
export function createAgentGateway(deps: Deps): AgentGateway {
  const { fleet, events, commands, log, now } = deps;
  const sockets = new Map<DirectorId, WebSocket>();
  /** Every open agent socket (hello or not) with the check of its token. */
  const credentials = new Map<WebSocket, () => Promise<boolean>>();
  /** Sockets cut for a revoked token: whatever they still send is ignored. */
  const cut = new WeakMap<WebSocket, string>();
  const cutOff = (socket: WebSocket, reason: string) => {
    cut.set(socket, reason);
    credentials.delete(socket);
    log.warn("agent cut off", { reason });
    // terminate, not close: a revoked agent that ignores a close frame must not keep feeding data.
    socket.terminate();
  };
  /**
   * The hub could not take a frame (its database locked past the timeout, a full disk). Nothing of it
   * was acknowledged, so the agent keeps its events and, reconnecting, sends again whatever the hub's
   * `welcome` says is missing. Frames still in flight on this socket are ignored from here, so none is
   * stored after the one that failed and the sequence keeps no hole.
   */
  const notStored = (socket: WebSocket, director: DirectorId | null, err: Error) => {
    log.error("agent frame not taken; cutting the connection so the agent sends it again", { director, error: err.message });
    cut.set(socket, `the hub could not store a frame: ${err.message}`);
    credentials.delete(socket);
    socket.terminate();
  };
  let protocolErrors = 0;
  let flaggedObjects = 0;
  let droppedObjects = 0;
  let shuttingDown = false;
  /** Every agent's plain ticks, handled after the events and changes of state read in the same turn (see ./counterLane). */
  const lane = createCounterLane(COUNTER_SLICE_MS);

  const protocolError = (socket: WebSocket, director: DirectorId | null, message: string) => {
    protocolErrors++;
    log.warn("protocol error from agent", { director, error: message });
    sendFrame(socket, { type: "error", message });
    // Only a director this socket has said hello for is marked: a stranger's frames mark nobody.
    if (director !== null && sockets.get(director) === socket) fleet.noteBadData(director, message, now());
  };

  /** The agent run behind each socket (its hello's epoch): its events are keyed on (director, epoch, seq). */
  const epochs = new WeakMap<WebSocket, string>();

  /** Checks a hello; on success returns the work that records the connection and welcomes the agent. */
  const onHello = (socket: WebSocket, hello: AgentHello, boundDirector: DirectorId | null): (() => Promise<void>) | null => {
    if (boundDirector !== null && hello.director !== boundDirector) {
      protocolError(socket, hello.director, `this token is for director ${boundDirector}, not ${hello.director}`);
      socket.close(4403, "token is for another director");
      return null;
    }
    const problem = helloProblem(hello);
    if (problem !== null) {
      protocolError(socket, null, `hello refused: ${problem}`);
      socket.close(4400, problem.slice(0, 120));
      return null;
    }
    if (hello.protocolVersion !== PROTOCOL_VERSION) {
      sendFrame(socket, {
        type: "incompatible",
        protocolVersion: PROTOCOL_VERSION,
        reason: `hub speaks protocol ${PROTOCOL_VERSION}, agent speaks ${hello.protocolVersion}`,
      });
      socket.close(4400, "incompatible protocol version");
      return null;
    }
    if (hello.epoch !== undefined) epochs.set(socket, hello.epoch);
    const previous = sockets.get(hello.director);
    if (previous && previous !== socket) previous.close(4409, "replaced by a newer connection of the same director");
    sockets.set(hello.director, socket);
    fleet.connect(hello, now());
    return async () => {
      const stored = await events.appendHubEvent({
        director: hello.director,
        receivedAt: now(),
        event: { kind: "agent", connected: true, detail: `agent ${hello.agentVersion} (${hello.sources.join(",")})`, at: now() },
      });
      deps.onEvent(stored);
      const lastSeq = await events.lastSeq(hello.director);
      const runLastSeq = hello.epoch === undefined ? undefined : await events.lastSeq(hello.director, hello.epoch);
      sendFrame(socket, { type: "welcome", protocolVersion: PROTOCOL_VERSION, lastSeq, ...(runLastSeq !== undefined && { runLastSeq }) });
    };
  };

  /** Takes one frame; what it returns (an event's storing) holds the socket's later frames until done. */
  const onFrame = (socket: WebSocket, director: DirectorId, frame: AgentToHub): void | Promise<void> => {
    switch (frame.type) {
      case "hello":
        protocolError(socket, director, "hello sent twice");
        return;
      case "snapshot":
        if (frame.snapshot.director !== director) {
          protocolError(socket, director, `snapshot.director: ${frame.snapshot.director} is not this connection's director ${director}`);
          return;
        }
        {
          const problem = snapshotProblem(frame.snapshot, now());
          if (problem !== null) return protocolError(socket, director, `snapshot refused: ${problem}`);
        }
        fleet.applySnapshot(frame.snapshot, now());
        return;
      case "delta": {
        const current = fleet.get(director)?.snapshot;
        if (!current) return protocolError(socket, director, "delta before any snapshot");
        // Judged on the table it would leave, so deltas cannot add services past the bound one by one.
        const next = applyDelta(current, frame);
        const problem = snapshotProblem(next, now());
        if (problem !== null) return protocolError(socket, director, `delta refused: ${problem}`);
        fleet.applySnapshot(next, now());
        return;
      }
      case "event": {
        const receivedAt = now();
        const bounded = boundEvent(frame.event, receivedAt);
        const { problems } = bounded;
        let event = bounded.event;
        if (event.kind === "weight") {
          // The name comes from the hub's record of who asked, never from the agent.
          const { actor: _claimed, ...reported } = event;
          const actor = event.cause === "operator" ? (deps.actorOfWeight?.(event.service, event.realServer, event.to, receivedAt) ?? null) : null;
          event = actor === null ? reported : { ...reported, actor };
        }
        for (const problem of problems) protocolError(socket, director, `event ${frame.seq}: ${problem}`);
        const epoch = epochs.get(socket);
        return events.appendAgentEvent({ director, seq: frame.seq, ...(epoch !== undefined && { epoch }), observedAt: frame.observedAt, receivedAt, event }).then((stored) => {
          // A socket cut while the event was being stored acknowledges nothing more.
          if (cut.has(socket)) return;
          if (stored) deps.onEvent(stored);
          sendFrame(socket, { type: "ack", seq: frame.seq });
        });
      }
      case "command-result":
        commands.resolve(director, frame);
        return;
    }
  };

  return {
    handle(socket, boundDirector, stillAllowed) {
      if (stillAllowed !== undefined) credentials.set(socket, stillAllowed);
      let director: DirectorId | null = null;
      const serial = createSerialQueue((err) => notStored(socket, director, err));
      let frames = 0;
      let windowStart = now();
      const helloTimer = setTimeout(() => {
        if (director === null) socket.close(4408, "no hello within 5 s");
      }, HELLO_TIMEOUT_MS);
      const onMessage = (data: RawData, isBinary: boolean): void | Promise<void> => {
        if (cut.has(socket)) return;
        if (now() - windowStart >= 1000) {
          windowStart = now();
          frames = 0;
        }
        if (++frames > MAX_AGENT_FRAMES_PER_SECOND) {
          protocolError(socket, director, `more than ${MAX_AGENT_FRAMES_PER_SECOND} frames per second`);
          socket.close(1008, "frame rate exceeded");
          return;
        }
        if (isBinary) return protocolError(socket, director, "binary frames are not accepted; send JSON text");
        const outcome = parseAgentFrame(data.toString());
        if (!outcome.ok) return protocolError(socket, director, `malformed frame: ${outcome.error}`);
        const { flagged, dropped } = outcome.report;
        if (flagged.length > 0 || dropped.length > 0) {
          flaggedObjects += flagged.length;
          droppedObjects += dropped.length;
          // Bounded so one odd director does not flood the log: the objects carry their issues.
          log.warn("agent frame has values that could not be read", { director, flagged: flagged.slice(0, 5), dropped: dropped.slice(0, 5) });
        }
        if (director === null) {
          if (outcome.value.type !== "hello") return protocolError(socket, null, "the first frame must be hello");
          const welcome = onHello(socket, outcome.value, boundDirector);
          if (welcome === null) return;
          director = outcome.value.director;
          return welcome();
        }
        return onFrame(socket, director, outcome.value);
      };
      /** This socket's plain tick in the lane, if any: at most one waits there. */
      let inLane: LaneItem | null = null;
      socket.on("message", (data, isBinary) => {
        // A socket's next frame (its next tick, or an event) comes after its counters: they run now,
        // so the lane holds one frame per agent at most and this socket's order is kept.
        inLane?.runNow();
        if (director === null || isBinary || !isCounterFrame(data)) return serial(() => onMessage(data, isBinary));
        // Added when its turn on this socket comes, so it still follows an event being stored.
        serial(() => {
          inLane = lane.add(() => onMessage(data, isBinary));
          return inLane.done;
        });
      });
      socket.on("error", (err) => {
        // ws reports oversized frames (1009) and bad framing here before closing the socket.
        protocolErrors++;
        log.warn("agent socket error", { director, error: err.message });
      });
      socket.on("close", (code, reason) => {
        clearTimeout(helloTimer);
        // Counters read before the close are the director's last: taken before it is marked disconnected.
        inLane?.runNow();
        credentials.delete(socket);
        if (shuttingDown || director === null || sockets.get(director) !== socket) return;
        const gone = director;
        sockets.delete(gone);
        fleet.disconnect(gone, now());
        commands.directorGone(gone);
        const event = {
          kind: "agent" as const,
          connected: false,
          detail: cut.has(socket) ? `cut off by the hub: ${cut.get(socket)}` : `connection closed (${code}${reason.length ? ` ${reason.toString()}` : ""})`,
          at: now(),
        };
        // After the connection's own record (its hello may still be being stored), never before it.
        serial(() =>
          events.appendHubEvent({ director: gone, receivedAt: event.at, event }).then(deps.onEvent, (err: Error) => {
            log.error("the agent's disconnection was not stored", { director: gone, error: err.message });
          }),
        );
      });
    },
    send(director, command) {
      const socket = sockets.get(director);
      if (!socket || socket.readyState !== socket.OPEN) return false;
      socket.send(JSON.stringify(command));
      return true;
    },
    disconnect(director, reason) {
      const socket = sockets.get(director);
      if (socket) cutOff(socket, reason);
    },
    async revalidate() {
      // A token that could not be read (the database away) stays as it was; the caller asks again.
      const checks = await Promise.all([...credentials].map(async ([socket, allowed]) => ({ socket, allowed: await allowed().catch(() => "unknown" as const) })));
      let cutCount = 0;
      let unsure = 0;
      for (const { socket, allowed } of checks) {
        if (allowed === "unknown") unsure++;
        if (allowed !== false || !credentials.has(socket)) continue;
        cutCount++;
        cutOff(socket, "agent token revoked");
      }
      return { cut: cutCount, unsure };
    },
    stats: () => ({ protocolErrors, flaggedObjects, droppedObjects, connected: sockets.size }),
    closeAll() {
      shuttingDown = true;
      for (const socket of sockets.values()) socket.close(1001, "hub shutting down");
    },
  };
}
