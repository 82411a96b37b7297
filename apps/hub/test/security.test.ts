import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChildProcess } from "node:child_process";
import WebSocket from "ws";
import { PROTOCOL_VERSION, eventsResponseSchema, auditResponseSchema, createdTokenSchema, drainsResponseSchema, tokensResponseSchema, usersResponseSchema, weightChangeSchema } from "@lvsdeck/protocol";
import { USERS, agentBin, director, login, startHub, startSeedPair, stopAll, vrrpState, waitFor } from "./harness";
import { spawn } from "node:child_process";

const SEED = "TCP 192.168.50.100:443";
const WEB = "TCP 192.168.50.101:80";

/** Every route that changes something, with a valid body, so only the caller's rights decide. */
const writes: [string, string, unknown][] = [
  ["POST", "/api/weights", { service: SEED, realServer: "192.168.50.11:443", weight: 3 }],
  ["POST", "/api/drain", { service: SEED, realServer: "192.168.50.11:443" }],
  ["POST", "/api/restore", { service: SEED, realServer: "192.168.50.11:443" }],
  ["POST", "/api/sim/faults", { director: "lvs-dir-02", fault: "cut-link" }],
  ["POST", "/api/users", { name: "mallory", role: "admin", password: "mallory-password-1" }],
  ["PATCH", "/api/users/vera", { role: "admin" }],
  ["POST", "/api/tokens", { kind: "wall", name: "tv" }],
  ["DELETE", "/api/tokens/x", undefined],
];
/** Every route that reads. */
const reads = ["/api/cluster", "/api/cluster?at=1", "/api/events", "/api/alerts", "/api/series?service=TCP%20192.168.50.100:443&from=0&to=1000", "/api/states?service=TCP%20192.168.50.100:443&director=lvs-dir-01&from=0&to=1000", "/api/connections?director=lvs-dir-01", "/api/drains", "/api/session", "/api/weights/x"];
const adminReads = ["/api/users", "/api/tokens", "/api/audit"];

describe("who may do what", () => {
  let hub: Awaited<ReturnType<typeof startHub>>;
  let children: ChildProcess[] = [];
  const cookies: Record<string, string> = {};
  const as = (who: string | null, method: string, path: string, body?: unknown) =>
    fetch(`${hub.url}${path}`, {
      method,
      headers: { "content-type": "application/json", ...(who && { cookie: cookies[who]! }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    hub = await startHub();
    children = await startSeedPair(hub.url);
    for (const [key, user] of Object.entries(USERS)) cookies[key] = await login(hub.url, user.name, user.password);
    await waitFor(async () => vrrpState(await director(hub.url, "lvs-dir-01")) === "MASTER", 15_000, "MASTER");
    await waitFor(async () => (await director(hub.url, "lvs-dir-02"))?.snapshot, 5_000, "lvs-dir-02");
  }, 60_000);
  afterAll(async () => {
    await stopAll(children);
    await hub.close();
  });

  it("answers 401 on every route without credentials, except health and sign-in", async () => {
    for (const path of [...reads, ...adminReads]) expect([path, (await as(null, "GET", path)).status]).toEqual([path, 401]);
    for (const [method, path, body] of writes) expect([path, (await as(null, method, path, body)).status]).toEqual([path, 401]);
    expect((await as(null, "GET", "/api/health")).status).toBe(200);
  });

  it("answers 403 to a viewer on every write and every admin read, and lets it read", async () => {
    for (const [method, path, body] of writes) expect([path, (await as("viewer", method, path, body)).status]).toEqual([path, 403]);
    for (const path of adminReads) expect([path, (await as("viewer", "GET", path)).status]).toEqual([path, 403]);
    expect((await as("viewer", "GET", "/api/cluster")).status).toBe(200);
  });

  it("answers 403 to an operator outside their VIPs and lets them act inside", async () => {
    const outside = await as("scoped", "POST", "/api/weights", { service: SEED, realServer: "192.168.50.11:443", weight: 3 });
    expect(outside.status).toBe(403);
    const inside = await as("scoped", "POST", "/api/weights", { service: WEB, realServer: "10.50.0.21:8080", weight: 2 });
    expect(inside.status).toBe(200);
    // Outside their VIP they read nothing either: no series, no connection table, no foreign events.
    expect((await as("scoped", "GET", `/api/series?service=${encodeURIComponent(SEED)}&from=0&to=1000`)).status).toBe(403);
    expect((await as("scoped", "GET", `/api/states?service=${encodeURIComponent(SEED)}&director=lvs-dir-01&from=0&to=1000`)).status).toBe(403);
    expect((await as("scoped", "GET", "/api/connections?director=lvs-dir-01")).status).toBe(403);
    expect((await as("scoped", "GET", "/api/connections?director=lvs-dir-01&vip=192.168.50.101")).status).toBe(200);
    const events = (await (await as("scoped", "GET", "/api/events?kind=weight")).json()) as { events: { event: { service: string } }[] };
    expect(events.events.length).toBeGreaterThan(0);
    expect(events.events.every((e) => e.event.service === WEB)).toBe(true);
    // Their cluster view holds only their VIP's service.
    const cluster = (await (await as("scoped", "GET", "/api/cluster")).json()) as { directors: { snapshot: { services: { key: string }[] } | null }[] };
    expect(cluster.directors.flatMap((d) => d.snapshot?.services.map((s) => s.key) ?? []).every((k) => k === WEB)).toBe(true);
  });

  it("rejects malformed and oversized bodies with 400 naming the field", async () => {
    const bad = await as("operator", "POST", "/api/weights", { service: SEED, realServer: "192.168.50.11:443", weight: -1 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { issues: { path: string }[] }).issues[0]?.path).toBe("weight");
    const extra = await as("operator", "POST", "/api/weights", { service: SEED, realServer: "192.168.50.11:443", weight: 1, shell: "x" });
    expect(extra.status).toBe(400);
    const notJson = await fetch(`${hub.url}/api/weights`, { method: "POST", headers: { "content-type": "application/json", cookie: cookies.operator! }, body: "{weight" });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: string }).error).toMatch(/malformed body/);
    const huge = await as("operator", "POST", "/api/weights", { service: SEED, realServer: "192.168.50.11:443", weight: 1, reason: "x".repeat(100_000) });
    expect(huge.status).toBe(413);
  });

  it.each([
    ["TCP 192.168.50.100:443; reboot", "192.168.50.11:443"],
    ["TCP 192.168.50.100:443", "192.168.50.11:443 -w 0"],
    ["TCP -t 1.2.3.4:1", "192.168.50.11:443"],
    ["TCP 192.168.50.100:443", "$(reboot):443"],
    ["FWM 100 -6 --sched-flags x", "192.168.50.41:0"],
  ])("rejects injection in service %j / real server %j by schema", async (service, realServer) => {
    const response = await as("admin", "POST", "/api/weights", { service, realServer, weight: 1 });
    expect(response.status).toBe(400);
  });

  it("needs force and a reason to drain the last healthy server, and records it in the audit log", async () => {
    const drainFirst = await as("operator", "POST", "/api/drain", { service: SEED, realServer: "192.168.50.11:443" });
    expect(drainFirst.status).toBe(200);
    const refused = await as("operator", "POST", "/api/drain", { service: SEED, realServer: "192.168.50.12:443" });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { code: string }).code).toBe("needs-force");
    const noReason = await as("operator", "POST", "/api/drain", { service: SEED, realServer: "192.168.50.12:443", force: true });
    expect(noReason.status).toBe(400);
    const forced = await as("operator", "POST", "/api/drain", { service: SEED, realServer: "192.168.50.12:443", force: true, reason: "maintenance window 42" });
    expect(forced.status).toBe(200);
    // Every signed-in user sees both drains, with what is left on each director, until they are restored.
    const drained = async () => drainsResponseSchema.parse(await (await as("viewer", "GET", "/api/drains")).json()).drains.filter((d) => d.service === SEED);
    const drains = await drained();
    expect(drains.map((d) => d.realServer).sort()).toEqual(["192.168.50.11:443", "192.168.50.12:443"]);
    expect(drains.every((d) => d.previousWeight > 0 && d.directors.map((p) => p.director).sort().join() === "lvs-dir-01,lvs-dir-02")).toBe(true);
    // ...within their VIP scope: sam (scoped to .101) sees none of these .100 drains.
    const scopedView = drainsResponseSchema.parse(await (await as("scoped", "GET", "/api/drains")).json()).drains;
    expect(scopedView.filter((d) => d.service === SEED)).toEqual([]);
    for (const rs of ["192.168.50.11:443", "192.168.50.12:443"]) expect((await as("operator", "POST", "/api/restore", { service: SEED, realServer: rs })).status).toBe(200);
    expect(await drained()).toEqual([]);
    const audit = auditResponseSchema.parse(await (await as("admin", "GET", "/api/audit")).json());
    const drain = audit.records.find((r) => r.action === "drain" && r.reason === "maintenance window 42");
    expect(drain).toMatchObject({ actor: USERS.operator.name, realServer: "192.168.50.12:443", to: 0, result: "applied" });
    expect(drain?.directors.sort()).toEqual(["lvs-dir-01", "lvs-dir-02"]);
    expect(audit.records.some((r) => r.action === "login" && r.actor === USERS.viewer.name)).toBe(true);
  });

  it("does not let an admin disable themselves or drop their own admin role", async () => {
    expect((await as("admin", "PATCH", `/api/users/${USERS.admin.name}`, { disabled: true })).status).toBe(409);
    expect((await as("admin", "PATCH", `/api/users/${USERS.admin.name}`, { role: "viewer" })).status).toBe(409);
    const { users } = usersResponseSchema.parse(await (await as("admin", "GET", "/api/users")).json());
    expect(users.find((u) => u.name === USERS.admin.name)).toMatchObject({ role: "admin", disabled: false });
  });

  it("answers 409 with the current weight when the weight changed since the operator saw it", async () => {
    const response = await as("operator", "POST", "/api/weights", { service: WEB, realServer: "10.50.0.23:8080", weight: 5, expectedWeight: 7 });
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ code: "weight-changed", currentWeight: 2 });
  });

  it("applies a replayed request id once, for its own caller and body only", async () => {
    const body = { service: WEB, realServer: "10.50.0.22:8080", weight: 4, requestId: "replay-test-0001" };
    // Two parallel sends of one request (a double click, a retry racing the first) apply once.
    const [first, parallel] = await Promise.all([as("operator", "POST", "/api/weights", body), as("operator", "POST", "/api/weights", body)]);
    const change = weightChangeSchema.parse(await first.json());
    expect(weightChangeSchema.parse(await parallel.json()).id).toBe(change.id);
    const replay = weightChangeSchema.parse(await (await as("operator", "POST", "/api/weights", body)).json());
    expect(replay.id).toBe(change.id);
    // The same id with another body, or from another user, is refused rather than answered with the first change.
    const otherBody = await as("operator", "POST", "/api/weights", { ...body, weight: 9 });
    expect(otherBody.status).toBe(409);
    expect(await otherBody.json()).toMatchObject({ code: "request-id-reused" });
    const otherUser = await as("admin", "POST", "/api/weights", body);
    expect(otherUser.status).toBe(409);
    const view = await director(hub.url, "lvs-dir-01");
    expect(view?.snapshot?.services.find((s) => s.key === WEB)?.realServers.find((r) => r.key === "10.50.0.22:8080")?.weight).toBe(4);
    const audit = auditResponseSchema.parse(await (await as("admin", "GET", "/api/audit")).json());
    expect(audit.records.filter((r) => r.action === "weight" && r.realServer === "10.50.0.22:8080")).toHaveLength(1);
  });

  it("names the operator on each director's report of their weight change, from the hub's own record", async () => {
    const realServer = "10.50.0.22:8080";
    const current = (await director(hub.url, "lvs-dir-01"))?.snapshot?.services.find((x) => x.key === WEB)?.realServers.find((r) => r.key === realServer)?.weight ?? 1;
    const target = current + 2;
    expect((await as("operator", "POST", "/api/weights", { service: WEB, realServer, weight: target })).status).toBe(200);
    const reports = async () =>
      eventsResponseSchema.parse(await (await as("admin", "GET", "/api/events?kind=weight")).json()).events.filter((e) => e.event.kind === "weight" && e.event.realServer === realServer && e.event.to === target);
    const seen = await waitFor(async () => ((await reports()).length >= 2 ? await reports() : null), 10_000, "both directors' reports");
    expect(seen.map((e) => (e.event.kind === "weight" ? e.event.actor : null))).toEqual([USERS.operator.name, USERS.operator.name]);
  });

  it("lets a VIP-scoped operator inject only faults of one real server of their own services", async () => {
    const stop = await as("scoped", "POST", "/api/sim/faults", { director: "lvs-dir-01", fault: "stop-director" });
    expect(stop.status).toBe(403);
    expect(await stop.json()).toMatchObject({ error: expect.stringMatching(/stop-director affects every VIP on lvs-dir-01/) as string });
    expect((await as("scoped", "POST", "/api/sim/faults", { director: "lvs-dir-02", fault: "cut-link" })).status).toBe(403);
    expect((await as("scoped", "POST", "/api/sim/faults", { director: "lvs-dir-02", fault: "fail-real-server", service: SEED, realServer: "192.168.50.11:443" })).status).toBe(403);
    const mine = { director: "lvs-dir-02", service: WEB, realServer: "10.50.0.23:8080" };
    expect((await as("scoped", "POST", "/api/sim/faults", { ...mine, fault: "fail-real-server" })).status).toBe(200);
    expect((await as("scoped", "POST", "/api/sim/faults", { ...mine, fault: "restore-real-server" })).status).toBe(200);
    expect(vrrpState(await director(hub.url, "lvs-dir-01"))).toBe("MASTER");
  });

  it("refuses a replayed request id out of the caller's scope before answering anything", async () => {
    const body = { service: SEED, realServer: "192.168.50.12:443", weight: 3, requestId: "scope-replay-0001" };
    expect((await as("admin", "POST", "/api/weights", body)).status).toBe(200);
    // sam is scoped to .101: the id of a .100 change tells him nothing.
    const replay = await as("scoped", "POST", "/api/weights", body);
    expect(replay.status).toBe(403);
    expect(await replay.json()).toEqual({ error: `your VIP scope does not include ${SEED}`, code: "out-of-scope" });
  });

  it("makes expectedWeight a real compare-and-set: of two parallel changes from the same weight, one applies", async () => {
    const realServer = "10.50.0.21:8080";
    const current = (await director(hub.url, "lvs-dir-01"))?.snapshot?.services.find((s) => s.key === WEB)?.realServers.find((r) => r.key === realServer)?.weight;
    expect(current).toBeDefined();
    const [a, b] = await Promise.all([
      as("operator", "POST", "/api/weights", { service: WEB, realServer, weight: 6, expectedWeight: current }),
      as("admin", "POST", "/api/weights", { service: WEB, realServer, weight: 8, expectedWeight: current }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(await loser.json()).toMatchObject({ code: "weight-changed", currentWeight: a.status === 409 ? 8 : 6 });
  });

  it("checks expectedWeight against each director's own weight: one set on lvs-dir-02 alone is not taken for lvs-dir-01's", async () => {
    const realServer = "10.50.0.22:8080";
    const weightOn = async (id: string) => (await director(hub.url, id))?.snapshot?.services.find((s) => s.key === WEB)?.realServers.find((r) => r.key === realServer)?.weight;
    const onFirst = await weightOn("lvs-dir-01");
    expect(onFirst).toBeDefined();
    const other = onFirst === 9 ? 10 : 9;
    const only = await as("admin", "POST", "/api/weights", { service: WEB, realServer, weight: other, director: "lvs-dir-02" });
    expect(only.status).toBe(200);
    // At once, before lvs-dir-01 reports again: its weight is still its own.
    const next = await as("admin", "POST", "/api/weights", { service: WEB, realServer, weight: 11, director: "lvs-dir-01", expectedWeight: onFirst });
    expect([next.status, await next.text()]).toEqual([200, expect.any(String)]);
    await waitFor(async () => (await weightOn("lvs-dir-01")) === 11 && (await weightOn("lvs-dir-02")) === other, 5_000, "both weights reported");
  });

  it("sets the session cookie httpOnly and SameSite=Strict, with a CSP on pages", async () => {
    const response = await fetch(`${hub.url}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: USERS.admin.name, password: USERS.admin.password }) });
    expect(response.headers.get("set-cookie")).toMatch(/HttpOnly; SameSite=Strict/);
    expect(response.headers.get("content-security-policy")).toMatch(/script-src 'self'/);
  });

  it("binds an agent token to its director, rejects forged tokens and disconnects a revoked one at once", async () => {
    const created = createdTokenSchema.parse(await (await as("admin", "POST", "/api/tokens", { kind: "agent", director: "lvs-dir-03" })).json());
    const agentUrl = `${hub.url.replace("http", "ws")}/ws/agent`;
    const hello = (name: string) => JSON.stringify({ type: "hello", protocolVersion: PROTOCOL_VERSION, director: name, agentVersion: "t", sources: [], capabilities: [], weightMode: "runtime", tickMs: 1000 });
    const connect = (token: string) => new WebSocket(agentUrl, { headers: { authorization: `Bearer ${token}` } });
    const refused = await new Promise<number>((resolve) => connect("agt_forged").once("unexpected-response", (_q, r) => resolve(r.statusCode ?? 0)));
    expect(refused).toBe(401);
    const impostor = connect(created.secret);
    impostor.on("open", () => impostor.send(hello("lvs-dir-01")));
    expect(await new Promise<number>((resolve) => impostor.once("close", resolve))).toBe(4403);
    // A real agent process with that token, then revoke it.
    const agent = spawn(process.execPath, [agentBin, "--hub", hub.url, "--director", "lvs-dir-03", "--token", created.secret, "--source", "sim", "--tick-ms", "250"], { stdio: ["ignore", "ignore", "pipe"] });
    children.push(agent);
    let agentLog = "";
    agent.stderr.on("data", (chunk: Buffer) => (agentLog += chunk.toString()));
    await waitFor(async () => (await director(hub.url, "lvs-dir-03"))?.connected, 10_000, "lvs-dir-03 connected");
    expect((await as("admin", "DELETE", `/api/tokens/${created.id}`)).status).toBe(200);
    const { tokens } = tokensResponseSchema.parse(await (await as("admin", "GET", "/api/tokens")).json());
    expect(tokens.find((t) => t.id === created.id)).toMatchObject({ kind: "agent", director: "lvs-dir-03", revokedAt: expect.any(Number) as number });
    await waitFor(async () => (await director(hub.url, "lvs-dir-03"))?.connected === false, 2_000, "lvs-dir-03 disconnected");
    // The agent has tried again and been turned away: it stays out.
    // Whole log lines only: the last may still be arriving.
    const refusedWith401 = () =>
      agentLog
        .split("\n")
        .slice(0, -1)
        .some((line) => {
          const entry = (line.startsWith("{") ? JSON.parse(line) : {}) as { message?: string; status?: number; hub?: string };
          return entry.message === "hub refused the connection" && entry.status === 401 && entry.hub === hub.url;
        });
    await waitFor(() => Promise.resolve(refusedWith401()), 10_000, "a refused reconnect");
    expect((await director(hub.url, "lvs-dir-03"))?.connected).toBe(false);
  });

  it("opens /ws/ui with a wall token in the kiosk URL, and only for its VIPs", async () => {
    const created = createdTokenSchema.parse(await (await as("admin", "POST", "/api/tokens", { kind: "wall", name: "noc", vips: ["192.168.50.101"] })).json());
    const ws = new WebSocket(`${hub.url.replace("http", "ws")}/ws/ui?token=${created.secret}`, { headers: { origin: hub.url } });
    const frames: { type: string; director?: { snapshot: { services: { key: string }[] } | null } }[] = [];
    ws.on("message", (d) => frames.push(JSON.parse(d.toString()) as (typeof frames)[number]));
    await waitFor(async () => frames.some((f) => f.type === "director"), 5_000, "director frame");
    const keys = frames.flatMap((f) => f.director?.snapshot?.services.map((s) => s.key) ?? []);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k === WEB)).toBe(true);
    ws.close();
    // The same token cannot write.
    const write = await fetch(`${hub.url}/api/weights`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${created.secret}` }, body: JSON.stringify({ service: WEB, realServer: "10.50.0.21:8080", weight: 1 }) });
    expect(write.status).toBe(403);
  });
  // Last: it locks this address out of signing in for a minute.
  it("rate-limits failed sign-ins", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await as(null, "POST", "/api/session", { name: "nobody", password: "wrong-password" })).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.at(-1)).toBe(429);
  });

});
