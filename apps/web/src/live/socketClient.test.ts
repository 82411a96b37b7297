import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createSocketClient, uiSocketUrl, type SocketEvent } from "./socketClient";
import { BACKOFF_BASE_MS, BACKOFF_MAX_MS, backoffDelay } from "./backoff";
import type { HubToUi } from "@lvsdeck/protocol";

/** A stand-in for the browser's WebSocket: the test opens, feeds and closes it. */
class FakeSocket extends EventTarget {
  readyState = 0;
  sent: string[] = [];
  constructor(readonly url: string) {
    super();
  }
  send(text: string) {
    this.sent.push(text);
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.dispatchEvent(new Event("open"));
  }
  receive(data: unknown) {
    this.dispatchEvent(Object.assign(new Event("message"), { data }));
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.dispatchEvent(Object.assign(new Event("close"), { code, reason: "" }));
  }
}

function start() {
  const sockets: FakeSocket[] = [];
  const frames: HubToUi[] = [];
  const events: SocketEvent[] = [];
  const client = createSocketClient({
    url: "ws://hub/ws/ui",
    onFrame: (f) => frames.push(f),
    onEvent: (e) => events.push(e),
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s as unknown as WebSocket;
    },
    random: () => 0.5,
  });
  return { client, sockets, frames, events };
}

describe("socket client", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(console, "warn").mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it("counts bad frames, warns, and keeps delivering good ones", () => {
    const { client, sockets, frames, events } = start();
    const socket = sockets[0]!;
    socket.open();
    socket.receive("{not json");
    socket.receive(JSON.stringify({ type: "director", serverTime: 1 }));
    socket.receive(JSON.stringify({ type: "hello", protocolVersion: 1, serverTime: 1 }));
    expect(events.filter((e) => e.kind === "bad-frame")).toHaveLength(2);
    expect(console.warn).toHaveBeenCalledTimes(2);
    expect(frames.map((f) => f.type)).toEqual(["hello"]);
    client.close();
  });

  it("reconnects with growing delays and starts over after a hello", () => {
    const { client, sockets } = start();
    sockets[0]!.drop();
    vi.advanceTimersByTime(backoffDelay(0, () => 0.5));
    expect(sockets).toHaveLength(2);
    sockets[1]!.drop();
    vi.advanceTimersByTime(backoffDelay(1, () => 0.5) - 1);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(3);
    sockets[2]!.open();
    sockets[2]!.receive(JSON.stringify({ type: "hello", protocolVersion: 1, serverTime: 1 }));
    sockets[2]!.drop();
    vi.advanceTimersByTime(backoffDelay(0, () => 0.5));
    expect(sockets).toHaveLength(4);
    client.close();
  });

  it("tells a refused upgrade (never opened) from a connection that dropped", () => {
    const { sockets, events } = start();
    sockets[0]?.drop();
    expect(events.at(-1)).toMatchObject({ kind: "closed", opened: false });
    vi.advanceTimersByTime(BACKOFF_MAX_MS);
    sockets[1]?.open();
    sockets[1]?.drop();
    expect(events.at(-1)).toMatchObject({ kind: "closed", opened: true });
  });

  it("offers a wall token on the URL and nothing else otherwise", () => {
    expect(uiSocketUrl({ protocol: "http:", host: "hub:8080" })).toBe("ws://hub:8080/ws/ui");
    expect(uiSocketUrl({ protocol: "https:", host: "hub" }, "wall_abc-_1")).toBe("wss://hub/ws/ui?token=wall_abc-_1");
  });

  it("pings the hub and stops reconnecting once closed", () => {
    const { client, sockets } = start();
    sockets[0]!.open();
    vi.advanceTimersByTime(15_000);
    expect(JSON.parse(sockets[0]!.sent[0] ?? "{}")).toMatchObject({ type: "ping" });
    client.close();
    sockets[0]!.drop();
    vi.advanceTimersByTime(BACKOFF_MAX_MS);
    expect(sockets).toHaveLength(1);
  });
});

describe("backoffDelay", () => {
  it("doubles up to the cap and jitters within the upper half", () => {
    expect(backoffDelay(0, () => 0)).toBe(BACKOFF_BASE_MS / 2);
    expect(backoffDelay(0, () => 1)).toBe(BACKOFF_BASE_MS);
    expect(backoffDelay(3, () => 1)).toBe(BACKOFF_BASE_MS * 8);
    expect(backoffDelay(50, () => 1)).toBe(BACKOFF_MAX_MS);
    expect(backoffDelay(50, () => 0)).toBe(BACKOFF_MAX_MS / 2);
  });
});
