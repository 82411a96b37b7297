// Clustered hubs keep one record in PostgreSQL: whichever hub a browser, an admin or an agent reaches,
// the events, users, sessions, tokens and audit are the same, and access taken away on one hub ends
// on the others too.
import { execFile, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createdTokenSchema, eventsResponseSchema, sessionResponseSchema } from "@lvsdeck/protocol";
import type { Hub } from "../src/createHub";
import { USERS, login, repoRoot, startClusteredHub, startSeedPair, stopAll, waitFor, watchUi } from "./harness";
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

  it("refuses to start when PostgreSQL cannot be reached, naming the server without its password", async () => {
    const unreachable = `postgres://lvsdeck:secret-pw@127.0.0.1:${postgres.port + 1}/none`;
    await expect(startClusteredHub(unreachable)).rejects.toThrow(/PostgreSQL postgres:\/\/lvsdeck:\*\*\*@127\.0\.0\.1/);
  });
});
