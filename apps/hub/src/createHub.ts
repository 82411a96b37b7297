import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import { MAX_AGENT_FRAME_BYTES, MAX_UI_FRAME_BYTES } from "@lvsdeck/protocol";
import { createFleet } from "./fleet";
import { openDatabase } from "./store/database";
import { createEventStore } from "./store/eventStore";
import { openSharedRecord, redactUrl } from "./store/postgres/sharedRecord";
import { holdLeadership } from "./store/postgres/leadership";
import { connectBus, type ClusterBus } from "./cluster/natsBus";
import { createClusterLink, type ClusterLink } from "./cluster/clusterLink";
import { startHubRun } from "./store/hubRuns";
import { createTransitionTimes } from "./store/transitionTimes";
import { createIncidentStore } from "./store/incidentStore";
import { createWeightRecords } from "./store/weightRecords";
import { DEFAULT_RETENTION, createSeriesStore } from "./store/seriesStore";
import { createWorkerWriter } from "./store/seriesWrites";
import { createSnapshotHistory } from "./store/snapshotHistory";
import { createAgentGateway } from "./agents/agentGateway";
import { createCommandRouter } from "./agents/commandRouter";
import { createWeightDelivery } from "./agents/weightDelivery";
import { createHeldChangeStore } from "./store/heldWeightChanges";
import { createUiGateway, type UiPushMode } from "./ui/uiGateway";
import { HUB_EVENT_SOURCE, createAlertMonitor } from "./alertMonitor";
import { createAlertWebhook } from "./alerts/webhook";
import { createAlertmanagerSender } from "./alerts/alertmanager";
import { hostname } from "node:os";
import { createMetrics } from "./metrics";
import type { Alert, ClusterHealth, DirectorId, HubCommand, HubEvent, RealServerKey, Role, ServiceKey } from "@lvsdeck/protocol";
import { clusterHealth, peerReadings } from "@lvsdeck/cluster";
import type { VerdictOptions } from "@lvsdeck/cluster";
import { createApp } from "./createApp";
import { createAuthStore } from "./auth/authStore";
import { createOidc, type OidcOptions } from "./auth/oidc";
import { createAuditLog } from "./auth/auditLog";
import { authenticateWith, principalOf, vipScope } from "./auth/principal";
import { watchAccess } from "./auth/accessWatch";
import { createWeightService } from "./agents/weightService";
import { startHeartbeat, trackAlive } from "./heartbeat";
import { createAgentTokenCheck, isSameOrigin, refuseUpgrade } from "./upgrade";
import { createLogger, type Logger } from "@lvsdeck/log";
import { createTlsServer, type TlsFiles } from "./tls";
import { HEADERS_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS, RESTART_RECONNECT_GRACE_MS, MAX_UI_SOCKETS_PER_ADDRESS, MAX_UI_SOCKETS_PER_CREDENTIAL, REQUEST_TIMEOUT_MS } from "./limits";
import { createEvaluationPacer } from "./evaluationPacer";
import { ALERT_EVALUATION_MS, HEARTBEAT_MS, SERIES_FLUSH_MS, STALENESS_CHECK_MS, STATE_EVALUATION_BURST, STATE_EVALUATION_GAP_MS, UI_FLUSH_MS, UI_SUMMARY_FLUSH_MS } from "./limits";

/** Options for {@link createHub}; every field has a default suited to the demo. */
export interface HubOptions {
  /** Rule thresholds other than the defaults (apps/hub/src/alerts/README.md lists them). */
  verdictOptions?: Partial<VerdictOptions>;
  /** TCP port; 0 picks a free one (tests). Default 8080. */
  port?: number;
  /** Address to listen on. Default all interfaces. */
  host?: string;
  /** Folder of the SQLite file, or ":memory:". Default ./data. */
  dataDir?: string;
  /**
   * Clustered hubs: keep the event log, users, sessions, tokens, the audit log, incident titles and
   * notes, weight request answers, drains, held weight changes, the series tiers and the snapshot history
   * in this PostgreSQL database, shared by every hub, instead of the SQLite file. `migrationsDir` holds the schema's
   * migrations (apps/hub/migrations/postgres), applied at start.
   */
  postgres?: { url: string; migrationsDir: string };
  /**
   * Clustered hubs (with `postgres`): the NATS server(s), JetStream on, that carry the live model
   * between hubs: each hub publishes the directors whose agents it holds and serves every director.
   */
  nats?: readonly string[];
  /** How often the hub looks in the database for access changed elsewhere (ms); default ACCESS_POLL_MS. */
  accessPollMs?: number;
  /** Fleet-wide agent tokens from the command line (any director); per-director tokens live in the database. */
  agentTokens: readonly string[];
  /** Folder of the built web app; served at / when it exists. */
  webDist?: string;
  /** Silence info logs. */
  quiet?: boolean;
  /** How long a command waits for agents (ms). */
  commandTimeoutMs?: number;
  /** Users created at start when missing (the demo's admin; tests). */
  users?: { name: string; password: string; role: Role; vips?: string[] | null }[];
  /** URL that receives every alert raised or cleared as a JSON POST (retried, never blocking). */
  alertWebhook?: string;
  /** Alertmanagers (base URLs) that get every alert through their v2 API: raised, cleared, and resent while firing. */
  alertmanagers?: readonly string[];
  /** How director changes reach browsers; `rebroadcast` is the benchmark's naive baseline. */
  uiPushMode?: UiPushMode;
  /** How long a request may take to arrive whole (ms); default REQUEST_TIMEOUT_MS. */
  requestTimeoutMs?: number;
  /** Serve HTTPS and wss:// with this certificate and key (PEM files), reloadable with {@link Hub.reloadTls}. */
  tls?: TlsFiles;
  /**
   * Express's `trust proxy` for a hub behind a TLS-terminating proxy: which hops' X-Forwarded-* to
   * believe (e.g. "loopback", an address, or a hop count). Unset: none, so a client cannot fake them.
   */
  trustProxy?: string | number | boolean;
  /** Single sign-on through OpenID Connect, next to local users. */
  oidc?: OidcOptions;
  /** Export per-real-server series on /metrics (default true); service-level series are always there. */
  realServerMetrics?: boolean;
}

/** A running hub. */
export interface Hub {
  readonly port: number;
  readonly url: string;
  /** Reads the TLS certificate and key again (SIGHUP); false when there is no TLS or the new pair is unusable. */
  reloadTls(): boolean;
  close(): Promise<void>;
}

/** Starts a hub: one HTTP server carrying REST, /ws/agent, /ws/ui and the web app. */
export async function createHub(options: HubOptions): Promise<Hub> {
  const now = () => Date.now();
  const log = createLogger("hub", options.quiet ?? false);
  const db = openDatabase(options.dataDir ?? "./data");
  const shared = options.postgres === undefined ? null : await openSharedRecord(options.postgres, log).catch((err: Error) => {
    db.close();
    throw new Error(`PostgreSQL ${redactUrl(options.postgres?.url ?? "")}: ${err.message}`);
  });
  const bus = options.nats === undefined ? null : await joinBus(options.nats, options.postgres !== undefined, log).catch(async (err: Error) => {
    db.close();
    await shared?.close();
    throw err;
  });
  // One hub of the cluster records alerts and notifies about them, so each is stored and sent once.
  const leadership = shared !== null && bus !== null ? holdLeadership(shared.pool, ALERTING_LOCK_KEY, log) : null;
  const leads = () => leadership?.isLeader() ?? true;
  const events = shared?.events ?? createEventStore(db);
  const incidents = shared?.incidents ?? createIncidentStore(db);
  // This run in the hub's own record: the time it was away shows on the timeline, not as quiet.
  const run = startHubRun(db, now);
  const recordHub = (event: { state: "started" | "stopped"; downFrom: number | null; clean: boolean; detail: string }, at = now()) =>
    events.appendHubEvent({ director: HUB_EVENT_SOURCE, receivedAt: at, event: { kind: "hub", ...event, at } });
  await recordHub({
    state: "started",
    downFrom: run.downFrom,
    clean: run.previous?.stoppedAt != null,
    detail: run.previous === null ? "first start on this database" : run.previous.stoppedAt === null ? "after an unclean stop" : "",
  });
  // Clustered, series and snapshots live in the shared record, written once by the hub holding each
  // director and pruned by the alerting leader alone. One hub: samples are written on a worker thread
  // with its own connection (an in-memory database has only one).
  const series = shared?.series({ retention: DEFAULT_RETENTION, prunes: leads }) ??
    createSeriesStore(db, DEFAULT_RETENTION, db.memory ? undefined : createWorkerWriter(db));
  const history = shared?.history({
    prunes: leads,
    onError: (err) => log.warn("a director snapshot was not stored in the history", { error: err.message }),
  }) ?? createSnapshotHistory(db);
  const fleet = createFleet();
  const metrics = createMetrics({ realServerMetrics: options.realServerMetrics ?? true });
  const ui = createUiGateway({
    log,
    now,
    directors: () => fleet.list(),
    director: (id) => fleet.get(id),
    health: () => health,
    onStateChange: () => evaluations.soon(),
    mode: options.uiPushMode ?? "coalesce",
    flushMs: UI_FLUSH_MS,
    summaryFlushMs: UI_SUMMARY_FLUSH_MS,
    onCountChange: (count) => metrics.hub.setUiClients(count),
  });
  const publishEvent = (event: HubEvent) => {
    const transition = event.event.kind === "vrrp-transition";
    ui.broadcast({ type: "event", event }, transition ? () => metrics.hub.transitionFannedOut(now() - event.receivedAt) : undefined);
    alertMonitor.noteEvent(event);
    transitionTimes.noteEvent(event);
    link?.publishEvent(event);
  };
  /** An event this hub stored again with more in it (keepalived's time, a cause): pages replace their copy. */
  const publishAmended = (event: HubEvent) => {
    ui.broadcast({ type: "event", event });
    link?.publishEvent(event, { amended: true });
  };
  const webhook = options.alertWebhook ? createAlertWebhook(options.alertWebhook, { log, hubName: hostname() }) : null;
  const alertmanager =
    (options.alertmanagers ?? []).length === 0 ? null : createAlertmanagerSender(options.alertmanagers ?? [], { log, now, active: () => (leads() ? alertMonitor.active() : []) });
  const onAlertChange = webhook === null && alertmanager === null ? undefined : (type: "alert-raised" | "alert-cleared", alert: Alert, at: number) => {
    if (!leads()) return;
    webhook?.notify(type, alert, at);
    alertmanager?.notify(type, alert, at);
  };
  // Directors this hub knew when it last ran (clustered: that the cluster's history holds): until each has
  // reported again (or the grace ends), a group that lacks its MASTER is waiting for it to reconnect, not without one.
  const knownBefore = new Set(
    (await history.at(now()).catch((err: Error) => {
      log.warn("the directors known before could not be read; no-MASTER alerts are not held for their return", { error: err.message });
      return [];
    })).map((snapshot) => snapshot.director),
  );
  const reconnectGraceUntil = now() + RESTART_RECONNECT_GRACE_MS;
  const holdNoMasterUntil = () => {
    if (knownBefore.size === 0 || now() >= reconnectGraceUntil) return undefined;
    for (const director of knownBefore) {
      if (fleet.get(director)?.snapshot == null) return reconnectGraceUntil;
      knownBefore.delete(director);
    }
    return undefined;
  };
  const alertMonitor = createAlertMonitor({
    fleet,
    events,
    now,
    ...(options.verdictOptions !== undefined && { verdictOptions: options.verdictOptions }),
    holdNoMasterUntil,
    onEvent: (event) => {
      ui.broadcast({ type: "event", event });
      link?.publishEvent(event);
    },
    recordsAlerts: leads,
    onStoreError: (err) => log.error("an alert's raise or clear was not stored in the event log", { error: err.message }),
    // Browsers fetch the whole set after each hello, then get what changed.
    onAlertsChanged: (previous, next) => ui.alertsChanged(previous, next),
    onEvaluated: () => publishHealth(),
    ...(onAlertChange !== undefined && { onAlertChange }),
  });
  // Taking over the alerting: what was raised or cleared while no hub recorded (the old leader's last
  // second) is recorded now, once this hub's own view has settled (a restart's reconnect grace).
  let reconciling: NodeJS.Timeout | undefined;
  const stopReconciling = leadership?.onChange((leader) => {
    clearTimeout(reconciling);
    if (!leader) return;
    alertMonitor.tookTheLead();
    reconciling = setTimeout(() => {
      if (!leads()) return;
      alertMonitor.reconcile().then(
        ({ raised, cleared }) => (raised + cleared > 0 ? log.info("recorded the alerts that changed while no hub led", { raised, cleared }) : undefined),
        (err: Error) => log.error("could not bring the alert record up to date on taking over", { error: err.message }),
      );
    }, Math.max(0, reconnectGraceUntil - now()));
    reconciling.unref();
  });
  // The groups and verdicts browsers show: sent whole after each hello, then what changed.
  let health: ClusterHealth = { groups: [], verdicts: [] };
  let healthText = JSON.stringify(health);
  const publishHealth = () => {
    const next = clusterHealth(fleet.list(), alertMonitor.verdicts());
    const text = JSON.stringify(next);
    if (text === healthText) return;
    const prev = health;
    health = next;
    healthText = text;
    ui.healthChanged(prev, next, now());
  };
  // Bound late: the link needs the command router to serve other hubs' commands.
  let link: ClusterLink | null = null;
  const commands = createCommandRouter({
    fleet,
    send: (director, command) => agents.send(director, command),
    ...(bus !== null && { forward: (director: DirectorId, command: HubCommand, timeoutMs: number) => link?.forward(director, command, timeoutMs) ?? Promise.resolve("gone" as const) }),
    ...(options.commandTimeoutMs !== undefined && { timeoutMs: options.commandTimeoutMs }),
  });
  const delivery = await createWeightDelivery({
    fleet,
    commands,
    store: shared?.held ?? createHeldChangeStore(db),
    // Bound late: the link needs the command router, which the delivery's commands go through.
    holds: (director) => link === null || link.holds(director),
    onStoreError: (err) => log.warn("a held weight change was not saved, removed or taken", { error: err.message }),
    onWeightChange: (change) => {
      ui.broadcast({ type: "weight-change", change });
      alertMonitor.noteWeightChange(change);
      link?.publishWeightChange(change);
    },
    now,
  });
  // Pages replace the event they hold by id; alerts saw it already.
  const transitionTimes = createTransitionTimes(
    events,
    publishAmended,
    (director, name) => peerReadings(fleet.list(), director, name),
    now,
    (err) => log.warn("a transition's keepalived time or cause was not stored", { error: err.message }),
  );
  link =
    bus === null
      ? null
      : createClusterLink({
          bus,
          fleet,
          dispatchLocal: (director, command) => commands.dispatch(director, command),
          // Another hub stored it: this hub's browsers see it, and a new one counts towards flapping here too.
          onRemoteEvent: (event, amended) => {
            ui.broadcast({ type: "event", event });
            if (!amended) alertMonitor.noteEvent(event);
          },
          // Another hub acted on it: this hub's pages follow it, and a drain counts here too (drain-stuck).
          onRemoteWeightChange: (change) => {
            if (delivery.noteRemote(change)) ui.broadcast({ type: "weight-change", change });
            alertMonitor.noteWeightChange(change);
          },
          log,
          now,
        });
  const agents = createAgentGateway({
    fleet: link?.localFleet ?? fleet,
    events,
    commands,
    log,
    now,
    onEvent: publishEvent,
    // Bound late: the weight service is created after the gateway.
    actorOfWeight: (service, realServer, weight, at) => weights.actorOf(service as ServiceKey, realServer as RealServerKey, weight, at),
  });
  // Changes of presence, staleness or state are judged at once, a few in a row (a failover), and in a
  // storm at most once per STATE_EVALUATION_GAP_MS (see ./evaluationPacer).
  const evaluations = createEvaluationPacer({ burst: STATE_EVALUATION_BURST, gapMs: STATE_EVALUATION_GAP_MS, clock: now, evaluate: () => alertMonitor.evaluate() });
  fleet.onChange((director, change) => {
    // Series, snapshots and keepalived's times are recorded by the hub holding the director's agent, so
    // each is written once for the cluster; other hubs read them from the shared record.
    if (change === "data" && director.snapshot && (link === null || link.holds(director.id))) {
      series.record(director.snapshot);
      history.offer(director.snapshot);
      transitionTimes.observe(director.snapshot);
    }
    ui.directorChanged(director);
    delivery.noteDirector(director, change);
    // Presence and staleness changes can raise alerts at once; so do changes of state (the UI gateway
    // reports them); counters alone are re-evaluated on the timer.
    if (change !== "data") evaluations.soon();
  });
  const sweeper = setInterval(() => {
    fleet.sweep(now());
    const stats = agents.stats();
    metrics.hub.syncProtocolErrors(stats.protocolErrors);
    metrics.hub.syncIngestIssues({ flagged: stats.flaggedObjects, dropped: stats.droppedObjects });
  }, STALENESS_CHECK_MS);
  const alertTimer = setInterval(evaluations.now, ALERT_EVALUATION_MS);
  const flusher = setInterval(() => {
    series.flushInBackground(now()).catch((err: Error) => log.warn("series samples not written", { error: err.message }));
    history.prune(now()).catch((err: Error) => log.warn("old director snapshots not pruned", { error: err.message }));
  }, SERIES_FLUSH_MS);

  const authStore = shared?.auth(now) ?? createAuthStore(db, now);
  const audit = shared?.audit ?? createAuditLog(db);
  for (const user of options.users ?? []) {
    if (!(await authStore.user(user.name))) await authStore.addUser(user.name, user.role, user.password, user.vips ?? null);
  }
  const weights = createWeightService({ records: shared?.weights ?? createWeightRecords(db), fleet, delivery, audit, now });
  // The provider is asked for its endpoints once, at start: a hub that cannot reach it says so and stops.
  const oidc = options.oidc === undefined ? null : await createOidc(options.oidc, now).catch((err: Error) => {
    throw new Error(`single sign-on: cannot use the identity provider ${options.oidc?.issuer}: ${err.message}`);
  });
  const app = createApp({
    oidc,
    fleet, events, series, history, commands, agents, weights, audit, incidents, store: authStore, log, now,
    ...(options.verdictOptions !== undefined && { verdictOptions: options.verdictOptions }),
    alerts: alertMonitor,
    startedAt: now(),
    webDist: options.webDist,
    trustProxy: options.trustProxy ?? false,
    metricsExposition: () => ({ contentType: metrics.registry.contentType, chunks: metrics.exposition(fleet.list(), alertMonitor.active(), now()) }),
    onAgentTokenRevoked: (director) => agents.disconnect(director as DirectorId, "agent token revoked"),
  });

  const requestTimeout = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  // Node checks these timeouts every connectionsCheckingInterval (30 s by default): check every second.
  const limits = { requestTimeout, headersTimeout: Math.min(HEADERS_TIMEOUT_MS, requestTimeout), keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS, connectionsCheckingInterval: 1_000 };
  // Idle keep-alive connections are long (KEEP_ALIVE_TIMEOUT_MS): once the hub is closing, a connection
  // whose answer has just gone out is closed at once instead of holding the close for a minute.
  let closing = false;
  const serve = (req: IncomingMessage, res: ServerResponse): void => {
    if (closing) res.setHeader("Connection", "close");
    else res.once("finish", () => closing && setImmediate(() => server.closeIdleConnections()));
    app(req, res);
  };
  const tls = options.tls ? createTlsServer(serve, options.tls, log, limits) : null;
  const server = tls?.server ?? createServer(limits, serve);
  /** Open /ws/ui sockets per credential and per address, so one login or one host cannot open thousands. */
  const uiSockets = new Map<string, number>();
  const holdUiSocket = (keys: string[], limits: number[]): (() => void) | null => {
    if (keys.some((key, i) => (uiSockets.get(key) ?? 0) >= limits[i]!)) return null;
    for (const key of keys) uiSockets.set(key, (uiSockets.get(key) ?? 0) + 1);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      for (const key of keys) {
        const left = (uiSockets.get(key) ?? 1) - 1;
        if (left <= 0) uiSockets.delete(key);
        else uiSockets.set(key, left);
      }
    };
  };
  const agentWss = new WebSocketServer({ noServer: true, maxPayload: MAX_AGENT_FRAME_BYTES });
  const uiWss = new WebSocketServer({ noServer: true, maxPayload: MAX_UI_FRAME_BYTES });
  const stopAgentHeartbeat = startHeartbeat(agentWss, HEARTBEAT_MS);
  const stopUiHeartbeat = startHeartbeat(uiWss, HEARTBEAT_MS);
  const staticTokenOk = createAgentTokenCheck(options.agentTokens);
  /**
   * The director an agent's token is bound to (null: a static fleet token) and how to check that the
   * token still stands, or undefined when refused.
   */
  const agentBinding = async (req: IncomingMessage): Promise<{ director: DirectorId | null; stillAllowed?: () => Promise<boolean> } | undefined> => {
    if (staticTokenOk(req)) return { director: null };
    const secret = /^Bearer (agt_[A-Za-z0-9_-]+)$/.exec(req.headers.authorization ?? "")?.[1];
    const token = secret ? await authStore.tokenBySecret(secret) : null;
    if (!secret || token?.kind !== "agent" || !token.director) return undefined;
    return { director: token.director, stillAllowed: async () => (await authStore.tokenBySecret(secret))?.kind === "agent" };
  };
  // Access taken away through any hub ends on every hub: the change goes out on the bus, and each hub
  // also finds it in the shared record on its next look.
  if (bus !== null) authStore.onAccessChange(() => bus.publishAccessChange());
  const stopAccessWatch = watchAccess(
    authStore,
    [ui, agents],
    (err) => log.warn("access could not be checked again; live sockets stay as they are until it can", { error: err.message }),
    { ...(options.accessPollMs !== undefined && { pollMs: options.accessPollMs }), ...(bus !== null && { alsoOn: (listener: () => void) => bus.onAccessChange(listener) }) },
  );

  const upgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? "/", "http://hub").pathname;
    if (path === "/ws/agent") {
      const binding = await agentBinding(req);
      if (binding === undefined) return refuseUpgrade(socket, 401, "Unauthorized");
      agentWss.handleUpgrade(req, socket, head, (ws) => (trackAlive(ws), agents.handle(ws, binding.director, binding.stillAllowed)));
    } else if (path === "/ws/ui") {
      if (!isSameOrigin(req)) return refuseUpgrade(socket, 403, "Forbidden");
      // Authenticated before the upgrade, so a cross-site page can never open a live socket.
      const who = await authenticateWith(req, authStore);
      if (!who) return refuseUpgrade(socket, 401, "Unauthorized");
      // The socket stays bound to this credential: taking it away (or changing its scope) closes it at once.
      const access = async () => {
        const current = await principalOf(who.credential, authStore);
        return current === null ? ("revoked" as const) : vipScope(current);
      };
      const release = holdUiSocket(
        [`credential:${who.credential.kind}:${who.credential.secret}`, `address:${req.socket.remoteAddress ?? "?"}`],
        [MAX_UI_SOCKETS_PER_CREDENTIAL, MAX_UI_SOCKETS_PER_ADDRESS],
      );
      if (!release) return refuseUpgrade(socket, 429, "Too Many Live Connections");
      // Released when the TCP connection ends, whether or not the handshake completed.
      socket.once("close", release);
      uiWss.handleUpgrade(req, socket, head, (ws) => {
        trackAlive(ws);
        ui.handle(ws, vipScope(who.principal), access);
      });
    } else {
      refuseUpgrade(socket, 404, "Not Found");
    }
  };
  server.on("upgrade", (req, socket, head) => {
    upgrade(req, socket, head).catch((err: Error) => {
      // The database away: the caller is told to come back, never let in unchecked.
      log.warn("live socket refused: access could not be checked", { error: err.message });
      refuseUpgrade(socket, 503, "Service Unavailable");
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8080, options.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  log.info("hub listening", { port });

  return {
    port,
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    reloadTls: () => tls?.reload() ?? false,
    async close() {
      clearInterval(sweeper);
      clearInterval(flusher);
      clearInterval(alertTimer);
      clearTimeout(reconciling);
      stopReconciling?.();
      stopAccessWatch();
      evaluations.stop();
      webhook?.stop();
      alertmanager?.stop();
      stopAgentHeartbeat();
      stopUiHeartbeat();
      agents.closeAll();
      ui.closeAll();
      for (const ws of [...agentWss.clients, ...uiWss.clients]) ws.terminate();
      closing = true;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await series.close(now()).catch((err: Error) => log.warn("the last series samples were not written", { error: err.message }));
      await history.flush();
      await recordHub({ state: "stopped", downFrom: null, clean: true, detail: "" }, run.stop());
      link?.close();
      await bus?.close();
      await leadership?.close();
      db.close();
      await shared?.close();
    },
  };
}

/** The advisory lock the alerting leader holds in the shared PostgreSQL ("lvsA" as a number). */
export const ALERTING_LOCK_KEY = 0x6c767341;

/** Connects to the cluster bus; a clustered hub needs the shared record too, or events would be stored per hub. */
async function joinBus(servers: readonly string[], hasSharedRecord: boolean, log: Logger): Promise<ClusterBus> {
  if (!hasSharedRecord) throw new Error("--nats needs --postgres: clustered hubs keep one record, or each would store the events again");
  return connectBus({ servers: [...servers], log }).catch((err: Error) => {
    throw new Error(`NATS ${servers.join(", ")}: ${err.message}`);
  });
}
