// Clustered hubs keep one record in PostgreSQL: whichever hub a browser, an admin or an agent reaches,
// the events, users, sessions, tokens, audit, incident notes, request answers and held weight changes
// are the same, and access taken away on one hub ends on the others too.
import { execFile, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditResponseSchema, createdTokenSchema, eventsResponseSchema, incidentResponseSchema, incidentsResponseSchema, sessionResponseSchema, weightChangeSchema } from "@lvsdeck/protocol";
import type { Hub } from "../src/createHub";
import { USERS, api, director, login, repoRoot, startClusteredHub, startSeedPair, stopAll, waitFor, watchUi } from "./harness";
import { FAKE_REAL_SERVER, FAKE_SERVICE, connectFakeAgent } from "./fakeAgent";
import { createDatabase, startPostgres, type PostgresServer } from "./services";

/** `lvsdeck-hub` run from its sources, as an admin runs it on any machine that reaches the database. */
function cli(args: string[], stdin: string, env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = execFile(process.execPath, ["--import", "tsx", join(repoRoot, "apps/hub/src/main.ts"), ...args], { cwd: repoRoot, env: { ...process.env, ...env } }, (err, stdout, stderr) =>
      done({ code: err === null ? 0 : typeof err.code === "number" ? err.code : 1, stdout, stderr }),
    );
    child.stdin?.end(stdin);
  });
}

describe("clustered hubs share one PostgreSQL record", () => {
  let postgres: PostgresServer;
  let url: string;
  let a: Hub;
  let b: Hub;
  let agents: ChildProcess[] = [];
  const events = async (hub: Hub, cookie: string, query: string) =>
    eventsResponseSchema.parse(await (await fetch(`${hub.url}/api/events?${query}`, { headers: { cookie } })).json()).events;

  beforeAll(async () => {
    postgres = await startPostgres();
    url = await createDatabase(postgres, "cluster");
    // Both start at once on an empty database: one applies the schema, the other waits for it.
    // B starts with no users of its own: it signs in with those A created in the shared record.
    a = await startClusteredHub(url);
    b = await startClusteredHub(url, { users: [] });
    agents = await startSeedPair(a.url);
  }, 90_000);
  afterAll(async () => {
    await stopAll(agents);
    await Promise.all([a?.close(), b?.close()]);
    await postgres?.stop();
  });

  it("signs a user in on one hub and lets the session work on another", async () => {
    const cookie = await login(a.url, USERS.operator.name, USERS.operator.password);
    const onB = await fetch(`${b.url}/api/session`, { headers: { cookie } });
    expect(onB.status).toBe(200);
    expect(sessionResponseSchema.parse(await onB.json()).user?.name).toBe(USERS.operator.name);
    // Signing out on B ends the session on A too.
    await fetch(`${b.url}/api/session`, { method: "DELETE", headers: { cookie, origin: b.url } });
    expect((await fetch(`${a.url}/api/session`, { headers: { cookie } })).status).toBe(401);
  });

  it("stores an agent's events once, and any hub reads them", async () => {
    const cookie = await login(b.url, USERS.admin.name, USERS.admin.password);
    await waitFor(async () => (await events(b, cookie, "kind=vrrp-transition")).some((e) => e.event.kind === "vrrp-transition" && e.event.to === "MASTER"), 20_000, "a MASTER transition read through hub B");
    const fromA = await events(a, cookie, "limit=1000");
    const fromB = await events(b, cookie, "limit=1000");
    expect(fromB.map((e) => e.id)).toEqual(fromA.map((e) => e.id));
    const agentEvents = fromB.filter((e) => e.seq !== null);
    expect(new Set(agentEvents.map((e) => `${e.director}:${e.seq}`)).size).toBe(agentEvents.length);
    // Both hubs recorded their own start in the one log.
    expect(fromB.filter((e) => e.event.kind === "hub" && e.event.state === "started")).toHaveLength(2);
  });

  it("closes a wall's socket on one hub when its token is revoked on another", async () => {
    const admin = await login(a.url, USERS.admin.name, USERS.admin.password);
    const write = (path: string, method: string, body?: unknown) =>
      fetch(`${a.url}${path}`, { method, headers: { cookie: admin, origin: a.url, "content-type": "application/json" }, ...(body !== undefined && { body: JSON.stringify(body) }) });
    const token = createdTokenSchema.parse(await (await write("/api/tokens", "POST", { kind: "wall", name: "noc-b" })).json());
    const wall = await watchUi(b.url, {}, `?token=${token.secret}`);
    expect((await write(`/api/tokens/${token.id}`, "DELETE")).status).toBe(200);
    expect(await wall.closed).toBe(4401);
    expect((await fetch(`${b.url}/api/session`, { headers: { authorization: `Bearer ${token.secret}` } })).status).toBe(401);
  });

  it("takes users from the CLI pointed at the same database, and audits on every hub into one log", async () => {
    const added = await cli(["user", "add", "carol", "--role", "viewer"], "carols-password-123\n", { LVSDECK_POSTGRES_URL: url });
    expect(added.code, added.stderr).toBe(0);
    const cookie = await login(b.url, "carol", "carols-password-123");
    expect(cookie).toMatch(/^lvsdeck_session=/);
    const admin = await login(b.url, USERS.admin.name, USERS.admin.password);
    const audit = (await (await fetch(`${a.url}/api/audit`, { headers: { cookie: admin } })).json()) as { records: { actor: string; action: string }[] };
    expect(audit.records.some((r) => r.actor === "cli" && r.action === "user")).toBe(true);
    expect(audit.records.some((r) => r.actor === "carol" && r.action === "login")).toBe(true);
  });

  /** A write to `hub` as its admin (signed in by startClusteredHub). */
  const send = (hub: Hub, method: string, path: string, body: unknown) =>
    api(`${hub.url}${path}`, { method, headers: { "content-type": "application/json", origin: hub.url }, body: JSON.stringify(body) });

  it("reads on hub B the title and note an operator gave an incident on hub A", async () => {
    // A cut link makes lvs-dir-02 take over: an incident (the pair's first election opens none).
    await waitFor(async () => (await director(a.url, "lvs-dir-02"))?.snapshot, 20_000, "lvs-dir-02 on hub A");
    expect((await send(a, "POST", "/api/sim/faults", { director: "lvs-dir-02", fault: "cut-link" })).status).toBe(200);
    const incident = await waitFor(async () => incidentsResponseSchema.parse(await (await api(`${a.url}/api/incidents`)).json()).incidents[0], 20_000, "an incident on hub A").finally(() =>
      send(a, "POST", "/api/sim/faults", { director: "lvs-dir-02", fault: "restore-link" }),
    );
    expect((await send(a, "POST", `/api/incidents/${incident.id}/notes`, { text: "uplink flapped during the switch upgrade" })).status).toBe(201);
    expect((await send(a, "PUT", `/api/incidents/${incident.id}/title`, { title: "Switch upgrade" })).status).toBe(200);
    const onB = incidentResponseSchema.parse(await (await api(`${b.url}/api/incidents/${incident.id}`)).json());
    expect(onB.incident).toMatchObject({ title: "Switch upgrade", titled: true, noteCount: 1 });
    expect(onB.notes.map((n) => [n.author, n.text])).toEqual([[USERS.admin.name, "uplink flapped during the switch upgrade"]]);
  });

  it("answers a weight request retried on hub B with hub A's first answer, applied once", async () => {
    const service = "TCP 192.168.50.100:443";
    const realServer = "192.168.50.12:443";
    const weightOn = async (id: string) => (await director(a.url, id))?.snapshot?.services.find((s) => s.key === service)?.realServers.find((r) => r.key === realServer)?.weight;
    await waitFor(async () => (await weightOn("lvs-dir-01")) !== undefined && (await weightOn("lvs-dir-02")) !== undefined, 20_000, "both directors' tables on hub A");
    const request = { service, realServer, weight: 6, requestId: "cluster-retry-0001" };
    const first = await send(a, "POST", "/api/weights", request);
    expect(first.status).toBe(200);
    const change = weightChangeSchema.parse(await first.json());
    expect(change.state).toBe("applied");
    // Hub B holds no agent: without the shared answer it could only refuse (no director carries it here).
    const retry = await send(b, "POST", "/api/weights", request);
    expect(retry.status).toBe(200);
    expect(weightChangeSchema.parse(await retry.json())).toEqual(change);
    expect((await send(b, "POST", "/api/weights", { ...request, weight: 7 })).status).toBe(409);
    const audit = auditResponseSchema.parse(await (await api(`${b.url}/api/audit?limit=500`)).json());
    expect(audit.records.filter((r) => r.action === "weight" && r.realServer === realServer && r.to === 6)).toHaveLength(1);
  });

  it("delivers a change held by a hub that stopped when the director returns to another hub", async () => {
    const c = await startClusteredHub(url, { users: [] });
    let closeC: (() => Promise<void>) | null = () => c.close();
    const dirA = await connectFakeAgent(c.url, "dir-held-a", 2);
    const dirB = await connectFakeAgent(c.url, "dir-held-b", 2);
    try {
      await waitFor(async () => (await director(c.url, "dir-held-b"))?.snapshot, 10_000, "dir-held-b's table on hub C");
      await dirB.close();
      await waitFor(async () => (await director(c.url, "dir-held-b"))?.connected === false, 10_000, "dir-held-b away from hub C");
      const held = weightChangeSchema.parse(await (await send(c, "POST", "/api/weights", { service: FAKE_SERVICE, realServer: FAKE_REAL_SERVER, weight: 6 })).json());
      expect(held.results.map((r) => [r.director, r.state]).sort()).toEqual([["dir-held-a", "ok"], ["dir-held-b", "disconnected"]]);
      await dirA.close();
      await c.close();
      closeC = null;

      // dir-held-b comes back, still at its weight from before, to hub B, which never saw the change.
      const back = await connectFakeAgent(b.url, "dir-held-b", 2);
      try {
        await waitFor(async () => back.weight() === 6, 10_000, "the held weight on dir-held-b through hub B");
        expect(back.commands).toEqual([{ kind: "set-weight", service: FAKE_SERVICE, realServer: FAKE_REAL_SERVER, weight: 6 }]);
      } finally {
        await back.close();
      }
    } finally {
      await dirA.close();
      await closeC?.();
    }
  });

  it("refuses to start when PostgreSQL cannot be reached, naming the server without its password", async () => {
    const unreachable = `postgres://lvsdeck:secret-pw@127.0.0.1:${postgres.port + 1}/none`;
    await expect(startClusteredHub(unreachable)).rejects.toThrow(/PostgreSQL postgres:\/\/lvsdeck:\*\*\*@127\.0\.0\.1/);
  });
});
