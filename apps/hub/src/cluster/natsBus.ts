// The cluster bus: how several hubs that share one NATS server (JetStream on) and one PostgreSQL
// database keep each other informed. PostgreSQL is the record; this bus only carries news between
// hubs, so nothing here is the only copy of anything.
//
// Subjects (P = subjectPrefix, default "lvsdeck"; D = the director id encoded as one subject token):
//   P.director.D   core NATS   live news of a director, published by the hub holding its agent socket
//   P.command.D    core NATS   request/reply: a command for D, answered by the hub holding its socket
//                              (queue group, so during a hand-over only one hub executes it)
//   P.events.D     JetStream   stored events, in the stream S (default LVSDECK_EVENTS) over P.events.>
//   P.access       core NATS   "access may have changed": every hub re-checks its sessions
//   P.weights      core NATS   a weight change's new state, from the hub acting on it (delivering a held one)
//
// Director ids may contain '.', NATS's token separator, but never '~' (ids are [A-Za-z0-9._-]), so a
// director's token is its id with every '.' replaced by '~': `lvs.dir.01` -> `lvs~dir~01`. The
// mapping is one-to-one, readable in `nats sub` output, and a token never holds '.', '*' or '>'.
//
// Every message carries the sending hub's id in the `Lvsdeck-Hub` header; a hub drops its own
// messages (except commands, which it may send to itself). Payloads are JSON, at most
// MAX_MESSAGE_BYTES, and validated with the protocol's schemas on receipt; anything else is counted
// as invalid and logged (rate-limited), never thrown into the hub.
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import {
  connect,
  headers as natsHeaders,
  nanos,
  RequestError,
  TimeoutError,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type Subscription,
} from "@nats-io/transport-node";
import {
  DiscardPolicy,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type Consumer,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JetStreamPublishOptions,
  type JsMsg,
  type StreamConfig,
} from "@nats-io/jetstream";
import {
  agentHelloSchema,
  commandResultSchema,
  directorIdSchema,
  directorSnapshotSchema,
  hubCommandSchema,
  hubEventSchema,
  weightChangeSchema,
  type AgentHello,
  type CommandResult,
  type DirectorId,
  type DirectorSnapshot,
  type HubCommand,
  type HubEvent,
  type WeightChange,
} from "@lvsdeck/protocol";
import type { Logger } from "@lvsdeck/log";

/** News about a director, from the hub holding its agent socket. */
export type DirectorMessage =
  | { kind: "connect"; hello: AgentHello; at: number }
  /** With the hello of the agent's connection, so a hub that joined after it can take the director up. */
  | { kind: "snapshot"; snapshot: DirectorSnapshot; hello: AgentHello; at: number }
  | { kind: "disconnect"; at: number }
  | { kind: "bad-data"; reason: string; at: number };

/** What a command sent to another hub came to: the agent's result, no answer in time, or nobody holding the director. */
export type RemoteOutcome = CommandResult | "timeout" | "gone";

/** One hub's connection to the cluster bus. No method throws into the caller except where its doc says it rejects. */
export interface ClusterBus {
  /** This hub's id on the bus: the one given to connectBus, or random per process. */
  readonly hubId: string;
  /**
   * Publishes this hub's news about a director it holds the socket of (core NATS, subject per
   * director). Fire and forget: while the bus is down the news is dropped (live state, superseded by
   * the next one), so on onStatus(true) the caller should republish what it holds.
   */
  publishDirector(director: DirectorId, message: DirectorMessage): void;
  /** Other hubs' director news (own messages are not delivered back), validated; an invalid message is logged and counted, never thrown. */
  onDirector(listener: (director: DirectorId, message: DirectorMessage, fromHub: string) => void): () => void;
  /**
   * While this hub holds `director`'s socket: answers other hubs' commands for it through `handler`;
   * returns the unsubscribe. Hubs serving the same director share a queue group, so one command is
   * executed once. The service is reachable once the server has the subscription (one round trip).
   */
  serveCommands(director: DirectorId, handler: (command: HubCommand) => Promise<RemoteOutcome>): () => void;
  /**
   * Sends a command for a director held by another hub and waits for its outcome: "gone" when no hub
   * serves that director (no responders) or the bus is down, "timeout" after timeoutMs. Never rejects.
   * A reply that is not a valid outcome becomes a failed CommandResult saying so.
   */
  request(director: DirectorId, command: HubCommand, timeoutMs: number): Promise<RemoteOutcome>;
  /**
   * Publishes a stored event into the JetStream stream (subject per director); `dedupKey` (e.g.
   * `${director}:${seq}`) is the Nats-Msg-Id so a resend within 2 minutes is stored once. Resolves
   * when JetStream acknowledged it (a duplicate counts as acknowledged); rejects if it could not
   * (bus down, invalid event, no JetStream answer).
   */
  publishEvent(event: HubEvent, dedupKey?: string): Promise<void>;
  /**
   * Events other hubs published, validated, from the moment of subscribing on (an ordered consumer
   * that starts at the stream's end when the bus connects). After a NATS outage the consumer resumes
   * after the last event it delivered, so events stored meanwhile (within the stream's max age) still
   * arrive, each once.
   */
  onEvent(listener: (event: HubEvent, fromHub: string) => void): () => void;
  /** Tells every other hub that access may have changed (a token revoked, a user disabled). Dropped while the bus is down. */
  publishAccessChange(): void;
  /** Hears other hubs' access changes. A hub that was cut off may have missed some: re-check on onStatus(true). */
  onAccessChange(listener: () => void): () => void;
  /** Tells every other hub a weight change's new state (this hub acted on it). Dropped while the bus is down. */
  publishWeightChange(change: WeightChange): void;
  /** Hears other hubs' weight changes, validated. */
  onWeightChange(listener: (change: WeightChange) => void): () => void;
  /**
   * Whether the connection to NATS is up now; listeners hear every change (false on disconnect, true
   * on reconnect). True is reported once the server has acknowledged the resent subscriptions, so
   * news published by others after it reaches this hub.
   */
  isUp(): boolean;
  onStatus(listener: (up: boolean) => void): () => void;
  /**
   * Counters for /metrics: messages published, received (valid, from other hubs), refused as invalid, and
   * this hub's own director news that NATS sent back to it (none: the connection sets `noEcho`).
   */
  stats(): { published: number; received: number; invalid: number; echoed: number };
  /** Stops the consumer, unsubscribes, drains and closes the connection; listeners hear nothing more. Idempotent. */
  close(): Promise<void>;
}

/** Options of connectBus. */
export interface ConnectBusOptions {
  /** NATS URL(s), e.g. `nats://nats-1:4222`. */
  servers: string | string[];
  log: Logger;
  /** This hub's id on the bus ([A-Za-z0-9._-], at most 64); random per process when absent. */
  hubId?: string;
  /** First subject token(s); default "lvsdeck". Hubs of one deployment must share it. */
  subjectPrefix?: string;
  /** The JetStream stream carrying events; default "LVSDECK_EVENTS". */
  streamName?: string;
}

/** Largest payload accepted from the bus (NATS's own max_payload, 1 MiB by default, is usually lower). */
export const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
/** The header naming the hub that sent a message. */
export const HUB_HEADER = "Lvsdeck-Hub";

// A hub must not hang at start on a server that accepts TCP but never speaks NATS.
const CONNECT_TIMEOUT_MS = 5_000;
// Short, so a restarted NATS is back in use within a fraction of a second; forever, so a hub outlives any outage.
const RECONNECT_WAIT_MS = 250;
// A dead server that sent no FIN is noticed after PING_INTERVAL_MS * MAX_PINGS_OUT.
const PING_INTERVAL_MS = 5_000;
const MAX_PINGS_OUT = 3;
// The stream only carries events between hubs (PostgreSQL is the record): an hour covers any outage
// worth replaying, a byte cap bounds the disk, and the window is how long a resend is recognised.
const EVENT_MAX_AGE_MS = 60 * 60 * 1000;
const EVENT_STREAM_MAX_BYTES = 1024 * 1024 * 1024;
const DUPLICATE_WINDOW_MS = 2 * 60 * 1000;
const PUBLISH_ACK_TIMEOUT_MS = 5_000;
// Re-creating the event consumer after an outage: JetStream may still be recovering its store when
// the connection is back, so attempts are paced (doubling up to the cap) rather than spun.
const FEED_RETRY_FIRST_MS = 250;
const FEED_RETRY_MAX_MS = 2_000;
const WARN_EVERY_MS = 10_000;
const MAX_REASON_CHARS = 500;
const COMMAND_QUEUE = "lvsdeck-command";

const HUB_ID = /^[A-Za-z0-9._-]{1,64}$/;
const SUBJECT_PREFIX = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const STREAM_NAME = /^[A-Za-z0-9_-]{1,64}$/;

// ---- wire schemas ------------------------------------------------------------------------------

const directorMessageSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("connect"), hello: agentHelloSchema, at: z.number() }),
  z.object({ kind: z.literal("snapshot"), snapshot: directorSnapshotSchema, hello: agentHelloSchema, at: z.number() }),
  z.object({ kind: z.literal("disconnect"), at: z.number() }),
  z.object({ kind: z.literal("bad-data"), reason: z.string().max(MAX_REASON_CHARS), at: z.number() }),
]);
const accessChangeSchema = z.object({ at: z.number() });
const remoteOutcomeSchema = z.union([z.literal("timeout"), z.literal("gone"), commandResultSchema]);

/** A director id as one subject token: '.' becomes '~' (see the header comment). */
function directorToken(director: DirectorId): string {
  return director.replaceAll(".", "~");
}

/** The director id a subject token stands for, or undefined when it is not one. */
function directorOfToken(token: string | undefined): DirectorId | undefined {
  if (token === undefined) return undefined;
  const parsed = directorIdSchema.safeParse(token.replaceAll("~", "."));
  return parsed.success ? parsed.data : undefined;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A failed CommandResult, for commands the bus itself could not carry through. */
function failedResult(commandId: string, error: string): CommandResult {
  return { type: "command-result", commandId: commandId.slice(0, 64), ok: false, observedWeight: null, error, detail: null };
}

/** Warns at most once per WARN_EVERY_MS per key (keys are a fixed set), saying how many were held back. */
function rateLimitedWarn(log: Logger): (key: string, message: string, fields?: Record<string, unknown>) => void {
  const seen = new Map<string, { at: number; suppressed: number }>();
  return (key, message, fields) => {
    const now = Date.now();
    const entry = seen.get(key);
    if (entry && now - entry.at < WARN_EVERY_MS) {
      entry.suppressed++;
      return;
    }
    log.warn(message, { ...fields, ...(entry && entry.suppressed > 0 ? { suppressed: entry.suppressed } : {}) });
    seen.set(key, { at: now, suppressed: 0 });
  };
}

/** Calls every listener, so one that throws neither stops the others nor reaches NATS's dispatch. */
function emit<A extends unknown[]>(listeners: Set<(...args: A) => void>, log: Logger, what: string, ...args: A): void {
  for (const listener of [...listeners]) {
    try {
      listener(...args);
    } catch (error) {
      log.error(`cluster bus: a ${what} listener threw`, { error: errorText(error) });
    }
  }
}

function subscribeTo<A extends unknown[]>(listeners: Set<(...args: A) => void>, listener: (...args: A) => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

function isAlreadyInUse(error: unknown): boolean {
  // 10058: stream name already in use with a different configuration; the text covers older servers.
  return (error instanceof JetStreamApiError && error.code === 10058) || /already in use|already exists/i.test(errorText(error));
}

/**
 * Connects this hub to the cluster bus: connects to NATS (reconnecting forever afterwards), creates
 * or updates the event stream, starts the event consumer and the subscriptions. Resolves once all of
 * that is in place and acknowledged by the server; rejects with a message naming the URL when NATS
 * cannot be reached within a few seconds or has no usable JetStream. Several hubs may call it at once.
 */
export async function connectBus(options: ConnectBusOptions): Promise<ClusterBus> {
  const { log } = options;
  const servers = Array.isArray(options.servers) ? options.servers : [options.servers];
  const where = servers.join(", ");
  const hubId = options.hubId ?? `${hostname().replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 40)}-${randomBytes(4).toString("hex")}`;
  const prefix = options.subjectPrefix ?? "lvsdeck";
  const streamName = options.streamName ?? "LVSDECK_EVENTS";
  if (!HUB_ID.test(hubId)) throw new Error(`cluster bus: hub id ${JSON.stringify(hubId)} must be 1-64 of [A-Za-z0-9._-]`);
  if (!SUBJECT_PREFIX.test(prefix)) throw new Error(`cluster bus: subject prefix ${JSON.stringify(prefix)} must be dot-separated tokens of [A-Za-z0-9_-]`);
  if (!STREAM_NAME.test(streamName)) throw new Error(`cluster bus: stream name ${JSON.stringify(streamName)} must be 1-64 of [A-Za-z0-9_-]`);

  let nc: NatsConnection;
  try {
    nc = await connect({
      servers,
      name: `lvsdeck-hub ${hubId}`,
      timeout: CONNECT_TIMEOUT_MS,
      maxReconnectAttempts: -1,
      reconnectTimeWait: RECONNECT_WAIT_MS,
      pingInterval: PING_INTERVAL_MS,
      maxPingOut: MAX_PINGS_OUT,
      // A hub's own snapshots are no news to it: without this NATS sends each one back, doubling the
      // bytes it writes. Commands are only forwarded for directors held elsewhere, so none is lost.
      noEcho: true,
    });
  } catch (error) {
    throw new Error(`cluster bus: cannot connect to NATS at ${where}: ${errorText(error)}`, { cause: error });
  }

  const bus = new NatsBus(nc, { log, hubId, prefix, streamName });
  try {
    await bus.start();
  } catch (error) {
    await bus.close();
    throw new Error(`cluster bus: NATS at ${where} is reachable but its JetStream is not usable (is it started with -js?): ${errorText(error)}`, { cause: error });
  }
  log.info("cluster bus connected", { servers: where, hubId, subjectPrefix: prefix, stream: streamName });
  return bus;
}

class NatsBus implements ClusterBus {
  readonly hubId: string;
  private readonly log: Logger;
  private readonly warn: ReturnType<typeof rateLimitedWarn>;
  private readonly prefix: string;
  private readonly streamName: string;
  private readonly js: JetStreamClient;
  private jsm: JetStreamManager | undefined;

  private readonly directorListeners = new Set<(director: DirectorId, message: DirectorMessage, fromHub: string) => void>();
  private readonly eventListeners = new Set<(event: HubEvent, fromHub: string) => void>();
  private readonly accessListeners = new Set<() => void>();
  private readonly weightListeners = new Set<(change: WeightChange) => void>();
  private readonly statusListeners = new Set<(up: boolean) => void>();
  private readonly subscriptions = new Set<Subscription>();
  private readonly counters = { published: 0, received: 0, invalid: 0, echoed: 0 };

  private up = true;
  /** Bumped on every disconnect and reconnect, so a late flush cannot report a connection that is gone again. */
  private connectionEpoch = 0;
  private closing: Promise<void> | undefined;
  /** Ends the pause of a feed retry at once when the bus closes. */
  private readonly closed = new AbortController();

  // The event feed: one ordered consumer at a time, resumed after lastEventSeq (a stream sequence).
  private feed: { consumer: Consumer; messages: ConsumerMessages } | undefined;
  /** Consumers stopped while disconnected, deleted once the connection is back. */
  private readonly abandoned = new Set<Consumer>();
  private lastEventSeq = 0;
  private feedRestart: Promise<void> | undefined;
  private feedRestartAgain = false;

  constructor(
    private readonly nc: NatsConnection,
    settings: { log: Logger; hubId: string; prefix: string; streamName: string },
  ) {
    this.hubId = settings.hubId;
    this.log = settings.log;
    this.warn = rateLimitedWarn(settings.log);
    this.prefix = settings.prefix;
    this.streamName = settings.streamName;
    this.js = jetstream(nc, { timeout: PUBLISH_ACK_TIMEOUT_MS });
  }

  /** Stream, event feed, subscriptions and status tracking; resolves once the server has all of them. */
  async start(): Promise<void> {
    this.watchStatus();
    this.jsm = await jetstreamManager(this.nc, { timeout: PUBLISH_ACK_TIMEOUT_MS });
    await this.ensureStream();
    const info = await this.jsm.streams.info(this.streamName);
    this.lastEventSeq = info.state.last_seq;
    await this.openFeed();
    this.listen(`${this.prefix}.director.*`, (msg) => this.receiveDirector(msg));
    this.listen(`${this.prefix}.access`, (msg) => this.receiveAccess(msg));
    this.listen(`${this.prefix}.weights`, (msg) => this.receiveWeightChange(msg));
    // The server handles a connection's frames in order: once it answers this ping, it has the subscriptions.
    await this.nc.flush();
  }

  // ---- status ------------------------------------------------------------------------------------

  private watchStatus(): void {
    const follow = async () => {
      for await (const status of this.nc.status()) {
        switch (status.type) {
          case "disconnect":
            this.connectionEpoch++;
            this.log.warn("cluster bus: NATS connection lost, reconnecting", { server: status.server });
            // Stopped now, before the client's own reconnect logic could try to revive it: the feed is
            // re-created from our own position once the connection is back (see resumeAfterReconnect).
            this.stopFeed(false);
            this.setUp(false);
            break;
          case "reconnect":
            this.resumeAfterReconnect(status.server);
            break;
          case "error":
            this.warn("status-error", "cluster bus: NATS reported an error", { error: errorText(status.error) });
            break;
          case "staleConnection":
            this.warn("status-stale", "cluster bus: NATS did not answer pings; reconnecting");
            break;
          case "ldm":
            this.log.warn("cluster bus: NATS server is entering lame duck mode", { server: status.server });
            break;
          default:
            break;
        }
      }
    };
    follow().catch((error: unknown) => this.log.error("cluster bus: status watch ended", { error: errorText(error) }));
    this.nc
      .closed()
      .then((error) => {
        this.setUp(false);
        if (!this.closing) this.log.error("cluster bus: NATS connection closed for good", { error: error ? errorText(error) : "closed" });
      })
      .catch(() => {});
  }

  private resumeAfterReconnect(server: string): void {
    const epoch = ++this.connectionEpoch;
    // The client has resent every subscription; up is reported once the server answered a ping after
    // them, so whoever reacts to "up" (say, by republishing its directors) is heard by this hub too.
    this.nc
      .flush()
      .then(() => {
        if (epoch !== this.connectionEpoch || this.closing) return;
        this.log.info("cluster bus: NATS connection back", { server });
        this.setUp(true);
        this.restartFeed();
      })
      .catch(() => {
        // Lost again before the server answered: the next reconnect starts over.
      });
  }

  private setUp(up: boolean): void {
    if (this.up === up) return;
    this.up = up;
    if (!this.closing) emit(this.statusListeners, this.log, "status", up);
  }

  // ---- core subscriptions ------------------------------------------------------------------------

  private listen(subject: string, receive: (msg: Msg) => void, queue?: string): Subscription {
    const sub = this.nc.subscribe(subject, {
      ...(queue === undefined ? {} : { queue }),
      callback: (error, msg) => {
        if (error) {
          // Only a permissions error ends a subscription; the hub keeps running without it.
          this.log.error("cluster bus: subscription failed", { subject, error: errorText(error) });
          return;
        }
        receive(msg);
      },
    });
    this.subscriptions.add(sub);
    void sub.closed.then(() => this.subscriptions.delete(sub));
    return sub;
  }

  /**
   * The sender and JSON body of a message, or undefined after counting it as invalid. This hub's own
   * messages come back as "own" (not parsed) unless `acceptOwn`.
   */
  private decode(what: string, subject: string, data: Uint8Array, hdrs: MsgHdrs | undefined, acceptOwn = false): { fromHub: string; body: unknown } | "own" | undefined {
    const fromHub = hdrs?.get(HUB_HEADER) ?? "";
    if (fromHub === this.hubId && !acceptOwn) return "own";
    if (!HUB_ID.test(fromHub)) return this.refuse(what, subject, `no valid ${HUB_HEADER} header`);
    if (data.length > MAX_MESSAGE_BYTES) return this.refuse(what, subject, `${data.length} bytes, more than ${MAX_MESSAGE_BYTES}`, fromHub);
    try {
      return { fromHub, body: JSON.parse(decoder.decode(data)) as unknown };
    } catch (error) {
      return this.refuse(what, subject, `not JSON: ${errorText(error)}`, fromHub);
    }
  }

  private refuse(what: string, subject: string, reason: string, fromHub?: string): undefined {
    this.counters.invalid++;
    this.warn(`invalid-${what}`, `cluster bus: refused an invalid ${what} message`, { subject, reason: reason.slice(0, 300), ...(fromHub ? { fromHub } : {}) });
    return undefined;
  }

  private hubHeaders(): MsgHdrs {
    const hdrs = natsHeaders();
    hdrs.set(HUB_HEADER, this.hubId);
    return hdrs;
  }

  /** Publishes JSON on core NATS unless the bus is down or closed; never throws. */
  private publishCore(what: string, subject: string, body: unknown): void {
    if (this.closing) return;
    if (!this.up) {
      this.warn(`down-${what}`, `cluster bus: NATS is down, ${what} news dropped`, { subject });
      return;
    }
    try {
      const data = encoder.encode(JSON.stringify(body));
      if (data.length > MAX_MESSAGE_BYTES) throw new Error(`${data.length} bytes, more than ${MAX_MESSAGE_BYTES}`);
      this.nc.publish(subject, data, { headers: this.hubHeaders() });
      this.counters.published++;
    } catch (error) {
      // e.g. larger than the server's max_payload, or the connection closed meanwhile.
      this.warn(`publish-${what}`, `cluster bus: could not publish ${what} news`, { subject, error: errorText(error) });
    }
  }

  // ---- director news -----------------------------------------------------------------------------

  publishDirector(director: DirectorId, message: DirectorMessage): void {
    const body = message.kind === "bad-data" && message.reason.length > MAX_REASON_CHARS ? { ...message, reason: message.reason.slice(0, MAX_REASON_CHARS) } : message;
    this.publishCore("director", `${this.prefix}.director.${directorToken(director)}`, body);
  }

  onDirector(listener: (director: DirectorId, message: DirectorMessage, fromHub: string) => void): () => void {
    return subscribeTo(this.directorListeners, listener);
  }

  private receiveDirector(msg: Msg): void {
    const decoded = this.decode("director", msg.subject, msg.data, msg.headers);
    if (decoded === "own") this.counters.echoed++;
    if (decoded === "own" || decoded === undefined) return;
    const director = directorOfToken(msg.subject.slice(`${this.prefix}.director.`.length));
    if (!director) return this.refuse("director", msg.subject, "subject names no valid director", decoded.fromHub);
    const parsed = directorMessageSchema.safeParse(decoded.body);
    if (!parsed.success) return this.refuse("director", msg.subject, parsed.error.message, decoded.fromHub);
    const message: DirectorMessage = parsed.data;
    const named = message.kind === "connect" ? message.hello.director : message.kind === "snapshot" ? message.snapshot.director : director;
    if (named !== director || (message.kind === "snapshot" && message.hello.director !== director)) return this.refuse("director", msg.subject, `body is about ${named}`, decoded.fromHub);
    this.counters.received++;
    emit(this.directorListeners, this.log, "director", director, message, decoded.fromHub);
  }

  // ---- commands ----------------------------------------------------------------------------------

  serveCommands(director: DirectorId, handler: (command: HubCommand) => Promise<RemoteOutcome>): () => void {
    if (this.closing) return () => {};
    const sub = this.listen(
      `${this.prefix}.command.${directorToken(director)}`,
      (msg) => {
        this.answer(msg, handler).catch((error: unknown) => this.log.error("cluster bus: answering a command failed", { director, error: errorText(error) }));
      },
      COMMAND_QUEUE,
    );
    return () => {
      if (!sub.isClosed()) sub.unsubscribe();
    };
  }

  private async answer(msg: Msg, handler: (command: HubCommand) => Promise<RemoteOutcome>): Promise<void> {
    if (!msg.reply) {
      this.refuse("command", msg.subject, "a command without a reply subject");
      return;
    }
    // A command carrying this hub's own id cannot arrive (noEcho); one that claims it is answered all the same.
    const decoded = this.decode("command", msg.subject, msg.data, msg.headers, true);
    if (decoded === undefined || decoded === "own") {
      this.reply(msg, failedResult("", "the cluster bus refused the command: not a valid message"));
      return;
    }
    const parsed = hubCommandSchema.safeParse(decoded.body);
    if (!parsed.success) {
      this.refuse("command", msg.subject, parsed.error.message, decoded.fromHub);
      const id = (decoded.body as { id?: unknown } | null)?.id;
      this.reply(msg, failedResult(typeof id === "string" ? id : "", "the cluster bus refused the command: it does not match the protocol"));
      return;
    }
    this.counters.received++;
    let outcome: RemoteOutcome;
    try {
      outcome = await handler(parsed.data);
    } catch (error) {
      outcome = failedResult(parsed.data.id, `the hub holding the director failed: ${errorText(error)}`);
    }
    const checked = remoteOutcomeSchema.safeParse(outcome);
    if (!checked.success) {
      this.log.error("cluster bus: a command handler gave an invalid outcome", { subject: msg.subject, error: checked.error.message.slice(0, 300) });
      outcome = failedResult(parsed.data.id, "the hub holding the director gave an invalid result");
    }
    this.reply(msg, checked.success ? checked.data : outcome, parsed.data.id);
  }

  private reply(msg: Msg, outcome: RemoteOutcome, commandId = ""): void {
    try {
      msg.respond(encoder.encode(JSON.stringify(outcome)), { headers: this.hubHeaders() });
      this.counters.published++;
    } catch (error) {
      // Most likely larger than the server's max_payload (a big connections page): say so instead.
      try {
        msg.respond(encoder.encode(JSON.stringify(failedResult(commandId, `the result could not cross the cluster bus: ${errorText(error)}`))), { headers: this.hubHeaders() });
      } catch {
        this.warn("reply", "cluster bus: could not reply to a command", { subject: msg.subject, error: errorText(error) });
      }
    }
  }

  async request(director: DirectorId, command: HubCommand, timeoutMs: number): Promise<RemoteOutcome> {
    if (this.closing || !this.up) return "gone";
    const subject = `${this.prefix}.command.${directorToken(director)}`;
    let reply: Msg;
    try {
      const data = encoder.encode(JSON.stringify(command));
      this.counters.published++;
      reply = await this.nc.request(subject, data, { timeout: Math.max(1, Math.round(timeoutMs)), headers: this.hubHeaders() });
    } catch (error) {
      if (error instanceof TimeoutError || (error instanceof RequestError && error.cause instanceof TimeoutError)) return "timeout";
      if (error instanceof RequestError && error.isNoResponders()) return "gone";
      // The connection dropped or closed while waiting, or the command could not be sent at all.
      this.warn("request", "cluster bus: a command request failed", { subject, error: errorText(error) });
      return "gone";
    }
    if (reply.data.length > MAX_MESSAGE_BYTES) {
      this.refuse("reply", subject, `${reply.data.length} bytes, more than ${MAX_MESSAGE_BYTES}`);
      return failedResult(command.id, "the hub holding the director sent an invalid reply");
    }
    let body: unknown;
    try {
      body = JSON.parse(decoder.decode(reply.data));
    } catch (error) {
      this.refuse("reply", subject, `not JSON: ${errorText(error)}`);
      return failedResult(command.id, "the hub holding the director sent an invalid reply");
    }
    const parsed = remoteOutcomeSchema.safeParse(body);
    if (!parsed.success) {
      this.refuse("reply", subject, parsed.error.message);
      return failedResult(command.id, "the hub holding the director sent an invalid reply");
    }
    this.counters.received++;
    return parsed.data;
  }

  // ---- events ------------------------------------------------------------------------------------

  async publishEvent(event: HubEvent, dedupKey?: string): Promise<void> {
    if (this.closing) throw new Error("cluster bus: closed, event not published");
    if (!this.up) throw new Error(`cluster bus: NATS is down, event ${event.id} of ${event.director} not published`);
    const parsed = hubEventSchema.safeParse(event);
    if (!parsed.success) throw new Error(`cluster bus: event ${event.id} of ${event.director} does not match the protocol: ${parsed.error.message}`);
    if (dedupKey !== undefined && (dedupKey.length === 0 || /[\r\n]/.test(dedupKey))) throw new Error(`cluster bus: dedup key ${JSON.stringify(dedupKey)} cannot be a header value`);
    const data = encoder.encode(JSON.stringify(parsed.data));
    if (data.length > MAX_MESSAGE_BYTES) throw new Error(`cluster bus: event ${event.id} of ${event.director} is ${data.length} bytes, more than ${MAX_MESSAGE_BYTES}`);
    const options: Partial<JetStreamPublishOptions> = { headers: this.hubHeaders(), timeout: PUBLISH_ACK_TIMEOUT_MS };
    if (dedupKey !== undefined) options.msgID = dedupKey;
    try {
      await this.js.publish(`${this.prefix}.events.${directorToken(event.director)}`, data, options);
    } catch (error) {
      throw new Error(`cluster bus: event ${event.id} of ${event.director} not stored in ${this.streamName}: ${errorText(error)}`, { cause: error });
    }
    this.counters.published++;
  }

  onEvent(listener: (event: HubEvent, fromHub: string) => void): () => void {
    return subscribeTo(this.eventListeners, listener);
  }

  private receiveEvent(msg: JsMsg): void {
    // The feed is re-created from lastEventSeq after an outage; a message at or before it was delivered already.
    if (msg.seq <= this.lastEventSeq) return;
    this.lastEventSeq = msg.seq;
    const decoded = this.decode("event", msg.subject, msg.data, msg.headers);
    if (decoded === "own" || decoded === undefined) return;
    const parsed = hubEventSchema.safeParse(decoded.body);
    if (!parsed.success) return this.refuse("event", msg.subject, parsed.error.message, decoded.fromHub);
    if (msg.subject !== `${this.prefix}.events.${directorToken(parsed.data.director)}`) return this.refuse("event", msg.subject, `body is about ${parsed.data.director}`, decoded.fromHub);
    this.counters.received++;
    emit(this.eventListeners, this.log, "event", parsed.data, decoded.fromHub);
  }

  /** Creates the stream, or brings an existing one to this configuration; safe to race with other hubs. */
  private async ensureStream(): Promise<void> {
    const jsm = this.requireJsm();
    const limits = {
      subjects: [`${this.prefix}.events.>`],
      max_age: nanos(EVENT_MAX_AGE_MS),
      max_bytes: EVENT_STREAM_MAX_BYTES,
      duplicate_window: nanos(DUPLICATE_WINDOW_MS),
      discard: DiscardPolicy.Old,
    } satisfies Partial<StreamConfig>;
    try {
      await jsm.streams.add({ name: this.streamName, storage: StorageType.File, retention: RetentionPolicy.Limits, ...limits });
    } catch (error) {
      // Another hub created it first, or an older hub with other limits: adopt this hub's limits.
      // (Storage cannot be changed by an update, so it is left as found.)
      if (!isAlreadyInUse(error)) throw error;
      await jsm.streams.update(this.streamName, limits);
    }
  }

  /** Opens an ordered consumer delivering the events after lastEventSeq. */
  private async openFeed(): Promise<void> {
    const consumer = await this.js.consumers.get(this.streamName, { opt_start_seq: this.lastEventSeq + 1 });
    const messages = await consumer.consume({ callback: (msg) => this.receiveEvent(msg) });
    if (this.closing) {
      messages.stop();
      return;
    }
    this.feed = { consumer, messages };
    // The client gives up on an ordered consumer only after many failed re-creations; take over then.
    messages
      .closed()
      .then((error) => {
        if (error && this.feed?.messages === messages && !this.closing) {
          this.log.warn("cluster bus: event consumer stopped, re-creating it", { error: errorText(error) });
          this.feed = undefined;
          this.restartFeed();
        }
      })
      .catch(() => {});
  }

  /** Stops the feed; its consumer is deleted now, or once the connection is back when `deleteNow` is false. */
  private stopFeed(deleteNow: boolean): void {
    const feed = this.feed;
    this.feed = undefined;
    if (feed) {
      feed.messages.stop();
      this.abandoned.add(feed.consumer);
    }
    if (!deleteNow) return;
    // The server drops an idle ordered consumer by itself (after 5 minutes, or at once when it restarts
    // without it); deleting it now is a courtesy, so a failure is of no interest.
    for (const consumer of this.abandoned) consumer.delete().catch(() => {});
    this.abandoned.clear();
  }

  /**
   * Re-creates the event feed from lastEventSeq (one attempt at a time; a request made meanwhile runs
   * again after it). Gives up quietly while the bus is down: the next reconnect calls it again.
   */
  private restartFeed(): void {
    if (this.feedRestart) {
      this.feedRestartAgain = true;
      return;
    }
    const run = async () => {
      do {
        this.feedRestartAgain = false;
        this.stopFeed(this.up);
        for (let attempt = 0; this.up && !this.closing; attempt++) {
          try {
            // The server may have come back with an empty store: the stream is re-created if missing.
            await this.ensureStream();
            const info = await this.requireJsm().streams.info(this.streamName);
            // A stream that was re-created numbers from 1 again: follow it from its current end.
            if (info.state.last_seq < this.lastEventSeq) this.lastEventSeq = info.state.last_seq;
            await this.openFeed();
            this.log.info("cluster bus: event consumer resumed", { afterSeq: this.lastEventSeq });
            break;
          } catch (error) {
            this.warn("feed", "cluster bus: could not resume the event consumer yet, retrying", { attempt, error: errorText(error) });
            await this.pause(Math.min(FEED_RETRY_MAX_MS, FEED_RETRY_FIRST_MS * 2 ** attempt));
          }
        }
      } while (this.feedRestartAgain && this.up && !this.closing);
    };
    this.feedRestart = run()
      .catch((error: unknown) => this.log.error("cluster bus: resuming the event consumer failed", { error: errorText(error) }))
      .finally(() => {
        this.feedRestart = undefined;
      });
  }

  private requireJsm(): JetStreamManager {
    if (!this.jsm) throw new Error("JetStream manager not ready");
    return this.jsm;
  }

  /** Paces a retry; ends early when the bus closes. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const signal = this.closed.signal;
      function done() {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      }
      signal.addEventListener("abort", done, { once: true });
    });
  }

  // ---- access ------------------------------------------------------------------------------------

  publishAccessChange(): void {
    this.publishCore("access", `${this.prefix}.access`, { at: Date.now() });
  }

  onAccessChange(listener: () => void): () => void {
    return subscribeTo(this.accessListeners, listener);
  }

  private receiveAccess(msg: Msg): void {
    const decoded = this.decode("access", msg.subject, msg.data, msg.headers);
    if (decoded === "own" || decoded === undefined) return;
    const parsed = accessChangeSchema.safeParse(decoded.body);
    if (!parsed.success) return this.refuse("access", msg.subject, parsed.error.message, decoded.fromHub);
    this.counters.received++;
    emit(this.accessListeners, this.log, "access");
  }

  // ---- weight changes ----------------------------------------------------------------------------

  publishWeightChange(change: WeightChange): void {
    this.publishCore("weights", `${this.prefix}.weights`, change);
  }

  onWeightChange(listener: (change: WeightChange) => void): () => void {
    return subscribeTo(this.weightListeners, listener);
  }

  private receiveWeightChange(msg: Msg): void {
    const decoded = this.decode("weights", msg.subject, msg.data, msg.headers);
    if (decoded === "own" || decoded === undefined) return;
    const parsed = weightChangeSchema.safeParse(decoded.body);
    if (!parsed.success) return this.refuse("weights", msg.subject, parsed.error.message, decoded.fromHub);
    this.counters.received++;
    emit(this.weightListeners, this.log, "weights", parsed.data);
  }

  // ---- status, stats, close ----------------------------------------------------------------------

  isUp(): boolean {
    return this.up && !this.closing;
  }

  onStatus(listener: (up: boolean) => void): () => void {
    return subscribeTo(this.statusListeners, listener);
  }

  stats(): { published: number; received: number; invalid: number; echoed: number } {
    return { ...this.counters };
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closed.abort();
    this.directorListeners.clear();
    this.eventListeners.clear();
    this.accessListeners.clear();
    this.weightListeners.clear();
    this.statusListeners.clear();
    this.stopFeed(this.up);
    await this.feedRestart;
    for (const sub of this.subscriptions) sub.unsubscribe();
    this.subscriptions.clear();
    if (this.nc.isClosed()) return;
    try {
      // Drain sends what is still queued; with the server away there is nothing to drain into.
      if (this.up) await this.nc.drain();
      else await this.nc.close();
    } catch {
      await this.nc.close().catch(() => {});
    }
  }
}
