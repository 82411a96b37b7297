// The cluster bus against a real nats-server (JetStream on): two buses stand for two hubs sharing it.
// Every wait is on a condition (vi.waitFor, or a listener having heard something); nothing sleeps.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { connect, headers, nanos, type NatsConnection } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import {
  PROTOCOL_VERSION,
  hubCommandSchema,
  realServerKeyOf,
  serviceKeyOf,
  type AgentHello,
  type CommandResult,
  type DirectorId,
  type HubCommand,
  type HubEvent,
} from "@lvsdeck/protocol";
import { sampleSnapshot } from "@lvsdeck/protocol/testFixtures";
import type { Logger } from "@lvsdeck/log";
import { connectBus, type ClusterBus, type DirectorMessage } from "../src/cluster/natsBus";
import { startNats, type NatsServer } from "./services";

const HOOK_MS = 60_000;
const WAIT = { timeout: 15_000, interval: 20 };
// A restarted nats-server must recover its store and the clients must find it again.
const RESTART_WAIT = { timeout: 30_000, interval: 20 };

interface LogLine {
  level: "info" | "warn" | "error";
  message: string;
  fields: Record<string, unknown> | undefined;
}

function recordingLog(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const record = (level: LogLine["level"]) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, fields });
  };
  return { lines, log: { info: record("info"), warn: record("warn"), error: record("error") } };
}

interface HeardDirector {
  director: DirectorId;
  message: DirectorMessage;
  fromHub: string;
}

/** Everything one bus's listeners heard. */
function listenTo(bus: ClusterBus) {
  const heard = { directors: [] as HeardDirector[], events: [] as { event: HubEvent; fromHub: string }[], access: 0, status: [] as boolean[] };
  bus.onDirector((director, message, fromHub) => heard.directors.push({ director, message, fromHub }));
  bus.onEvent((event, fromHub) => heard.events.push({ event, fromHub }));
  bus.onAccessChange(() => heard.access++);
  bus.onStatus((up) => heard.status.push(up));
  return heard;
}

const id = (text: string) => text as DirectorId;

function hello(director: DirectorId): AgentHello {
  return { type: "hello", protocolVersion: PROTOCOL_VERSION, director, agentVersion: "test", sources: ["ipvs"], capabilities: ["set-weight"], weightMode: "runtime", tickMs: 1000 };
}

function setWeight(commandId: string, weight: number): HubCommand {
  return hubCommandSchema.parse({ type: "command", id: commandId, command: { kind: "set-weight", service: "TCP 192.0.2.10:443", realServer: "192.0.2.11:443", weight } });
}

function applied(command: HubCommand): CommandResult {
  return { type: "command-result", commandId: command.id, ok: true, observedWeight: command.command.kind === "set-weight" ? command.command.weight : null, error: null, detail: "applied" };
}

function keepalivedEvent(director: DirectorId, eventId: number, seq: number): HubEvent {
  const at = 1_700_000_000_000 + seq;
  return { id: eventId, director, seq, observedAt: at, receivedAt: at + 1, event: { kind: "keepalived", running: true, detail: "started", at } };
}

describe("cluster bus: two hubs on one nats-server", () => {
  let server: NatsServer;
  let raw: NatsConnection;
  let a: ClusterBus;
  let b: ClusterBus;
  let heardByA: ReturnType<typeof listenTo>;
  let heardByB: ReturnType<typeof listenTo>;
  const logA = recordingLog();
  const logB = recordingLog();

  beforeAll(async () => {
    server = await startNats();
    [a, b] = await Promise.all([connectBus({ servers: server.url, log: logA.log, hubId: "hub-a" }), connectBus({ servers: server.url, log: logB.log, hubId: "hub-b" })]);
    heardByA = listenTo(a);
    heardByB = listenTo(b);
    raw = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
  }, HOOK_MS);

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await raw?.close();
    await server?.dispose();
  }, HOOK_MS);

  it("carries director news from A to B, never back to A, dotted director ids included", async () => {
    expect(a.hubId).toBe("hub-a");
    expect(a.isUp()).toBe(true);
    const director = id("lvs.dir.01");
    // The id's dots are '~' in its subject token, so it stays one token.
    const onWire = raw.subscribe("lvsdeck.director.lvs~dir~01", { max: 1 });
    await raw.flush();

    const messages: DirectorMessage[] = [
      { kind: "connect", hello: hello(director), at: 1 },
      { kind: "snapshot", snapshot: sampleSnapshot(director, 2), hello: hello(director), at: 2 },
      { kind: "bad-data", reason: "a frame was not JSON", at: 3 },
      { kind: "disconnect", at: 4 },
    ];
    for (const message of messages) a.publishDirector(director, message);

    await vi.waitFor(() => expect(heardByB.directors.filter((h) => h.director === director)).toHaveLength(4), WAIT);
    expect(heardByB.directors.filter((h) => h.director === director)).toEqual(messages.map((message) => ({ director, message, fromHub: "hub-a" })));
    for await (const msg of onWire) expect(msg.headers?.get("Lvsdeck-Hub")).toBe("hub-a");

    // The server queues A's echoes before B has even received the news, so once A hears B's answer
    // it would have heard its own news already.
    b.publishDirector(id("lvs-dir-ack"), { kind: "disconnect", at: 5 });
    await vi.waitFor(() => expect(heardByA.directors.map((h) => h.director)).toContain("lvs-dir-ack"), WAIT);
    expect(heardByA.directors).toEqual([{ director: "lvs-dir-ack", message: { kind: "disconnect", at: 5 }, fromHub: "hub-b" }]);
    // Nor did NATS send A's news back to A: a snapshot crosses the server once, not twice.
    expect(a.stats().echoed).toBe(0);
  });

  it("carries a 100 x 100 director's full snapshot (about 5 MB of JSON) within the 8 MB max_payload the hub's README asks for", async () => {
    const director = id("lvs-dir-big");
    const base = sampleSnapshot(director, 10);
    const service = base.services[0]!;
    const realServer = { ...service.realServers[0]!, activeConns: 12_345, inactiveConns: 67_890, states: { ESTABLISHED: 12_345, TIME_WAIT: 60_000, FIN_WAIT: 7_000, SYN_RECV: 12 } };
    const services = Array.from({ length: 100 }, (_, s) => ({
      ...service,
      key: serviceKeyOf("TCP", `198.51.100.${s + 1}`, 443),
      address: `198.51.100.${s + 1}`,
      port: 443,
      realServers: Array.from({ length: 100 }, (_, r) => ({ ...realServer, key: realServerKeyOf(`203.0.113.${r + 1}`, 8000 + s), address: `203.0.113.${r + 1}`, port: 8000 + s })),
    }));
    const snapshot = { ...base, services };
    const bytes = JSON.stringify({ kind: "snapshot", snapshot, hello: hello(director), at: 11 }).length;
    expect(bytes).toBeGreaterThan(3_000_000);
    expect(bytes).toBeLessThan(8 * 1024 * 1024);
    a.publishDirector(director, { kind: "snapshot", snapshot, hello: hello(director), at: 11 });
    await vi.waitFor(() => expect(heardByB.directors.some((h) => h.director === director)).toBe(true), WAIT);
    const heard = heardByB.directors.find((h) => h.director === director)?.message;
    expect(heard?.kind === "snapshot" ? heard.snapshot.services.flatMap((s) => s.realServers) : []).toHaveLength(10_000);
  });

  it("counts and drops invalid director news without throwing", async () => {
    const invalidBefore = b.stats().invalid;
    const heardBefore = heardByB.directors.length;
    const from = (hub: string) => {
      const h = headers();
      h.set("Lvsdeck-Hub", hub);
      return h;
    };
    raw.publish("lvsdeck.director.lvs-dir-02", "{not json", { headers: from("hub-raw") });
    raw.publish("lvsdeck.director.lvs-dir-02", JSON.stringify({ kind: "snapshot", snapshot: { director: "lvs-dir-02" }, at: 1 }), { headers: from("hub-raw") });
    raw.publish("lvsdeck.director.lvs-dir-02", JSON.stringify({ kind: "disconnect", at: 1 })); // No hub header.
    raw.publish("lvsdeck.director.lvs-dir-02", JSON.stringify({ kind: "connect", hello: hello(id("someone-else")), at: 1 }), { headers: from("hub-raw") });
    raw.publish("lvsdeck.director.-not-a-director", JSON.stringify({ kind: "disconnect", at: 1 }), { headers: from("hub-raw") });
    // One connection's messages arrive in order: once this valid one is heard, the five are judged.
    raw.publish("lvsdeck.director.lvs-dir-02", JSON.stringify({ kind: "disconnect", at: 2 }), { headers: from("hub-raw") });

    await vi.waitFor(() => expect(heardByB.directors.length).toBe(heardBefore + 1), WAIT);
    expect(heardByB.directors.at(-1)).toEqual({ director: "lvs-dir-02", message: { kind: "disconnect", at: 2 }, fromHub: "hub-raw" });
    expect(b.stats().invalid).toBe(invalidBefore + 5);
    expect(b.isUp()).toBe(true);
    expect(logB.lines.some((line) => line.level === "warn" && line.message.includes("invalid director message"))).toBe(true);
  });

  it("sends a command to the hub serving the director and brings back its result, or gone, or timeout", async () => {
    const director = id("lvs.dir.03");
    const received: HubCommand[] = [];
    const stopServing = a.serveCommands(director, (command) => {
      received.push(command);
      return Promise.resolve(applied(command));
    });
    const command = setWeight("c-1", 5);
    // The service is there once the server has A's subscription; until then nobody responds.
    let outcome: unknown;
    await vi.waitFor(async () => {
      outcome = await b.request(director, command, 5_000);
      expect(outcome).not.toBe("gone");
    }, WAIT);
    expect(outcome).toEqual(applied(command));
    expect(received).toEqual([command]);

    // A handler that throws becomes a failed result, not a crash.
    const failing = id("lvs-dir-failing");
    a.serveCommands(failing, () => Promise.reject(new Error("agent socket closed")));
    await vi.waitFor(async () => {
      outcome = await b.request(failing, setWeight("c-2", 1), 5_000);
      expect(outcome).not.toBe("gone");
    }, WAIT);
    expect(outcome).toMatchObject({ type: "command-result", commandId: "c-2", ok: false, error: expect.stringContaining("agent socket closed") });

    expect(await b.request(id("lvs-dir-nobody"), command, 5_000)).toBe("gone");
    stopServing();
    // Until the server has processed the unsubscribe, a request still goes to A, which drops it: a
    // short timeout keeps those attempts short.
    await vi.waitFor(async () => expect(await b.request(director, command, 200)).toBe("gone"), WAIT);
    expect(received).toHaveLength(1);

    const silent = id("lvs-dir-silent");
    a.serveCommands(silent, () => new Promise<never>(() => {}));
    let elapsed = 0;
    await vi.waitFor(async () => {
      const started = performance.now();
      outcome = await b.request(silent, setWeight("c-3", 2), 300);
      elapsed = performance.now() - started;
      expect(outcome).toBe("timeout");
    }, WAIT);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(3_000);
  });

  it("stores a resent event once and delivers it to the other hub once", async () => {
    const jsm = await jetstreamManager(raw);
    const info = await jsm.streams.info("LVSDECK_EVENTS");
    expect(info.config).toMatchObject({ subjects: ["lvsdeck.events.>"], storage: "file", duplicate_window: nanos(120_000), max_age: nanos(3_600_000) });
    const storedBefore = info.state.messages;

    const director = id("lvs.dir.04");
    const first = keepalivedEvent(director, 101, 7);
    await a.publishEvent(first, `${director}:7`);
    await a.publishEvent(first, `${director}:7`); // A resend: acknowledged, not stored again.
    const second = keepalivedEvent(director, 102, 8);
    await a.publishEvent(second, `${director}:8`);

    await vi.waitFor(() => expect(heardByB.events.map((h) => h.event.id)).toContain(102), WAIT);
    expect(heardByB.events).toEqual([
      { event: first, fromHub: "hub-a" },
      { event: second, fromHub: "hub-a" },
    ]);
    expect((await jsm.streams.info("LVSDECK_EVENTS")).state.messages).toBe(storedBefore + 2);
    const onWire = await jsm.streams.getMessage("LVSDECK_EVENTS", { last_by_subj: "lvsdeck.events.lvs~dir~04" });
    expect(onWire?.header.get("Nats-Msg-Id")).toBe(`${director}:8`);

    // A's consumer reads the stream in order: once it hears B's event, it has passed its own two.
    const fromB = keepalivedEvent(id("lvs-dir-04b"), 103, 1);
    await b.publishEvent(fromB, "lvs-dir-04b:1");
    await vi.waitFor(() => expect(heardByA.events).toHaveLength(1), WAIT);
    expect(heardByA.events).toEqual([{ event: fromB, fromHub: "hub-b" }]);
    await expect(a.publishEvent({ ...first, director: id("not valid!") })).rejects.toThrow(/does not match the protocol/);
  });

  it("tells the other hub that access changed", async () => {
    a.publishAccessChange();
    await vi.waitFor(() => expect(heardByB.access).toBe(1), WAIT);
    b.publishAccessChange();
    await vi.waitFor(() => expect(heardByA.access).toBe(1), WAIT);
    expect(heardByB.access).toBe(1);
  });

  it("survives a NATS restart: down, up again, and news, commands and events flow again", async () => {
    const director = id("lvs.dir.06");
    a.serveCommands(director, (command) => Promise.resolve(applied(command)));
    await vi.waitFor(async () => expect(await b.request(director, setWeight("c-6a", 3), 5_000)).not.toBe("gone"), WAIT);
    const eventsBefore = heardByB.events.length;
    const statsBefore = b.stats();

    await server.stop();
    await vi.waitFor(() => {
      expect(heardByA.status).toEqual([false]);
      expect(heardByB.status).toEqual([false]);
    }, WAIT);
    expect(a.isUp()).toBe(false);
    // While down: a command cannot go anywhere, an event cannot be stored; neither hangs.
    expect(await b.request(director, setWeight("c-6b", 3), 5_000)).toBe("gone");
    await expect(a.publishEvent(keepalivedEvent(director, 600, 1), `${director}:1`)).rejects.toThrow(/NATS is down/);

    await server.start(); // Same port, same store: the stream and its sequence numbers are still there.
    await vi.waitFor(() => {
      expect(heardByA.status).toEqual([false, true]);
      expect(heardByB.status).toEqual([false, true]);
    }, RESTART_WAIT);
    expect(a.isUp() && b.isUp()).toBe(true);

    a.publishDirector(director, { kind: "snapshot", snapshot: sampleSnapshot(director, 60), hello: hello(director), at: 60 });
    await vi.waitFor(() => expect(heardByB.directors.at(-1)).toMatchObject({ director, message: { kind: "snapshot", at: 60 } }), WAIT);

    expect(await b.request(director, setWeight("c-6c", 4), 5_000)).toEqual(applied(setWeight("c-6c", 4)));

    // The event consumers were re-created after the last event each delivered: B hears the new event
    // once, and nothing it heard before the restart again.
    const after = keepalivedEvent(director, 601, 2);
    await a.publishEvent(after, `${director}:2`);
    await vi.waitFor(() => expect(heardByB.events.length).toBe(eventsBefore + 1), RESTART_WAIT);
    expect(heardByB.events.at(-1)).toEqual({ event: after, fromHub: "hub-a" });
    const back = keepalivedEvent(id("lvs-dir-06b"), 602, 1);
    await b.publishEvent(back, "lvs-dir-06b:1");
    await vi.waitFor(() => expect(heardByA.events.at(-1)).toEqual({ event: back, fromHub: "hub-b" }), RESTART_WAIT);

    a.publishAccessChange();
    await vi.waitFor(() => expect(heardByB.access).toBe(2), WAIT);
    // The feed was re-created by the bus from its own position, not replayed by the client library.
    expect(logB.lines.filter((line) => line.message === "cluster bus: event consumer resumed")).toHaveLength(1);
    expect(b.stats().invalid).toBe(statsBefore.invalid);
    expect(logA.lines.filter((line) => line.level === "error")).toEqual([]);
    expect(logB.lines.filter((line) => line.level === "error")).toEqual([]);
  });
});

describe("cluster bus: connecting", () => {
  let server: NatsServer | undefined;
  afterAll(() => server?.dispose(), HOOK_MS);

  it("lets several hubs connect at once to a fresh server, and names the URL when NATS is away", async () => {
    server = await startNats();
    const buses = await Promise.all(["hub-1", "hub-2", "hub-3"].map((hubId) => connectBus({ servers: server!.url, log: recordingLog().log, hubId })));
    try {
      const [first, second] = buses as [ClusterBus, ClusterBus, ClusterBus];
      const heard: HubEvent[] = [];
      second.onEvent((event) => heard.push(event));
      const event = keepalivedEvent(id("lvs-dir-07"), 700, 1);
      await first.publishEvent(event, "lvs-dir-07:1");
      await vi.waitFor(() => expect(heard).toEqual([event]), WAIT);
    } finally {
      await Promise.all(buses.map((bus) => bus.close()));
    }
    expect(buses.every((bus) => !bus.isUp())).toBe(true);

    const url = server.url;
    await server.dispose();
    await expect(connectBus({ servers: url, log: recordingLog().log })).rejects.toThrow(`cannot connect to NATS at ${url}`);
  });
});
