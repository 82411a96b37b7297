// An agent is trusted for its own director and no further: bounded tables, sane clocks and ticks,
// bounded texts. Each violation is refused (or corrected) with a reason, counted, and marks the director.
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { PROTOCOL_VERSION, eventsResponseSchema, healthResponseSchema } from "@lvsdeck/protocol";
import { sampleRealServer, sampleService, sampleSnapshot } from "@lvsdeck/protocol/testFixtures";
import { AGENT_BOUNDS } from "../src/agents/agentBounds";
import { TOKEN, api, director, startHub, waitFor } from "./harness";

type Frame = Record<string, unknown>;

function connect(url: string): Promise<{ ws: WebSocket; next: () => Promise<Frame>; closed: Promise<number> }> {
  const ws = new WebSocket(`${url.replace("http", "ws")}/ws/agent`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const frames: Frame[] = [];
  const waiters: ((f: Frame) => void)[] = [];
  ws.on("message", (d) => {
    const frame = JSON.parse(d.toString()) as Frame;
    const w = waiters.shift();
    if (w) w(frame);
    else frames.push(frame);
  });
  const closed = new Promise<number>((resolve) => ws.once("close", resolve));
  const next = () => {
    const queued = frames.shift();
    return queued ? Promise.resolve(queued) : new Promise<Frame>((resolve) => waiters.push(resolve));
  };
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve({ ws, next, closed }));
    ws.once("error", reject);
  });
}

const hello = (name: string, tickMs = 1000) =>
  JSON.stringify({ type: "hello", protocolVersion: PROTOCOL_VERSION, director: name, agentVersion: "t", sources: ["test"], capabilities: [], weightMode: "runtime", tickMs });

/** A snapshot of `count` services with one real server each. */
function snapshotWith(name: string, count: number, takenAt = Date.now()) {
  const base = sampleSnapshot(name, takenAt);
  return { ...base, services: Array.from({ length: count }, (_, i) => sampleService(`10.${Math.floor(i / 250)}.${i % 250}.1`, 80, [sampleRealServer("10.99.0.1", 80, 1)])) };
}

describe("agent input is bounded", () => {
  let close: (() => Promise<void>) | null = null;
  afterEach(async () => close?.());
  const setup = async () => {
    const hub = await startHub();
    close = hub.close;
    return hub;
  };

  it("refuses a hello whose tickMs would keep a silent director fresh for weeks", async () => {
    const hub = await setup();
    const agent = await connect(hub.url);
    agent.ws.send(hello("slow-ticks", 2 ** 31));
    expect(String((await agent.next()).message)).toMatch(/tickMs 2147483648 is outside 100-60000 ms/);
    expect(await agent.closed).toBe(4400);
    expect(await director(hub.url, "slow-ticks")).toBeUndefined();
  });

  it("refuses snapshots and deltas past the service bound, keeps the last good table and marks the director", async () => {
    const hub = await setup();
    const agent = await connect(hub.url);
    agent.ws.send(hello("greedy"));
    expect((await agent.next()).type).toBe("welcome");
    agent.ws.send(JSON.stringify({ type: "snapshot", snapshot: snapshotWith("greedy", 3) }));
    await waitFor(async () => (await director(hub.url, "greedy"))?.snapshot?.services.length === 3, 5_000, "the first table");
    agent.ws.send(JSON.stringify({ type: "snapshot", snapshot: snapshotWith("greedy", AGENT_BOUNDS.maxServices + 1) }));
    expect(String((await agent.next()).message)).toMatch(/snapshot refused: 2001 services, more than the 2000/);
    // Deltas cannot add them one batch at a time either.
    const many = snapshotWith("greedy", AGENT_BOUNDS.maxServices).services.map((svc) => ({ ...svc, key: svc.key.replace(/:80$/, ":81"), port: 81 }));
    agent.ws.send(JSON.stringify({ type: "delta", takenAt: Date.now(), upsertServices: many, removeServices: [] }));
    expect(String((await agent.next()).message)).toMatch(/delta refused: 2003 services/);
    const view = await director(hub.url, "greedy");
    expect(view?.snapshot?.services).toHaveLength(3);
    expect(view?.badData).toMatchObject({ count: 2, lastReason: expect.stringMatching(/delta refused/) as string });
    expect(agent.ws.readyState).toBe(WebSocket.OPEN);
    const health = healthResponseSchema.parse(await (await fetch(`${hub.url}/api/health`)).json());
    expect(health.protocolErrors).toBe(2);
    agent.ws.close();
  });

  it("refuses a snapshot dated far ahead of the hub's clock", async () => {
    const hub = await setup();
    const agent = await connect(hub.url);
    agent.ws.send(hello("time-traveller"));
    await agent.next();
    agent.ws.send(JSON.stringify({ type: "snapshot", snapshot: snapshotWith("time-traveller", 1, 1e308) }));
    expect(String((await agent.next()).message)).toMatch(/snapshot refused: takenAt/);
    expect((await director(hub.url, "time-traveller"))?.snapshot).toBeNull();
    agent.ws.close();
  });

  it("never takes the name on a weight change from the agent", async () => {
    const hub = await setup();
    const agent = await connect(hub.url);
    agent.ws.send(hello("liar"));
    await agent.next();
    agent.ws.send(JSON.stringify({ type: "event", seq: 0, observedAt: Date.now(), event: { kind: "weight", service: "TCP 192.0.2.1:80", realServer: "198.51.100.1:80", from: 1, to: 0, cause: "operator", commandId: null, actor: "ada", at: Date.now() } }));
    expect(await agent.next()).toEqual({ type: "ack", seq: 0 });
    const { events } = eventsResponseSchema.parse(await (await api(`${hub.url}/api/events?director=liar`)).json());
    const stored = events.find((e) => e.seq === 0)?.event;
    expect(stored?.kind).toBe("weight");
    expect(stored !== undefined && "actor" in stored).toBe(false);
    agent.ws.close();
  });

  it("never takes a transition's cause from the agent", async () => {
    const hub = await setup();
    const agent = await connect(hub.url);
    agent.ws.send(hello("storyteller"));
    await agent.next();
    const cause = { kind: "preemption", text: "made up", evidence: [] };
    agent.ws.send(JSON.stringify({ type: "event", seq: 0, observedAt: Date.now(), event: { kind: "vrrp-transition", instance: "VI_1", vrid: 51, from: "BACKUP", to: "MASTER", priority: 100, at: Date.now(), cause } }));
    const replies = [await agent.next(), await agent.next()];
    expect(replies[0]).toMatchObject({ type: "error", message: expect.stringMatching(/cause is the hub's to decide/) as string });
    expect(replies[1]).toEqual({ type: "ack", seq: 0 });
    const { events } = eventsResponseSchema.parse(await (await api(`${hub.url}/api/events?director=storyteller`)).json());
    const stored = events.find((e) => e.seq === 0)?.event;
    expect(stored?.kind).toBe("vrrp-transition");
    expect(stored !== undefined && "cause" in stored).toBe(false);
    agent.ws.close();
  });

  it("stores an event from the year 2100 at the time it arrived, and cuts a 3.5 MB text", async () => {
    const hub = await setup();
    const agent = await connect(hub.url);
    agent.ws.send(hello("chatty"));
    await agent.next();
    const before = Date.now();
    const future = Date.UTC(2100, 0, 1);
    agent.ws.send(JSON.stringify({ type: "event", seq: 0, observedAt: future, event: { kind: "keepalived", running: true, detail: "x".repeat(3_500_000), at: future } }));
    const replies = [await agent.next(), await agent.next(), await agent.next()];
    expect(replies.filter((f) => f.type === "error").map((f) => String(f.message))).toEqual([
      expect.stringMatching(/event 0: event time 2100-01-01T00:00:00.000Z is ahead of the hub's clock/) as string,
      expect.stringMatching(/event 0: event detail of 3500000 characters cut to 1000/) as string,
    ]);
    expect(replies.at(-1)).toEqual({ type: "ack", seq: 0 });
    const { events } = eventsResponseSchema.parse(await (await api(`${hub.url}/api/events?director=chatty`)).json());
    const stored = events.find((e) => e.seq === 0);
    expect(stored?.event.at).toBeGreaterThanOrEqual(before);
    expect(stored?.event.at).toBeLessThanOrEqual(Date.now());
    // The agent's own clock is kept as its own field.
    expect(stored?.observedAt).toBe(future);
    expect(stored?.event.kind === "keepalived" && stored.event.detail).toMatch(/^x{1000}… \(cut from 3500000 characters\)$/);
    agent.ws.close();
  });
});
