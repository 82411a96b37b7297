import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer, type WebSocket } from "ws";
import { HEAD_BYTES, leanWebSocket, type LeanSocket } from "./leanSocket";

/** A ws server on loopback; resolves with its URL and the server side of the first connection. */
async function server() {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await once(wss, "listening");
  const peer = new Promise<{ socket: WebSocket; headers: Record<string, string | string[] | undefined> }>((resolve) =>
    wss.once("connection", (socket, req) => resolve({ socket, headers: req.headers })),
  );
  return { wss, url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws/ui`, peer };
}

interface Seen {
  length: number;
  head: string;
  payload: string | null;
}

/** A lean socket that records every message; `wants` decides from the head which payloads are kept. */
function client(url: string, wants: (head: string) => boolean) {
  const seen: Seen[] = [];
  /** The first bytes each text frame's decision was made on. */
  const asked: string[] = [];
  let closed = false;
  let opened!: () => void;
  const open = new Promise<void>((resolve) => (opened = resolve));
  const socket: LeanSocket = leanWebSocket(url, { cookie: "session=abc" }, "127.0.0.1", {
    open: () => opened(),
    wants: (head) => {
      asked.push(head.toString());
      return wants(head.toString());
    },
    message: (length, head, payload) => seen.push({ length, head: head.toString(), payload: payload === null ? null : payload.toString() }),
    close: () => (closed = true),
  });
  return { socket, seen, asked, open, closed: () => closed };
}

/** Resolves once `check` holds, looking again after every turn of the event loop. */
async function until(check: () => boolean) {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

const servers: WebSocketServer[] = [];
afterEach(() => {
  for (const wss of servers.splice(0)) wss.close();
});

/** A lean client connected to a fresh server, with the server's side of the socket. */
async function connected(wants: (head: string) => boolean) {
  const { wss, url, peer } = await server();
  servers.push(wss);
  const c = client(url, wants);
  await c.open;
  return { c, ...(await peer) };
}

describe("leanWebSocket (the bench's fake-browser client)", () => {
  it("reads frames of every length encoding whole when wanted and only their first bytes otherwise", async () => {
    const { c, socket, headers } = await connected((head) => head.startsWith('{"type":"event"'));
    expect(headers.cookie).toBe("session=abc");
    // 7-bit, 16-bit and 64-bit payload lengths, and an empty one; the large ones arrive over many reads.
    const frames = [
      '{"type":"event","n":1}',
      `{"type":"counters","pad":"${"x".repeat(1_000)}"}`,
      `{"type":"event","pad":"${"y".repeat(70_000)}"}`,
      `{"type":"director","pad":"${"z".repeat(300_000)}"}`,
      `{"type":"event","pad":"${"w".repeat(200)}"}`,
      "",
      '{"type":"event","n":2}',
    ];
    for (const text of frames) socket.send(text);
    await until(() => c.seen.length === frames.length);
    expect(c.seen.map((m) => m.length)).toEqual(frames.map((f) => Buffer.byteLength(f)));
    expect(c.seen.map((m) => m.head)).toEqual(frames.map((f) => f.slice(0, HEAD_BYTES)));
    // Every text frame, the empty one too, is decided on before it is handed over.
    expect(c.asked).toEqual(frames.map((f) => f.slice(0, HEAD_BYTES)));
    expect(c.seen.map((m) => m.payload)).toEqual([frames[0], null, frames[2], null, frames[4], null, frames[6]]);
    c.socket.terminate();
  });

  it("answers the hub's pings, so its heartbeat keeps the socket", async () => {
    const { c, socket } = await connected(() => true);
    const pong = once(socket, "pong");
    socket.ping(Buffer.from("beat"));
    const [data] = (await pong) as [Buffer];
    expect(data.toString()).toBe("beat");
    c.socket.terminate();
  });

  it("sends masked text frames the server reads, and reports the server's close", async () => {
    const { c, socket } = await connected(() => true);
    const got = once(socket, "message");
    const subscribe = JSON.stringify({ type: "subscribe", detail: "full", directors: ["bench-000", "bench-001", "bench-002", "bench-003", "bench-004"] });
    c.socket.send(subscribe);
    expect(String(((await got) as [Buffer])[0])).toBe(subscribe);
    socket.close(1001, "bye");
    await until(c.closed);
  });
});
