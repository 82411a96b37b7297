import type { WebSocket } from "ws";
import type { DirectorId, DirectorView, HubToUi, UiSubscribe } from "@lvsdeck/protocol";
import { PROTOCOL_VERSION, parseFrame, summarizeDirector, uiToHubSchema } from "@lvsdeck/protocol";
import type { Logger } from "@lvsdeck/log";
import { scopeView } from "../auth/scope";
import { viewShape } from "../directorShape";
import { alertInScope, eventInScope, weightChangeInScope } from "../auth/frameScope";

/**
 * How director changes reach browsers. `coalesce` (default): changes are gathered for a short window,
 * serialised once per director and sent as full views or summaries per subscription. `rebroadcast`:
 * every full view goes to every browser at once: the naive baseline the benchmark compares against.
 */
export type UiPushMode = "coalesce" | "rebroadcast";

/** Browser sessions on /ws/ui: the hub pushes changes; browsers ping and subscribe. */
export interface UiGateway {
  /** Serves an authenticated browser limited to `scope` VIPs (null: all). */
  handle(socket: WebSocket, scope: readonly string[] | null): void;
  /** A director's view changed. */
  directorChanged(view: DirectorView): void;
  /** Sends a frame to every browser now (events, weight changes, alerts). */
  broadcast(frame: HubToUi): void;
  count(): number;
  closeAll(): void;
}

interface Options {
  log: Logger;
  now: () => number;
  directors: () => DirectorView[];
  mode: UiPushMode;
  /** Coalescing window for full views (ms). */
  flushMs: number;
  /** Coalescing window for summaries (ms): overviews and walls need counters less often. */
  summaryFlushMs: number;
  onCountChange?: (count: number) => void;
}

/** A browser that cannot keep up is dropped rather than letting its queue grow without bound; it reconnects fresh. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** Frames a browser may send per second before it is disconnected (pings and subscriptions are rare). */
const MAX_FRAMES_PER_SECOND = 20;

interface Session {
  scope: readonly string[] | null;
  detail: UiSubscribe["detail"];
  directors: ReadonlySet<DirectorId> | null;
  frames: number;
  windowStart: number;
}

const wants = (session: Session, id: DirectorId) => session.directors === null || session.directors.has(id);

/** Creates the browser gateway. */
export function createUiGateway(options: Options): UiGateway {
  const { log, now } = options;
  const sessions = new Map<WebSocket, Session>();
  const dirtyFull = new Map<DirectorId, DirectorView>();
  const dirtySummary = new Map<DirectorId, DirectorView>();
  const shapes = new Map<DirectorId, string>();

  // Frames shared by many sockets are encoded to UTF-8 once (a Buffer) instead of once per socket.
  const send = (socket: WebSocket, data: string | Buffer) => {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      log.warn("browser too slow; disconnecting it so it reloads a fresh state", {});
      socket.terminate();
      return;
    }
    socket.send(data, { binary: false });
  };

  const pushDirectors = (views: DirectorView[], targets: Iterable<[WebSocket, Session]>, only?: Session["detail"]) => {
    if (views.length === 0) return;
    const serverTime = now();
    const fullText = new Map<DirectorId, Buffer>();
    const full = (view: DirectorView, scope: readonly string[] | null) => {
      // Scoped sessions get their own serialisation; the common unscoped one is shared by all.
      if (scope !== null) return JSON.stringify({ type: "director", serverTime, director: scopeView(view, scope) } satisfies HubToUi);
      let text = fullText.get(view.id);
      if (text === undefined) {
        text = Buffer.from(JSON.stringify({ type: "director", serverTime, director: view } satisfies HubToUi));
        fullText.set(view.id, text);
      }
      return text;
    };
    const summaries = views.map(summarizeDirector);
    let allSummaries: Buffer | null = null;
    for (const [socket, session] of targets) {
      if (only !== undefined && session.detail !== only) continue;
      if (session.detail === "full") {
        for (const view of views) if (wants(session, view.id)) send(socket, full(view, session.scope));
        continue;
      }
      if (session.scope !== null) {
        const mine = views.filter((v) => wants(session, v.id)).map((v) => summarizeDirector(scopeView(v, session.scope)));
        if (mine.length > 0) send(socket, JSON.stringify({ type: "summaries", serverTime, directors: mine } satisfies HubToUi));
      } else if (session.directors === null) {
        allSummaries ??= Buffer.from(JSON.stringify({ type: "summaries", serverTime, directors: summaries } satisfies HubToUi));
        send(socket, allSummaries);
      } else {
        const mine = summaries.filter((s) => wants(session, s.id));
        if (mine.length > 0) send(socket, JSON.stringify({ type: "summaries", serverTime, directors: mine } satisfies HubToUi));
      }
    }
  };

  const flush = (dirty: Map<DirectorId, DirectorView>, detail: Session["detail"]) => {
    if (dirty.size === 0) return;
    const views = [...dirty.values()];
    dirty.clear();
    pushDirectors(views, sessions, detail);
  };
  const fullTimer = setInterval(() => flush(dirtyFull, "full"), options.flushMs);
  const summaryTimer = setInterval(() => flush(dirtySummary, "summary"), options.summaryFlushMs);
  fullTimer.unref();
  summaryTimer.unref();

  const onMessage = (socket: WebSocket, session: Session, text: string) => {
    const t = now();
    if (t - session.windowStart >= 1000) {
      session.windowStart = t;
      session.frames = 0;
    }
    if (++session.frames > MAX_FRAMES_PER_SECOND) {
      log.warn("browser exceeded the frame rate; disconnecting", {});
      socket.close(1008, "too many frames");
      return;
    }
    const outcome = parseFrame(uiToHubSchema, text);
    if (!outcome.ok) return log.warn("malformed frame from browser", { error: outcome.error });
    if (outcome.value.type !== "subscribe") return;
    session.detail = outcome.value.detail;
    session.directors = outcome.value.directors ? new Set(outcome.value.directors) : null;
    pushDirectors(options.directors(), [[socket, session]]);
  };

  return {
    handle(socket, scope) {
      const session: Session = { scope, detail: "full", directors: null, frames: 0, windowStart: now() };
      sessions.set(socket, session);
      options.onCountChange?.(sessions.size);
      socket.send(JSON.stringify({ type: "hello", protocolVersion: PROTOCOL_VERSION, serverTime: now() } satisfies HubToUi));
      socket.on("message", (data) => onMessage(socket, session, data.toString()));
      socket.on("error", (err) => log.warn("browser socket error", { error: err.message }));
      socket.on("close", () => {
        sessions.delete(socket);
        options.onCountChange?.(sessions.size);
      });
    },
    directorChanged(view) {
      if (options.mode === "rebroadcast") {
        const text = JSON.stringify({ type: "director", serverTime: now(), director: view } satisfies HubToUi);
        // The naive baseline: one string, encoded again for every socket.
        for (const socket of sessions.keys()) send(socket, text);
        return;
      }
      // A change of state (VRRP, VIPs, weights, health, freshness) of this director goes out now;
      // other directors' counters keep waiting for their flush.
      const shape = viewShape(view);
      if (shapes.get(view.id) !== shape) {
        shapes.set(view.id, shape);
        dirtyFull.delete(view.id);
        dirtySummary.delete(view.id);
        pushDirectors([view], sessions);
        return;
      }
      dirtyFull.set(view.id, view);
      dirtySummary.set(view.id, view);
    },
    broadcast(frame) {
      const text = Buffer.from(JSON.stringify(frame));
      let directors: DirectorView[] | null = null;
      for (const [socket, session] of sessions) {
        if (session.scope === null) {
          send(socket, text);
          continue;
        }
        // VIP-scoped sessions (limited users, wall tokens) see only what concerns their VIPs.
        const scope = session.scope;
        if (frame.type === "event" && eventInScope(frame.event, scope, (directors ??= options.directors()))) send(socket, text);
        else if (frame.type === "weight-change" && weightChangeInScope(frame.change, scope)) send(socket, text);
        else if (frame.type === "alerts") send(socket, JSON.stringify({ ...frame, alerts: frame.alerts.filter((a) => alertInScope(a, scope)) }));
      }
    },
    count: () => sessions.size,
    closeAll() {
      clearInterval(fullTimer);
      clearInterval(summaryTimer);
      for (const socket of sessions.keys()) socket.close(1001, "hub shutting down");
    },
  };
}
