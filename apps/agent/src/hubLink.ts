import WebSocket from "ws";
import type { AgentHello, AgentToHub, HubToAgent } from "@lvsdeck/protocol";
import { MAX_AGENT_FRAME_BYTES, hubToAgentSchema, parseFrame } from "@lvsdeck/protocol";
import type { Logger } from "@lvsdeck/log";
import { HUB_SILENCE_MS, MAX_BUFFERED_COUNTER_BYTES, RECONNECT_BASE_MS, RECONNECT_MAX_MS } from "./limits";

/** Options for {@link createHubLink}. */
export interface HubLinkOptions {
  /**
   * Hub base URLs, e.g. http://127.0.0.1:8080 (the /ws/agent path is added): one hub, or several (hubs of
   * a cluster, or addresses of one load balancer). The link moves to the next when one fails.
   */
  hubUrls: readonly string[];
  /** Certificates to trust for wss:// (an internal CA); the system's when absent. */
  ca?: Buffer;
  token: string;
  hello: () => AgentHello;
  /** Called for every frame from the hub after it was validated. */
  onFrame: (frame: HubToAgent) => void;
  /** Called when the hub refuses our protocol version; the link stops reconnecting. */
  onIncompatible: (reason: string) => void;
  log: Logger;
}

/** A self-healing connection to the hub. */
export interface HubLink {
  /**
   * Sends a frame if the socket is open; false when it could not. A `counters` frame (snapshot or delta)
   * is also refused while the socket holds more than MAX_BUFFERED_COUNTER_BYTES unsent: the next tick's
   * delta covers it, and a state change or event sent meanwhile never waits behind a pile of counters.
   */
  send(frame: AgentToHub, kind?: "counters" | "event"): boolean;
  isOpen(): boolean;
  close(): void;
}

/** The delay before reconnect attempt `attempt` (0-based): exponential with full jitter, so a fleet does not stampede. */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** Math.min(attempt, 16));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

function wsUrl(hubUrl: string): string {
  const url = new URL("/ws/agent", hubUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : url.protocol === "http:" ? "ws:" : url.protocol;
  return url.toString();
}

/**
 * Connects to a hub and keeps reconnecting until closed. When the hub it is connected to (or trying) fails,
 * it tries the next in `hubUrls`, round after round: each hub in a round right after the one before (a
 * short jittered pause), the pause growing only when a whole round has failed.
 */
export function createHubLink(options: HubLinkOptions): HubLink {
  const { log } = options;
  if (options.hubUrls.length === 0) throw new Error("no hub URL to connect to");
  let socket: WebSocket | null = null;
  /** The hub tried now (index into hubUrls). */
  let current = 0;
  /** Connections that failed or ended since the last one that opened. */
  let failures = 0;
  let closed = false;
  let retryTimer: NodeJS.Timeout | null = null;
  let silenceTimer: NodeJS.Timeout | null = null;
  // Counter frames held back in a row because the socket had not drained.
  let backedUp = 0;

  const armSilence = () => {
    if (silenceTimer) clearTimeout(silenceTimer);
    silenceTimer = setTimeout(() => {
      log.warn("hub silent; reconnecting", {});
      socket?.terminate();
    }, HUB_SILENCE_MS);
  };

  const scheduleReconnect = () => {
    if (closed || retryTimer) return;
    const delay = reconnectDelay(Math.floor(failures / options.hubUrls.length));
    failures += 1;
    if (options.hubUrls.length > 1) {
      current = (current + 1) % options.hubUrls.length;
      log.info("trying the next hub", { hub: options.hubUrls[current], inMs: delay });
    }
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect();
    }, delay);
  };

  const connect = () => {
    const hub = options.hubUrls[current] ?? "";
    const ws = new WebSocket(wsUrl(hub), {
      headers: { authorization: `Bearer ${options.token}` },
      maxPayload: MAX_AGENT_FRAME_BYTES,
      ...(options.ca !== undefined && { ca: options.ca }),
      handshakeTimeout: 5_000,
      // Masking guards a browser's frames against poisoning a proxy's cache; an agent is no browser, and a
      // zero mask lets ws skip XOR-ing every byte of every snapshot (a few % of the agent's CPU on 10,000 real servers).
      generateMask: (mask: Buffer) => void mask.fill(0),
    });
    socket = ws;
    ws.on("unexpected-response", (_req, res) => {
      log.error("hub refused the connection", { hub, status: res.statusCode, hint: res.statusCode === 401 ? "check --token" : undefined });
      ws.terminate();
    });
    ws.on("open", () => {
      failures = 0;
      log.info("connected to the hub", { hub });
      armSilence();
      ws.send(JSON.stringify(options.hello()));
    });
    ws.on("ping", armSilence);
    ws.on("message", (data) => {
      armSilence();
      const outcome = parseFrame(hubToAgentSchema, data.toString());
      if (!outcome.ok) return log.warn("malformed frame from hub", { error: outcome.error });
      if (outcome.value.type === "incompatible") {
        closed = true;
        options.onIncompatible(outcome.value.reason);
        return;
      }
      if (outcome.value.type === "error") log.warn("hub rejected a frame", { error: outcome.value.message });
      options.onFrame(outcome.value);
    });
    ws.on("error", (err) => log.warn("hub connection error", { hub, error: err.message }));
    ws.on("close", () => {
      if (silenceTimer) clearTimeout(silenceTimer);
      if (socket === ws) socket = null;
      scheduleReconnect();
    });
  };

  connect();
  return {
    send(frame, kind = "event") {
      if (socket?.readyState !== WebSocket.OPEN) return false;
      if (kind === "counters" && socket.bufferedAmount > MAX_BUFFERED_COUNTER_BYTES) {
        backedUp += 1;
        if (backedUp === 1) log.warn("the hub is not keeping up: counter frames wait until the socket drains; events still go", { buffered: socket.bufferedAmount });
        return false;
      }
      backedUp = 0;
      socket.send(JSON.stringify(frame));
      return true;
    },
    isOpen: () => socket?.readyState === WebSocket.OPEN,
    close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      if (silenceTimer) clearTimeout(silenceTimer);
      socket?.close(1000, "agent stopping");
    },
  };
}
