import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { MAX_AGENT_FRAME_BYTES, PROTOCOL_VERSION, healthResponseSchema } from "@lvsdeck/protocol";
import { TOKEN, USERS, api, login, startHub } from "./harness";

const hello = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    type: "hello",
    protocolVersion: PROTOCOL_VERSION,
    director: "raw-agent",
    agentVersion: "test",
    sources: ["test"],
    capabilities: [],
    weightMode: "runtime",
    tickMs: 1000,
    ...overrides,
  });

const inbox = new WeakMap<WebSocket, { frames: Record<string, unknown>[]; waiters: ((f: Record<string, unknown>) => void)[] }>();

// Frames are queued from the moment the socket exists, so a frame sent right after the upgrade is never missed.
function open(url: string, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const box = { frames: [] as Record<string, unknown>[], waiters: [] as ((f: Record<string, unknown>) => void)[] };
    inbox.set(ws, box);
    ws.on("message", (data) => {
      const frame = JSON.parse(data.toString()) as Record<string, unknown>;
      const waiter = box.waiters.shift();
      if (waiter) waiter(frame);
      else box.frames.push(frame);
    });
    ws.once("open", () => resolve(ws));
    ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once("error", reject);
  });
}

function nextFrame(ws: WebSocket): Promise<Record<string, unknown>> {
  const box = inbox.get(ws)!;
  const queued = box.frames.shift();
  return queued ? Promise.resolve(queued) : new Promise((resolve) => box.waiters.push(resolve));
}

describe("hub facing misbehaving agents", () => {
  let close: (() => Promise<void>) | null = null;
  afterEach(async () => close?.());

  const setup = async () => {
    const hub = await startHub();
    close = hub.close;
    return { hub, agentUrl: hub.url.replace("http", "ws") + "/ws/agent", auth: { authorization: `Bearer ${TOKEN}` } };
  };
  const health = async (url: string) => healthResponseSchema.parse(await (await fetch(`${url}/api/health`)).json());

  it("rejects a malformed frame with a message naming the field and keeps serving", async () => {
    const { hub, agentUrl, auth } = await setup();
    const ws = await open(agentUrl, auth);
    ws.send(hello());
    expect((await nextFrame(ws)).type).toBe("welcome");
    ws.send(JSON.stringify({ type: "event", seq: "seven", observedAt: 1, event: { kind: "keepalived", running: true, detail: "", at: 1 } }));
    const error = await nextFrame(ws);
    expect(error).toMatchObject({ type: "error" });
    expect(String(error.message)).toMatch(/seq/);
    ws.send("{not json");
    expect(String((await nextFrame(ws)).message)).toMatch(/not JSON/);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    expect((await health(hub.url)).protocolErrors).toBe(2);
    ws.close();
  });

  it("closes a connection that sends an oversized frame and keeps serving others", async () => {
    const { hub, agentUrl, auth } = await setup();
    const ws = await open(agentUrl, auth);
    const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
    ws.on("error", () => undefined);
    ws.send("x".repeat(MAX_AGENT_FRAME_BYTES + 1));
    expect(await closed).toBe(1009);
    expect((await health(hub.url)).status).toBe("ok");
    const other = await open(agentUrl, auth);
    other.send(hello({ director: "still-served" }));
    expect((await nextFrame(other)).type).toBe("welcome");
    other.close();
  });

  it("demands hello first", async () => {
    const { agentUrl, auth } = await setup();
    const ws = await open(agentUrl, auth);
    ws.send(JSON.stringify({ type: "command-result", commandId: "x", ok: true, observedWeight: 1, error: null }));
    expect(String((await nextFrame(ws)).message)).toMatch(/first frame must be hello/);
    ws.close();
  });

  it("answers an incompatible protocol version explicitly and closes", async () => {
    const { agentUrl, auth } = await setup();
    const ws = await open(agentUrl, auth);
    ws.send(hello({ protocolVersion: PROTOCOL_VERSION + 1 }));
    const reply = await nextFrame(ws);
    expect(reply).toMatchObject({ type: "incompatible", protocolVersion: PROTOCOL_VERSION });
    await new Promise((resolve) => ws.once("close", resolve));
  });

  it("refuses agents with a wrong or missing token before the upgrade", async () => {
    const { agentUrl } = await setup();
    await expect(open(agentUrl, { authorization: "Bearer forged" })).rejects.toThrow(/401/);
    await expect(open(agentUrl, {})).rejects.toThrow(/401/);
  });

  it("refuses a cross-origin or unauthenticated browser upgrade on /ws/ui", async () => {
    const { hub } = await setup();
    const uiUrl = hub.url.replace("http", "ws") + "/ws/ui";
    const cookie = await login(hub.url, USERS.viewer.name, USERS.viewer.password);
    await expect(open(uiUrl, { origin: "https://evil.example", cookie })).rejects.toThrow(/403/);
    await expect(open(uiUrl, { origin: hub.url })).rejects.toThrow(/401/);
    await expect(open(uiUrl, { origin: hub.url, cookie: "lvsdeck_session=s_forged" })).rejects.toThrow(/401/);
    const same = await open(uiUrl, { origin: hub.url, cookie });
    expect((await nextFrame(same)).type).toBe("hello");
    same.close();
  });

  it("stores each (director, seq) once and acknowledges duplicates", async () => {
    const { hub, agentUrl, auth } = await setup();
    const ws = await open(agentUrl, auth);
    ws.send(hello());
    await nextFrame(ws);
    const event = JSON.stringify({ type: "event", seq: 0, observedAt: 5, event: { kind: "keepalived", running: false, detail: "stopped", at: 5 } });
    ws.send(event);
    expect(await nextFrame(ws)).toEqual({ type: "ack", seq: 0 });
    ws.send(event);
    expect(await nextFrame(ws)).toEqual({ type: "ack", seq: 0 });
    const { events } = (await (await api(`${hub.url}/api/events?kind=keepalived`)).json()) as { events: unknown[] };
    expect(events).toHaveLength(1);
    ws.close();
  });
});
