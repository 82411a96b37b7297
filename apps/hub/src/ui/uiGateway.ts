import type { WebSocket } from "ws";
import type { Alert, ClusterHealth, DirectorId, DirectorView, HubToUi } from "@lvsdeck/protocol";
import { scopeHealth } from "@lvsdeck/cluster";
import { UI_PROTOCOL_VERSION, UI_CLOSE_ACCESS_CHANGED, UI_CLOSE_ACCESS_REVOKED, clusterHealthChanges, listChanges, noListChanges, parseFrame, uiToHubSchema } from "@lvsdeck/protocol";
import type { Logger } from "@lvsdeck/log";
import { viewShape } from "../directorShape";
import { createFrameEncoder, wants, type FrameEncoder, type Subscription } from "./uiFrames";
import { textFrame } from "./textFrame";
import { alertInScope, eventInScope, weightChangeInScope } from "../auth/frameScope";
import { UI_FLUSH_SLICE_SOCKETS } from "../limits";

/**
 * How director changes reach browsers. `coalesce` (default): a change of state goes out at once (whole
 * views, or whole summaries); counters are gathered for a short window, serialised once per round and
 * sent as whole views or compact `counters` frames per subscription. `rebroadcast`:
 * every full view goes to every browser at once: the naive baseline the benchmark compares against.
 */
export type UiPushMode = "coalesce" | "rebroadcast";

/** Browser sessions on /ws/ui: the hub pushes changes; browsers ping and subscribe. */
export interface UiGateway {
  /**
   * Serves an authenticated browser limited to `scope` VIPs (null: all). `access` reads the scope its
   * credential grants now ("revoked" when it grants nothing); `revalidate` asks it again.
   */
  handle(socket: WebSocket, scope: readonly string[] | null, access?: () => Promise<readonly string[] | null | "revoked">): void;
  /**
   * Checks every open socket's credential again, at once: a socket whose access was taken away (user
   * disabled, password changed, signed out, wall token revoked) is closed with 4401, one whose VIP scope
   * changed is closed with 4409 so the page reconnects under its new scope. Either way it gets no
   * further frame from this moment, even if the browser ignores the close.
   */
  revalidate(): Promise<{ closed: number; rescoped: number; unsure: number }>;
  /** A director's view changed. */
  directorChanged(view: DirectorView): void;
  /**
   * Sends a frame to every browser now (events, weight changes), cut to each one's VIP scope. `onWritten`
   * is called once the frame has been handed to every browser's socket (its corked writes released).
   */
  broadcast(frame: Extract<HubToUi, { type: "event" | "weight-change" }>, onWritten?: () => void): void;
  /**
   * The hub's groups or verdicts changed from `prev` to `next`: each browser gets what changed in its
   * VIP scope (`health-changes`), relative to the health it was sent last. `next` must be what
   * `options.health()` answers from now on, since that is what a browser connecting later starts from.
   */
  healthChanged(prev: ClusterHealth, next: ClusterHealth, serverTime: number): void;
  /** The active alerts changed from `prev` to `next`: each browser gets what changed in its VIP scope (`alert-changes`). */
  alertsChanged(prev: readonly Alert[], next: readonly Alert[]): void;
  count(): number;
  closeAll(): void;
}

interface Options {
  log: Logger;
  now: () => number;
  directors: () => DirectorView[];
  /** The hub's current groups and verdicts, sent to each browser right after its hello. */
  health: () => ClusterHealth;
  /** Called when a director's state (not just its counters) changed, so health is decided again at once. */
  onStateChange?: (view: DirectorView) => void;
  /** One director's current view, for counters a slow browser is still owed. */
  director: (id: DirectorId) => DirectorView | undefined;
  mode: UiPushMode;
  /** Coalescing window for full views (ms). */
  flushMs: number;
  /** Coalescing window for summaries (ms): overviews and walls need counters less often. */
  summaryFlushMs: number;
  onCountChange?: (count: number) => void;
}

/** A browser that cannot keep up is dropped rather than letting its queue grow without bound; it reconnects fresh. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/**
 * A browser with more than this still unsent misses counter rounds until it drains; it gets the latest
 * counters then. State changes are never held back, so they do not queue behind bulk traffic.
 */
const BULK_BACKLOG_BYTES = 512 * 1024;
/** Frames a browser may send per second before it is disconnected (pings and subscriptions are rare). */
const MAX_FRAMES_PER_SECOND = 20;
/** A browser told its access ended gets this long to complete the close handshake before it is cut off. */
const CLOSE_GRACE_MS = 1_000;

/** One key per VIP scope, so browsers with the same scope share one encoded frame. */
const scopeKey = (scope: readonly string[] | null): string => (scope === null ? "*" : [...scope].sort().join("\n"));

const sameScope = (a: readonly string[] | null, b: readonly string[] | null): boolean => scopeKey(a) === scopeKey(b);

interface Session extends Subscription {
  access: (() => Promise<readonly string[] | null | "revoked">) | undefined;
  frames: number;
  windowStart: number;
  /** Directors whose counters changed while this browser was behind; sent with the next round it can take. */
  owed: Set<DirectorId>;
}

/** The TCP socket under a ws WebSocket (ws keeps it as `_socket`), to cork, write and uncork it. */
function tcpOf(socket: WebSocket): { cork(): void; uncork(): void; write?(chunk: Buffer): boolean } | undefined {
  return (socket as unknown as { _socket?: { cork(): void; uncork(): void; write?(chunk: Buffer): boolean } })._socket;
}

/** Creates the browser gateway. */
export function createUiGateway(options: Options): UiGateway {
  const { log, now } = options;
  const sessions = new Map<WebSocket, Session>();
  const dirty = { full: new Map<DirectorId, DirectorView>(), summary: new Map<DirectorId, DirectorView>() };
  const shapes = new Map<DirectorId, string>();

  // Frames to one browser from one turn of the event loop leave in one write: the TCP socket is corked
  // at the first and uncorked when the turn's I/O has been handled (setImmediate). A flush to 500
  // browsers, one frame per director for those with full detail, otherwise costs a system call per frame,
  // the hub's largest cost under load. Uncorked at process.nextTick, a VRRP transition made two rounds
  // of writes to every browser (its new state, then its event once stored, a promise later); now the
  // frames of one turn share one. ws exposes no cork, so its socket (`_socket`, a net.Socket) is corked.
  const corked = new Set<WebSocket>();
  /**
   * Browsers whose messages the hub may frame itself: a TCP socket under them and no extension (such as
   * permessage-deflate) negotiated, so a message is one plain text frame. A message shared by many of
   * them (a transition's event, a round's summaries) is framed once (textFrame) and the same bytes are
   * written to each; through ws, every browser's copy was measured, framed and queued on its own,
   * 13 % of the hub's busy time in a profile under the bench's load.
   */
  const plain = new WeakSet<WebSocket>();
  const framed = new WeakMap<Buffer, Buffer>();
  const frameOf = (payload: Buffer) => {
    let frame = framed.get(payload);
    if (frame === undefined) {
      frame = textFrame(payload);
      framed.set(payload, frame);
    }
    return frame;
  };
  /** Broadcasts waiting for this turn's writes to be released. */
  const written: (() => void)[] = [];
  const uncorkAll = () => {
    for (const socket of corked) tcpOf(socket)?.uncork();
    corked.clear();
    for (const done of written.splice(0)) done();
  };
  const send = (socket: WebSocket, data: string | Buffer | null) => {
    if (data === null || socket.readyState !== socket.OPEN) return;
    if (!corked.has(socket)) {
      // Judged before this batch's own frames are queued: what the browser has not taken from earlier ones.
      if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
        log.warn("browser too slow; disconnecting it so it reloads a fresh state", {});
        socket.terminate();
        return;
      }
      const tcp = tcpOf(socket);
      if (tcp !== undefined) {
        tcp.cork();
        if (corked.size === 0) setImmediate(uncorkAll);
        corked.add(socket);
      }
    }
    // Strings are frames made for this browser alone (or the baseline's): ws frames those.
    if (typeof data !== "string" && plain.has(socket)) tcpOf(socket)!.write!(frameOf(data));
    else socket.send(data, { binary: false });
  };

  /**
   * Sends every browser the frame `frameFor` makes for its VIP scope (null: nothing), made and encoded
   * once per distinct scope, so every unscoped browser shares one encoding.
   */
  const sendPerScope = (frameFor: (scope: readonly string[] | null) => HubToUi | null) => {
    const perScope = new Map<string, Buffer | null>();
    for (const [socket, session] of sessions) {
      const key = scopeKey(session.scope);
      let text = perScope.get(key);
      if (text === undefined) {
        const frame = frameFor(session.scope);
        text = frame === null ? null : Buffer.from(JSON.stringify(frame));
        perScope.set(key, text);
      }
      send(socket, text);
    }
  };

  /** Whole views or whole summaries, at once: subscriptions and changes of state. */
  const pushState = (views: DirectorView[], targets: Iterable<[WebSocket, Session]>) => {
    if (views.length === 0) return;
    const encoder = createFrameEncoder(now());
    for (const [socket, session] of targets) {
      for (const view of views) session.owed.delete(view.id);
      if (session.detail === "full") {
        for (const view of views) if (wants(session, view.id)) send(socket, encoder.full(view, session));
      } else send(socket, encoder.summaries(views, session));
    }
  };

  /** The round being sent, per detail: the next waits for it, so no browser gets older counters after newer ones. */
  const rounds: Record<Session["detail"], { views: DirectorView[]; encoder: FrameEncoder } | null> = { full: null, summary: null };

  /**
   * A coalescing round: counters of the directors that changed, skipping browsers that are behind. It is
   * sent UI_FLUSH_SLICE_SOCKETS browsers at a time with a turn of the event loop in between: one summary
   * round is a ~50 KB frame to every overview and wall (450 in the bench), 10-20 ms in one go, and an
   * agent's VRRP transition arriving meanwhile waited for all of it.
   */
  const flush = (detail: Session["detail"]) => {
    const changed = dirty[detail];
    if (changed.size === 0 || rounds[detail] !== null) return;
    const round = { views: [...changed.values()], encoder: createFrameEncoder(now()) };
    rounds[detail] = round;
    changed.clear();
    const targets = [...sessions].filter(([, session]) => session.detail === detail);
    const slice = (from: number) => {
      const { views, encoder } = round;
      for (const [socket, session] of targets.slice(from, from + UI_FLUSH_SLICE_SOCKETS)) {
        // Closed, revoked or re-subscribed since the round began: nothing more of this round.
        if (sessions.get(socket) !== session || session.detail !== detail) continue;
        if (socket.bufferedAmount > BULK_BACKLOG_BYTES) {
          for (const view of views) if (wants(session, view.id)) session.owed.add(view.id);
          continue;
        }
        let mine = views;
        if (session.owed.size > 0) {
          for (const view of views) session.owed.delete(view.id);
          const owed = [...session.owed].flatMap((id) => options.director(id) ?? []);
          session.owed.clear();
          mine = [...views, ...owed];
        }
        if (detail === "full") {
          for (const view of mine) if (wants(session, view.id)) send(socket, encoder.full(view, session));
        } else send(socket, encoder.counters(mine, session));
      }
      if (from + UI_FLUSH_SLICE_SOCKETS < targets.length) setImmediate(slice, from + UI_FLUSH_SLICE_SOCKETS);
      else rounds[detail] = null;
    };
    slice(0);
  };

  /** A director's state changed while rounds are being sent: their later slices send its new view, never the older one. */
  const updateRounds = (view: DirectorView) => {
    for (const round of Object.values(rounds)) {
      const at = round?.views.findIndex((v) => v.id === view.id) ?? -1;
      if (round === null || at < 0) continue;
      round.views = round.views.with(at, view);
      round.encoder = createFrameEncoder(now());
    }
  };
  const fullTimer = setInterval(() => flush("full"), options.flushMs);
  const summaryTimer = setInterval(() => flush("summary"), options.summaryFlushMs);
  fullTimer.unref();
  summaryTimer.unref();

  const onMessage = (socket: WebSocket, session: Session, text: string) => {
    if (!sessions.has(socket)) return;
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
    session.owed.clear();
    pushState(options.directors(), [[socket, session]]);
  };

  return {
    handle(socket, scope, access) {
      const session: Session = { scope, access, detail: "full", directors: null, frames: 0, windowStart: now(), owed: new Set() };
      sessions.set(socket, session);
      if (socket.extensions === "" && tcpOf(socket)?.write !== undefined) plain.add(socket);
      options.onCountChange?.(sessions.size);
      socket.send(JSON.stringify({ type: "hello", protocolVersion: UI_PROTOCOL_VERSION, serverTime: now() } satisfies HubToUi));
      socket.send(JSON.stringify({ type: "health", serverTime: now(), health: scopeHealth(options.health(), scope) } satisfies HubToUi));
      socket.on("message", (data) => onMessage(socket, session, data.toString()));
      socket.on("error", (err) => log.warn("browser socket error", { error: err.message }));
      socket.on("close", () => {
        if (sessions.delete(socket)) options.onCountChange?.(sessions.size);
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
        dirty.full.delete(view.id);
        dirty.summary.delete(view.id);
        updateRounds(view);
        pushState([view], sessions);
        options.onStateChange?.(view);
        return;
      }
      dirty.full.set(view.id, view);
      dirty.summary.set(view.id, view);
    },
    broadcast(frame, onWritten) {
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
      }
      if (onWritten === undefined) return;
      // Nothing held back (no browser, or none corked): written already.
      if (corked.size === 0) onWritten();
      else written.push(onWritten);
    },
    healthChanged(prev, next, serverTime) {
      sendPerScope((scope) => {
        const changes = clusterHealthChanges(scopeHealth(prev, scope), scopeHealth(next, scope));
        return changes === null ? null : { type: "health-changes", serverTime, ...changes };
      });
    },
    alertsChanged(prev, next) {
      sendPerScope((scope) => {
        const mine = (alerts: readonly Alert[]) => (scope === null ? alerts : alerts.filter((a) => alertInScope(a, scope)));
        const alerts = listChanges(mine(prev), mine(next), (a) => a.id);
        return noListChanges(alerts) ? null : { type: "alert-changes", alerts };
      });
    },
    async revalidate() {
      let closed = 0;
      let rescoped = 0;
      let unsure = 0;
      const checks = await Promise.all(
        [...sessions].map(async ([socket, session]) => {
          // A credential that could not be read (the database away) stays as it was; the caller asks again.
          const granted = session.access === undefined ? session.scope : await session.access().catch(() => "unknown" as const);
          return { socket, session, granted };
        }),
      );
      for (const { socket, session, granted } of checks) {
        if (sessions.get(socket) !== session) continue;
        if (granted === "unknown") {
          unsure++;
          continue;
        }
        if (granted !== "revoked" && sameScope(granted, session.scope)) continue;
        // Out of the broadcast set first: not one more frame under the old access.
        sessions.delete(socket);
        options.onCountChange?.(sessions.size);
        if (granted === "revoked") {
          closed++;
          socket.close(UI_CLOSE_ACCESS_REVOKED, "access revoked");
        } else {
          rescoped++;
          socket.close(UI_CLOSE_ACCESS_CHANGED, "access changed; reconnect");
        }
        setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
      }
      if (closed + rescoped > 0) log.info("live browser sockets closed after an access change", { closed, rescoped });
      return { closed, rescoped, unsure };
    },
    count: () => sessions.size,
    closeAll() {
      clearInterval(fullTimer);
      clearInterval(summaryTimer);
      for (const socket of sessions.keys()) socket.close(1001, "hub shutting down");
    },
  };
}
