import type { AddressInfo } from "node:net";
import type { Socket } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { WebSocketServer } from "ws";
import type { AgentHello, AgentToHub, DirectorId } from "@lvsdeck/protocol";
import { PROTOCOL_VERSION } from "@lvsdeck/protocol";
import { createLogger } from "@lvsdeck/log";
import { createHubLink } from "./hubLink";
import type { HubLink } from "./hubLink";

// A frame of counters as large as a big director's full snapshot; the hub here only counts bytes.
const counters = { type: "snapshot", snapshot: { padding: "x".repeat(1024 * 1024) } } as unknown as AgentToHub;
const event: AgentToHub = { type: "event", seq: 0, observedAt: 1, event: { kind: "keepalived", running: false, detail: "keepalived pid 7 is gone", at: 1 } };

describe("the hub link under back-pressure", () => {
  let link: HubLink | null = null;
  let server: WebSocketServer | null = null;
  afterEach(async () => {
    link?.close();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  });

  it("holds counter frames while the socket has not drained, and still sends events at once", async () => {
    const listening = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    server = listening;
    await new Promise((resolve) => listening.once("listening", resolve));
    const received: string[] = [];
    let tcp: Socket | null = null;
    listening.on("connection", (ws, req) => {
      tcp = req.socket;
      // A hub that stopped reading: what the agent sends piles up in its socket.
      tcp.pause();
      ws.on("message", (data) => received.push(String(data).slice(0, 40)));
    });
    const { port } = listening.address() as AddressInfo;
    const hello = (): AgentHello => ({ type: "hello", protocolVersion: PROTOCOL_VERSION, director: "lvs-dir-01" as DirectorId, agentVersion: "t", sources: ["test"], capabilities: [], weightMode: "runtime", tickMs: 1000 });
    link = createHubLink({ hubUrls: [`http://127.0.0.1:${port}`], token: "t", hello, onFrame: () => undefined, onIncompatible: () => undefined, log: createLogger("test", true) });
    await vi.waitFor(() => expect(link?.isOpen()).toBe(true));

    let sent = 0;
    // The kernel's buffers take a few MB before the socket's own buffer grows past the limit.
    while (sent < 500 && link.send(counters, "counters")) sent += 1;
    expect(sent, "counter frames sent before the link held them").toBeLessThan(500);
    expect(link.send(counters, "counters")).toBe(false);
    expect(link.send(event)).toBe(true);

    // The hub reads again: everything sent arrives, the event last, and counters flow once the socket drains.
    (tcp as Socket | null)?.resume();
    await vi.waitFor(() => expect(received.at(-1)).toContain('"type":"event"'), { timeout: 10_000 });
    expect(received.filter((r) => r.includes('"snapshot"'))).toHaveLength(sent);
    await vi.waitFor(() => expect(link?.send(counters, "counters")).toBe(true), { timeout: 10_000 });
  });
});

describe("the hub link with several hubs", () => {
  const links: HubLink[] = [];
  const servers: WebSocketServer[] = [];
  afterEach(async () => {
    for (const l of links.splice(0)) l.close();
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });
  const hello = (): AgentHello => ({ type: "hello", protocolVersion: PROTOCOL_VERSION, director: "lvs-dir-01" as DirectorId, agentVersion: "t", sources: ["test"], capabilities: [], weightMode: "runtime", tickMs: 1000 });
  /** A hub stand-in that records the hellos it gets. */
  const startHub = async () => {
    const server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    servers.push(server);
    await new Promise((resolve) => server.once("listening", resolve));
    const hellos: string[] = [];
    server.on("connection", (ws) => ws.on("message", (data) => hellos.push(String(data))));
    return { server, hellos, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  };
  const link = (hubUrls: string[]) => {
    const made = createHubLink({ hubUrls, token: "t", hello, onFrame: () => undefined, onIncompatible: () => undefined, log: createLogger("test", true) });
    links.push(made);
    return made;
  };

  it("moves to the next hub when the one it is connected to dies, and sends it hello first", async () => {
    const a = await startHub();
    const b = await startHub();
    const l = link([a.url, b.url]);
    await vi.waitFor(() => expect(a.hellos).toHaveLength(1));
    // Hub a dies: its sockets drop and it takes no new ones.
    for (const client of a.server.clients) client.terminate();
    a.server.close();
    await vi.waitFor(() => expect(b.hellos).toHaveLength(1), { timeout: 5_000 });
    expect(JSON.parse(b.hellos[0] ?? "{}")).toMatchObject({ type: "hello", director: "lvs-dir-01" });
    await vi.waitFor(() => expect(l.isOpen()).toBe(true));
    expect(l.send(event)).toBe(true);
    await vi.waitFor(() => expect(b.hellos.at(-1)).toContain('"type":"event"'));
  });

  it("skips a hub that does not answer and connects to the next one", async () => {
    const down = await startHub();
    const downUrl = down.url;
    await new Promise((resolve) => down.server.close(resolve));
    servers.splice(servers.indexOf(down.server), 1);
    const up = await startHub();
    const l = link([downUrl, up.url]);
    await vi.waitFor(() => expect(up.hellos).toHaveLength(1), { timeout: 5_000 });
    expect(l.isOpen()).toBe(true);
  });

  it("refuses to start with no hub at all", () => {
    expect(() => link([])).toThrow("no hub URL");
  });
});
