import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { parseEndpoint, startRelay } from "./relay";
import type { Relay } from "./relay";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

/** An echo server on 127.0.0.1 that upper-cases what it gets. */
async function echoServer(): Promise<{ port: number; connections: () => number }> {
  let count = 0;
  const server = net.createServer((socket) => {
    count += 1;
    socket.on("data", (d) => socket.write(d.toString().toUpperCase()));
    socket.on("end", () => socket.end("BYE"));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return { port: (server.address() as AddressInfo).port, connections: () => count };
}

/** TCP port -> Unix socket -> the target's TCP port: both directions of relay the lab chains. */
async function chain(targetPort: number): Promise<{ port: number; inner: Relay; outer: Relay; socket: string }> {
  const dir = mkdtempSync(join(tmpdir(), "lvsdk-relay-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const socket = join(dir, "hub.sock");
  const outer = await startRelay({ listen: { path: socket }, to: { host: "127.0.0.1", port: targetPort } });
  const inner = await startRelay({ listen: { host: "127.0.0.1", port: 0 }, to: { path: socket } });
  cleanups.push(() => inner.close(), () => outer.close());
  if ("path" in inner.listening) throw new Error("expected a TCP listener");
  return { port: inner.listening.port, inner, outer, socket };
}

function talk(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = net.connect(port, "127.0.0.1", () => client.end(text));
    let got = "";
    client.on("data", (d) => (got += d.toString()));
    client.on("end", () => resolve(got));
    client.on("error", reject);
  });
}

describe("relay", () => {
  it("carries bytes both ways and the end of stream through a Unix socket, for several connections at once", async () => {
    const target = await echoServer();
    const { port, socket } = await chain(target.port);
    expect(statSync(socket).mode & 0o777).toBe(0o600);
    expect(await Promise.all([talk(port, "hello"), talk(port, "lvs")])).toEqual(["HELLOBYE", "LVSBYE"]);
    expect(target.connections()).toBe(2);
  });

  it("carries a WebSocket upgrade and its frames, as the agent's link to the hub needs", async () => {
    const http = createServer();
    const wss = new WebSocketServer({ server: http, path: "/ws/agent" });
    wss.on("connection", (ws) => ws.on("message", (m) => ws.send(`ack ${m.toString()}`)));
    await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
    cleanups.push(() => new Promise<void>((r) => (wss.close(), http.close(() => r()))));
    const { port } = await chain((http.address() as AddressInfo).port);
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/agent`);
    const reply = await new Promise<string>((resolve, reject) => {
      ws.once("open", () => ws.send("snapshot"));
      ws.once("message", (m) => resolve(m.toString()));
      ws.once("error", reject);
    });
    ws.close();
    expect(reply).toBe("ack snapshot");
  });

  it("closes the client when the target is down, and cuts open connections on close()", async () => {
    const target = await echoServer();
    const dead = net.createServer();
    await new Promise<void>((r) => dead.listen(0, "127.0.0.1", r));
    const deadPort = (dead.address() as AddressInfo).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const errors: string[] = [];
    const relay = await startRelay({ listen: { host: "127.0.0.1", port: 0 }, to: { host: "127.0.0.1", port: deadPort }, onError: (m) => errors.push(m) });
    cleanups.push(() => relay.close());
    const port = "port" in relay.listening ? relay.listening.port : 0;
    expect(await talk(port, "anyone?")).toBe("");
    expect(errors[0]).toContain("ECONNREFUSED");

    const { port: livePort, inner } = await chain(target.port);
    const client = net.connect(livePort, "127.0.0.1");
    await new Promise((r) => client.once("data", r).write("x"));
    expect(inner.open()).toBe(1);
    const closed = new Promise((r) => client.once("close", r));
    await inner.close();
    await closed;
    expect(inner.open()).toBe(0);
  });

  it("parses HOST:PORT and socket paths, and refuses anything else", () => {
    expect(parseEndpoint("127.0.0.1:8080")).toEqual({ host: "127.0.0.1", port: 8080 });
    expect(parseEndpoint("/var/tmp/x/hub.sock")).toEqual({ path: "/var/tmp/x/hub.sock" });
    expect(() => parseEndpoint("8080")).toThrow("HOST:PORT");
    expect(() => parseEndpoint("localhost:http")).toThrow("HOST:PORT");
  });

  it("runs as its own process (lab/netns/relay.ts) and exits when the lab's end of its stdin closes", async () => {
    const target = await echoServer();
    const dir = mkdtempSync(join(tmpdir(), "lvsdk-relay-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const socket = join(dir, "hub.sock");
    const outer = await startRelay({ listen: { path: socket }, to: { host: "127.0.0.1", port: target.port } });
    cleanups.push(() => outer.close());
    const main = fileURLToPath(new URL("../relay.ts", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", main, "127.0.0.1:0", socket], { stdio: ["pipe", "pipe", "inherit"] });
    cleanups.push(() => void child.kill("SIGKILL"));
    const line = await new Promise<string>((resolve) => child.stdout.once("data", (d: Buffer) => resolve(d.toString())));
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(line)?.[1]);
    expect(await talk(port, "through")).toBe("THROUGHBYE");
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    child.stdin.end();
    expect(await exited).toBe(0);
  });
});
