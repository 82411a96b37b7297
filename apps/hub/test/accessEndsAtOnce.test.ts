// Access ends the moment it is taken away: every live socket is bound to the credential it was opened
// with, whether the change comes through the API or through the CLI on the same database.
import { execFile } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { PROTOCOL_VERSION, createdTokenSchema } from "@lvsdeck/protocol";
import { api, director, login, startHub, startSeedPair, stopAll, vrrpState, waitFor, watchUi as watch } from "./harness";

const repoRoot = resolve(import.meta.dirname, "../../..");
const SEED_VIP = "192.168.50.100";
const WEB_VIP = "192.168.50.101";

function cli(args: string[], dataDir: string): Promise<{ code: number; stderr: string }> {
  return new Promise((done) => {
    const child = execFile(process.execPath, ["--import", "tsx", join(repoRoot, "apps/hub/src/main.ts"), ...args, "--data", dataDir], { cwd: repoRoot }, (err, _out, stderr) =>
      done({ code: err === null ? 0 : typeof err.code === "number" ? err.code : 1, stderr }),
    );
    child.stdin?.end("");
  });
}


describe("a live socket ends when its access does", () => {
  let hub: Awaited<ReturnType<typeof startHub>>;
  let children: ChildProcess[] = [];
  let n = 0;
  const adminWrite = (path: string, method: string, body?: unknown) =>
    api(`${hub.url}${path}`, { method, headers: { "content-type": "application/json", origin: hub.url }, ...(body !== undefined && { body: JSON.stringify(body) }) });
  /** A fresh operator scoped to the seed VIP, signed in; its cookie. */
  const newUser = async (vips: string[] | null = [SEED_VIP]) => {
    const name = `user${++n}`;
    const password = `password-of-${name}-123`;
    const made = await adminWrite("/api/users", "POST", { name, role: "operator", password, vips });
    expect(made.status).toBe(201);
    return { name, password, cookie: await login(hub.url, name, password) };
  };

  beforeAll(async () => {
    hub = await startHub();
    children = await startSeedPair(hub.url);
    await waitFor(async () => vrrpState(await director(hub.url, "lvs-dir-01")) === "MASTER", 15_000, "MASTER");
  }, 60_000);
  afterAll(async () => {
    await stopAll(children);
    await hub.close();
  });

  it("disabling a user closes their open socket with 4401 before the API answers", async () => {
    const user = await newUser();
    const live = await watch(hub.url, { cookie: user.cookie });
    expect((await adminWrite(`/api/users/${user.name}`, "PATCH", { disabled: true })).status).toBe(200);
    expect(await live.closed).toBe(4401);
    // Nothing arrives once the close is on its way, and a new socket is refused.
    expect(live.frames.length).toBe(live.framesAtClose());
    await expect(watch(hub.url, { cookie: user.cookie })).rejects.toThrow("401");
  });

  it("a password change and a sign-out each close the sockets of that session", async () => {
    const user = await newUser();
    const live = await watch(hub.url, { cookie: user.cookie });
    expect((await adminWrite(`/api/users/${user.name}`, "PATCH", { password: "a-brand-new-password-1" })).status).toBe(200);
    expect(await live.closed).toBe(4401);

    const other = await newUser();
    const first = await watch(hub.url, { cookie: other.cookie });
    const second = await watch(hub.url, { cookie: other.cookie });
    const signOut = await fetch(`${hub.url}/api/session`, { method: "DELETE", headers: { cookie: other.cookie, origin: hub.url } });
    expect(signOut.status).toBeLessThan(300);
    expect(await first.closed).toBe(4401);
    expect(await second.closed).toBe(4401);
  });

  it("a scope change closes the socket with 4409, and the reconnect sees only the new scope", async () => {
    const user = await newUser([SEED_VIP]);
    const live = await watch(hub.url, { cookie: user.cookie });
    expect((await adminWrite(`/api/users/${user.name}`, "PATCH", { vips: [WEB_VIP] })).status).toBe(200);
    expect(await live.closed).toBe(4409);
    const again = await watch(hub.url, { cookie: user.cookie });
    await waitFor(() => Promise.resolve(again.frames.some((f) => f.type === "director")), 5_000, "a director frame");
    const keys = again.frames.flatMap((f) => f.director?.snapshot?.services.map((s) => s.key) ?? []);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k.includes(WEB_VIP))).toBe(true);
    again.ws.close();
  });

  it("revoking a wall token through the API, or through the CLI on the running hub, closes the wall's socket", async () => {
    const viaApi = createdTokenSchema.parse(await (await adminWrite("/api/tokens", "POST", { kind: "wall", name: "noc-a" })).json());
    const wallA = await watch(hub.url, {}, `?token=${viaApi.secret}`);
    expect((await adminWrite(`/api/tokens/${viaApi.id}`, "DELETE")).status).toBe(200);
    expect(await wallA.closed).toBe(4401);

    const viaCli = createdTokenSchema.parse(await (await adminWrite("/api/tokens", "POST", { kind: "wall", name: "noc-b" })).json());
    const wallB = await watch(hub.url, {}, `?token=${viaCli.secret}`);
    const revoked = await cli(["token", "revoke", viaCli.id], hub.dataDir);
    expect(revoked.code).toBe(0);
    // The hub notices a change made by another process on its next look (about a second).
    expect(await wallB.closed).toBe(4401);
  });

  it("a password change through the CLI closes the user's socket on the running hub", async () => {
    const user = await newUser();
    const live = await watch(hub.url, { cookie: user.cookie });
    const changed = await new Promise<number>((done) => {
      const child = execFile(process.execPath, ["--import", "tsx", join(repoRoot, "apps/hub/src/main.ts"), "user", "passwd", user.name, "--data", hub.dataDir], { cwd: repoRoot }, (err) =>
        done(err === null ? 0 : 1),
      );
      child.stdin?.end("another-new-password-1\n");
    });
    expect(changed).toBe(0);
    expect(await live.closed).toBe(4401);
  });

  it("a revoked agent that ignores close frames is cut off at once and feeds nothing more", async () => {
    const created = createdTokenSchema.parse(await (await adminWrite("/api/tokens", "POST", { kind: "agent", director: "lvs-dir-07" })).json());
    // A hand-written agent that never answers a close: it keeps sending deltas until the TCP link dies.
    const rogue = new WebSocket(`${hub.url.replace("http", "ws")}/ws/agent`, { headers: { authorization: `Bearer ${created.secret}` } });
    rogue.on("open", () => {
      rogue.send(JSON.stringify({ type: "hello", protocolVersion: PROTOCOL_VERSION, director: "lvs-dir-07", agentVersion: "rogue", sources: [], capabilities: [], weightMode: "runtime", tickMs: 1000 }));
    });
    const gone = new Promise<number>((done) => rogue.once("close", (code) => done(code)));
    await waitFor(async () => (await director(hub.url, "lvs-dir-07"))?.connected, 10_000, "the rogue connected");
    const revoked = await cli(["token", "revoke", created.id], hub.dataDir);
    expect(revoked.code).toBe(0);
    // Terminated, not asked: the peer sees an abnormal close (1006), not a close frame it could ignore.
    expect(await gone).toBe(1006);
    await waitFor(async () => (await director(hub.url, "lvs-dir-07"))?.connected === false, 3_000, "lvs-dir-07 disconnected");
  });
});

describe("live sockets per credential", () => {
  it("refuses the 17th socket of one session with 429 and accepts it again once one closes", async () => {
    const hub = await startHub();
    try {
      const cookie = await login(hub.url, "ada", "admin-password-123");
      const open = [];
      for (let i = 0; i < 16; i++) open.push(await watch(hub.url, { cookie }));
      await expect(watch(hub.url, { cookie })).rejects.toThrow("429");
      open[0]!.ws.close();
      await open[0]!.closed;
      // The hub counts the socket as gone when its end of the TCP connection closes.
      const again = await vi.waitFor(() => watch(hub.url, { cookie }), { timeout: 5_000, interval: 50 });
      again.ws.close();
      for (const w of open) w.ws.close();
    } finally {
      await hub.close();
    }
  });
});
