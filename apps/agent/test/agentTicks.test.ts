// The agent against a real WebSocket server standing in for the hub's /ws/agent endpoint.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import type { AgentEvent, DirectorId, DirectorSnapshot, RealServerKey, ServiceKey, VrrpInstance, VrrpState } from "@lvsdeck/protocol";
import { PROTOCOL_VERSION, agentToHubSchema, applyDelta, parseFrame } from "@lvsdeck/protocol";
import { sampleSnapshot } from "@lvsdeck/protocol/testFixtures";
import { createLogger } from "@lvsdeck/log";
import { createAgent } from "../src/createAgent";
import type { Agent } from "../src/createAgent";
import type { DirectorSource } from "../src/sources/source";

/** How long the hub stand-in may take to see what the agent sends. */
const SEEN_WITHIN_MS = 3_000;

const vrrpInstance = (state: VrrpState): VrrpInstance => ({
  name: "VI_1",
  vrid: 51,
  interface: "eth0",
  state,
  basePriority: 200,
  effectivePriority: 200,
  advertIntervalMs: 1000,
  preempt: true,
  vips: ["192.0.2.10"],
  lastTransitionAt: null,
  masterRouter: null,
  syncGroup: null,
});

/** A source whose reads take `readMs` and return whatever VRRP state it holds when the read began. */
function slowSource(readMs: number) {
  let state: VrrpState = "MASTER";
  let listener: (event: AgentEvent) => void = () => undefined;
  let changed: () => void = () => undefined;
  let reads = 0;
  const base = sampleSnapshot("lvs-dir-01", 0);
  const source: DirectorSource = {
    kinds: ["test"],
    capabilities: [],
    weightMode: "runtime",
    async read(): Promise<DirectorSnapshot> {
      reads += 1;
      const snapshot: DirectorSnapshot = { ...sampleSnapshot("lvs-dir-01", Date.now()), vrrp: [vrrpInstance(state)] };
      await new Promise((r) => setTimeout(r, readMs));
      return snapshot;
    },
    setWeight: (_s: ServiceKey, _r: RealServerKey, weight: number) => Promise.resolve(weight),
    onEvent: (l) => void (listener = l),
    onChange: (l) => void (changed = l),
    close: () => Promise.resolve(),
  };
  return {
    source,
    reads: () => reads,
    /** An event that changes nothing the snapshot shows (a health line for a server already up). */
    poke() {
      listener({ kind: "health", service: base.services[0]!.key, realServer: base.services[0]!.realServers[0]!.key, up: true, at: Date.now() });
    },
    /** State read in the background (a keepalived dump) that changed with no event. */
    changeQuietly(next: VrrpState) {
      state = next;
      changed();
    },
    stop() {
      state = "STOP";
      listener({ kind: "vrrp-transition", instance: "VI_1", vrid: 51, from: "MASTER", to: "STOP", priority: 200, at: Date.now() });
    },
  };
}

describe("agent ticks", () => {
  let agent: Agent | null = null;
  let server: WebSocketServer | null = null;
  afterEach(async () => {
    await agent?.close();
    server?.close();
  });

  /** A WebSocket server standing in for the hub: welcomes the agent and keeps the snapshot it is sent. */
  async function startHubStandIn() {
    server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    await once(server, "listening");
    let hubView: DirectorSnapshot | null = null;
    const epochs: string[] = [];
    server.on("connection", (ws) => {
      ws.on("message", (data) => {
        const parsed = parseFrame(agentToHubSchema, String(data));
        if (!parsed.ok) throw new Error(parsed.error);
        const frame = parsed.value;
        if (frame.type === "hello") epochs.push(frame.epoch ?? "");
        if (frame.type === "hello") ws.send(JSON.stringify({ type: "welcome", protocolVersion: PROTOCOL_VERSION, lastSeq: -1 }));
        if (frame.type === "snapshot") hubView = frame.snapshot;
        if (frame.type === "delta" && hubView) hubView = applyDelta(hubView, frame);
      });
    });
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, view: () => hubView, epochs: () => epochs };
  }

  it("an event that lands while a read is running is sent with a read right after it, not at the next tick", async () => {
    const hub = await startHubStandIn();
    const fake = slowSource(200);
    // One tick a minute: anything the hub sees within seconds came from an event-driven read.
    agent = createAgent({ hubUrls: [hub.url], token: "t", director: "lvs-dir-01" as DirectorId, source: fake.source, tickMs: 60_000, log: createLogger("test", true) });
    await expect.poll(() => hub.view()?.vrrp[0]?.state, { timeout: SEEN_WITHIN_MS }).toBe("MASTER");
    // An event starts a read; keepalived stops while that read is running.
    const readsBefore = fake.reads();
    fake.poke();
    // The read takes 200 ms; polling every 5 ms lands the stop inside it.
    await expect.poll(() => fake.reads(), { timeout: SEEN_WITHIN_MS, interval: 5 }).toBe(readsBefore + 1);
    fake.stop();
    await expect.poll(() => hub.view()?.vrrp.every((i) => i.state === "STOP"), { timeout: SEEN_WITHIN_MS }).toBe(true);
    expect(fake.reads()).toBe(readsBefore + 2);
  });

  it("state a source read in the background (a keepalived dump) is sent when the source says so, not at the next tick", async () => {
    const hub = await startHubStandIn();
    const fake = slowSource(0);
    agent = createAgent({ hubUrls: [hub.url], token: "t", director: "lvs-dir-01" as DirectorId, source: fake.source, tickMs: 60_000, log: createLogger("test", true) });
    await expect.poll(() => hub.view()?.vrrp[0]?.state, { timeout: SEEN_WITHIN_MS }).toBe("MASTER");
    fake.changeQuietly("BACKUP");
    await expect.poll(() => hub.view()?.vrrp[0]?.state, { timeout: SEEN_WITHIN_MS }).toBe("BACKUP");
  });

  it("names its run in every hello with the same epoch, and a new agent with another", async () => {
    const hub = await startHubStandIn();
    const start = () => createAgent({ hubUrls: [hub.url], token: "t", director: "lvs-dir-01" as DirectorId, source: slowSource(0).source, tickMs: 60_000, log: createLogger("test", true) });
    agent = start();
    await expect.poll(() => hub.epochs().length, { timeout: SEEN_WITHIN_MS }).toBe(1);
    // The hub closes the socket; the same run says hello again.
    for (const ws of server!.clients) ws.terminate();
    await expect.poll(() => hub.epochs().length, { timeout: SEEN_WITHIN_MS }).toBe(2);
    await agent.close();
    agent = start();
    await expect.poll(() => hub.epochs().length, { timeout: SEEN_WITHIN_MS }).toBe(3);
    const [first, again, next] = hub.epochs();
    expect(first).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(again).toBe(first);
    expect(next).not.toBe(first);
  });
});
