// The gateway over real sockets: frames it writes itself (textFrame) and frames ws writes for it
// reach a real ws client whole and in order, with or without permessage-deflate.
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import type { DirectorId, HubToUi } from "@lvsdeck/protocol";
import { createLogger } from "@lvsdeck/log";
import { createUiGateway, type UiGateway } from "./uiGateway";

/** A transition event whose instance name makes its frame `size` characters long or more, in multi-byte UTF-8. */
const event = (id: number, size: number) => ({ type: "event", event: { id, director: "d1" as DirectorId, seq: id, observedAt: id, receivedAt: id,
  event: { kind: "vrrp-transition", instance: `VI_${"é→✓".repeat(Math.ceil(size / 3))}`, vrid: 51, from: "MASTER", to: "BACKUP", priority: 100, at: id } } }) as const;

/** Writes the server side of each browser's socket hands the kernel (one per corked batch), and what they carried. */
interface Wire { writes: number; chunks: Buffer[] }

describe("ui gateway on real sockets", () => {
  let close: () => Promise<void> = async () => undefined;
  afterEach(async () => close());

  const start = async (perMessageDeflate: boolean) => {
    const gateway: UiGateway = createUiGateway({ log: createLogger("test", true), now: () => Date.now(), directors: () => [], director: () => undefined,
      health: () => ({ groups: [], verdicts: [] }), mode: "coalesce", flushMs: 50, summaryFlushMs: 1000 });
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate });
    await once(server, "listening");
    const wires: Wire[] = [];
    server.on("connection", (socket) => {
      type Tcp = { _write: (...a: unknown[]) => void; _writev: (...a: unknown[]) => void; write: (chunk: Buffer, ...a: unknown[]) => boolean };
      const tcp = (socket as unknown as { _socket: Tcp })._socket;
      const wire: Wire = { writes: 0, chunks: [] };
      // A released batch of one chunk goes to _write, of several to _writev: either is one write.
      for (const method of ["_write", "_writev"] as const) {
        const original = tcp[method].bind(tcp);
        tcp[method] = (...a) => { wire.writes++; original(...a); };
      }
      const write = tcp.write.bind(tcp);
      tcp.write = (chunk, ...a) => { wire.chunks.push(chunk); return write(chunk, ...a); };
      wires.push(wire);
      gateway.handle(socket, null);
    });
    close = async () => {
      gateway.closeAll();
      for (const client of server.clients) client.terminate();
      server.close();
    };
    const connect = async () => {
      const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`, { perMessageDeflate });
      const frames: HubToUi[] = [];
      client.on("message", (data) => frames.push(JSON.parse(String(data)) as HubToUi));
      await once(client, "open");
      // hello and health, which ws frames, have arrived.
      while (frames.length < 2) await once(client, "message");
      return { client, frames, wire: wires.at(-1)! };
    };
    return { gateway, connect };
  };

  it.each([false, true])("delivers every broadcast whole and in order, across each length encoding (permessage-deflate %s)", async (deflate) => {
    const { gateway, connect } = await start(deflate);
    const browsers = [await connect(), await connect()];
    const sizes = [10, 120, 126, 1_000, 65_530, 70_000, 300_000];
    sizes.forEach((size, i) => gateway.broadcast(event(i + 1, size)));
    for (const { client, frames } of browsers) while (frames.length < 2 + sizes.length) await once(client, "message");
    for (const { frames } of browsers) {
      expect(frames.map((f) => f.type)).toEqual(["hello", "health", ...sizes.map(() => "event")]);
      expect(frames.slice(2)).toEqual(sizes.map((size, i) => event(i + 1, size)));
    }
  });

  it("frames a message shared by many browsers once: each gets the same bytes, header and all, in one write per turn", async () => {
    const { gateway, connect } = await start(false);
    const browsers = [await connect(), await connect(), await connect()];
    for (const { wire } of browsers) wire.chunks = [];
    const writesBefore = browsers.map(({ wire }) => wire.writes);
    gateway.broadcast(event(1, 50));
    gateway.broadcast(event(2, 500));
    for (const { client, frames } of browsers) while (frames.length < 4) await once(client, "message");
    // Two messages, one chunk each per browser: the very same framed buffers for all three.
    const [first, ...others] = browsers.map(({ wire }) => wire.chunks);
    expect(first).toHaveLength(2);
    expect(first![0]![0]).toBe(0x81);
    for (const chunks of others) expect(chunks.every((chunk, i) => chunk === first![i])).toBe(true);
    // Both left in one write to each browser.
    expect(browsers.map(({ wire }, i) => wire.writes - writesBefore[i]!)).toEqual([1, 1, 1]);
    // A turn with one message for them: one more write each.
    gateway.broadcast(event(3, 50));
    for (const { client, frames } of browsers) while (frames.length < 5) await once(client, "message");
    expect(browsers.map(({ wire }, i) => wire.writes - writesBefore[i]!)).toEqual([2, 2, 2]);
  });
});
