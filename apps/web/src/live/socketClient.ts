import type { HubToUi, UiToHub } from "@lvsdeck/protocol";
import { backoffDelay } from "./backoff";
import { parseHubFrame } from "./parseHubFrame";

/** How often the browser pings the hub, so proxies keep the connection and the hub sees us alive. */
export const PING_INTERVAL_MS = 15_000;
/** With no frame at all for this long the connection is presumed dead and is reopened. */
export const IDLE_TIMEOUT_MS = 60_000;

/** `WebSocket.OPEN`, spelled out so the module also runs where no WebSocket global exists (tests). */
const OPEN = 1;

/** What the client reports besides frames. */
export type SocketEvent =
  | { kind: "connecting" }
  | { kind: "open" }
  /** `opened` false: the upgrade itself failed (hub down, or it answered 401/403, which browsers do not expose). */
  | { kind: "closed"; retryAt: number; reason: string; opened: boolean; code?: number }
  | { kind: "bad-frame"; error: string };

export interface SocketClientOptions {
  /** Absolute ws:// or wss:// URL of /ws/ui. */
  url: string;
  /** Called with every frame that matched the protocol. */
  onFrame: (frame: HubToUi) => void;
  /** Connection changes and protocol errors. */
  onEvent: (event: SocketEvent) => void;
  /** Sent on every (re)connect, e.g. what this page wants pushed; nothing when omitted. */
  greeting?: UiToHub;
  /** For tests; defaults to the browser's WebSocket. */
  createSocket?: (url: string) => WebSocket;
  random?: () => number;
}

/** A connection to /ws/ui that reconnects on its own until closed. */
export interface SocketClient {
  close: () => void;
  /** Drops the current connection and reconnects at once (e.g. after an incompatible hello). */
  reconnectNow: () => void;
}

/** The /ws/ui URL on the page's own origin; a wall display's token goes along as `?token=` (browsers cannot set headers on a WebSocket). */
export function uiSocketUrl(location: Pick<Location, "protocol" | "host">, token: string | null = null): string {
  const query = token === null ? "" : `?token=${encodeURIComponent(token)}`;
  return `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/ws/ui${query}`;
}

/** Opens /ws/ui with exponential backoff and jitter, application-level pings and frame narrowing. */
export function createSocketClient(options: SocketClientOptions): SocketClient {
  const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url));
  let socket: WebSocket | null = null;
  let attempt = 0;
  let closed = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let pingTimer: ReturnType<typeof setInterval> | undefined;
  let lastFrameAt = 0;

  const stopTimers = () => {
    clearTimeout(retryTimer);
    clearInterval(pingTimer);
  };

  const scheduleReconnect = (reason: string, opened = true, code?: number) => {
    stopTimers();
    if (closed) return;
    const delay = backoffDelay(attempt++, options.random);
    options.onEvent({ kind: "closed", retryAt: Date.now() + delay, reason, opened, ...(code !== undefined && { code }) });
    retryTimer = setTimeout(connect, delay);
  };

  const onMessage = (message: MessageEvent) => {
    lastFrameAt = Date.now();
    const outcome = parseHubFrame(message.data);
    if (!outcome.ok) {
      console.warn(`[lvsdeck] bad frame on /ws/ui: ${outcome.error}`);
      options.onEvent({ kind: "bad-frame", error: outcome.error });
      return;
    }
    if (outcome.value.type === "hello") attempt = 0;
    options.onFrame(outcome.value);
  };

  const ping = (ws: WebSocket) => {
    if (Date.now() - lastFrameAt > IDLE_TIMEOUT_MS) {
      // A dead link may take minutes to report close; give up on it now.
      socket = null;
      ws.close(4000, "idle");
      scheduleReconnect(`no frame for ${IDLE_TIMEOUT_MS / 1000} s`);
      return;
    }
    const frame: UiToHub = { type: "ping", at: Date.now() };
    if (ws.readyState === OPEN) ws.send(JSON.stringify(frame));
  };

  function connect() {
    if (closed) return;
    options.onEvent({ kind: "connecting" });
    let ws: WebSocket;
    try {
      ws = createSocket(options.url);
    } catch (err) {
      scheduleReconnect(`cannot open socket: ${(err as Error).message}`, false);
      return;
    }
    socket = ws;
    let opened = false;
    ws.addEventListener("open", () => {
      if (socket !== ws) return;
      opened = true;
      lastFrameAt = Date.now();
      if (options.greeting !== undefined) ws.send(JSON.stringify(options.greeting));
      options.onEvent({ kind: "open" });
      pingTimer = setInterval(() => ping(ws), PING_INTERVAL_MS);
    });
    ws.addEventListener("message", (message) => {
      if (socket === ws) onMessage(message);
    });
    ws.addEventListener("close", (event) => {
      if (socket !== ws) return;
      socket = null;
      scheduleReconnect(event.reason || `closed (${event.code})`, opened, event.code);
    });
    // An error is always followed by close, which schedules the retry.
  }

  connect();

  return {
    close() {
      closed = true;
      stopTimers();
      const ws = socket;
      socket = null;
      ws?.close(1000, "page closed");
    },
    reconnectNow() {
      const ws = socket;
      socket = null;
      ws?.close(1000, "reconnect");
      attempt = 0;
      stopTimers();
      connect();
    },
  };
}
