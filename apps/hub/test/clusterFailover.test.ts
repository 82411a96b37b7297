// kill -9 of the hub that holds every agent and the wall's live socket, with the hubs behind HAProxy as a
// site deploys them: the agents move to the other hub, the wall reconnects through HAProxy and keeps
// updating with nothing missed and nothing twice, and PostgreSQL holds every event exactly once.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { HubEvent } from "@lvsdeck/protocol";
import { eventsResponseSchema, healthResponseSchema } from "@lvsdeck/protocol";
import { TOKEN, USERS, expectExactlyOnce, freeTcpPort, login, repoRoot, startFlappingPair, stopAll, waitFor } from "./harness";
import { createDatabase, startHaproxy, startNats, startPostgres, type Haproxy, type NatsServer, type PostgresServer } from "./services";

const hubBin = join(repoRoot, "apps/hub/dist/main.js");

/** A hub process of the cluster, as `lvsdeck-hub --postgres … --nats …` runs on a server. */
function startClusteredHubProcess(port: number, postgresUrl: string, natsUrl: string): ChildProcess {
  const child = spawn(process.execPath, [hubBin, "--port", String(port), "--host", "127.0.0.1", "--data", mkdtempSync(join(tmpdir(), "lvsdeck-hub-")), "--agent-token", TOKEN, "--nats", natsUrl], {
    env: { ...process.env, LVSDECK_POSTGRES_URL: postgresUrl },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr?.resume();
  return child;
}

const health = async (url: string) => healthResponseSchema.parse(await (await fetch(`${url}/api/health`)).json());

/**
 * A wall display's live socket as the web app keeps it: through the load balancer, reconnecting when
 * it drops, and after each hello fetching the event log once and merging it by id with what the
 * socket brings (apps/web's live bridge does the same).
 */
function wallThrough(proxyUrl: string, cookie: string) {
  const seen = new Map<number, HubEvent>();
  let hellos = 0;
  let live: WebSocket | null = null;
  let closed = false;
  const fetchLog = async () => {
    const page = eventsResponseSchema.parse(await (await fetch(`${proxyUrl}/api/events?limit=1000`, { headers: { cookie } })).json());
    for (const event of page.events) seen.set(event.id, event);
  };
  const open = () => {
    if (closed) return;
    const ws = new WebSocket(`${proxyUrl.replace("http", "ws")}/ws/ui`, { headers: { origin: proxyUrl, cookie } });
    live = ws;
    ws.on("message", (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; event?: HubEvent };
      if (frame.type === "hello") {
        hellos++;
        void fetchLog();
      }
      if (frame.type === "event" && frame.event) seen.set(frame.event.id, frame.event);
    });
    ws.on("error", () => undefined);
    // The web app waits a growing, jittered delay; a test needs only "again".
    ws.on("close", () => setImmediate(open));
  };
  open();
  return {
    hellos: () => hellos,
    seen: () => [...seen.values()],
    close() {
      closed = true;
      live?.terminate();
    },
  };
}

describe("a hub dies: the cluster goes on", () => {
  let postgres: PostgresServer;
  let nats: NatsServer;
  let proxy: Haproxy;
  let hubs: ChildProcess[] = [];
  let agents: ChildProcess[] = [];
  let urls: string[] = [];
  let postgresUrl = "";

  beforeAll(async () => {
    [postgres, nats] = await Promise.all([startPostgres(), startNats()]);
    postgresUrl = await createDatabase(postgres, "failover");
    // The admin is made with the hub's CLI against the shared database, as an operator would.
    const added = spawnSync(process.execPath, [hubBin, "user", "add", USERS.admin.name, "--role", "admin", "--postgres", postgresUrl], { input: `${USERS.admin.password}\n` });
    expect(added.status, added.stderr.toString()).toBe(0);
    const ports = [await freeTcpPort(), await freeTcpPort()];
    urls = ports.map((p) => `http://127.0.0.1:${p}`);
    hubs = ports.map((p) => startClusteredHubProcess(p, postgresUrl, nats.url));
    for (const url of urls) await waitFor(async () => (await fetch(`${url}/api/health`).catch(() => null))?.ok === true, 20_000, `${url} up`);
    // "first": HAProxy sends everyone to hub 1 while it lives, so the hub killed is the wall's.
    proxy = await startHaproxy(ports, { balance: "first" });
  }, 90_000);
  afterAll(async () => {
    await stopAll([...agents, ...hubs]);
    await proxy?.stop();
    await Promise.all([nats?.dispose(), postgres?.stop()]);
  });

  it("moves agents and the wall to the other hub within seconds, keeps the wall updating, and stores every event once", async () => {
    const [first, second] = urls as [string, string];
    agents = await startFlappingPair(`${first},${second}`);
    await waitFor(async () => (await health(first)).connectedAgents === 2, 20_000, "both agents on hub 1");
    const cookie = await login(proxy.url, USERS.admin.name, USERS.admin.password);
    const wall = wallThrough(proxy.url, cookie);
    const transitions = () => wall.seen().filter((e) => e.event.kind === "vrrp-transition");
    await waitFor(async () => transitions().length >= 3, 20_000, "the wall showing transitions");

    hubs[0]!.kill("SIGKILL");
    const killedAt = Date.now();
    await waitFor(async () => (await health(second)).connectedAgents === 2, 15_000, "both agents on hub 2");
    const agentsMovedMs = Date.now() - killedAt;
    // The wall's socket went down with hub 1; HAProxy sends the reconnect to hub 2.
    await waitFor(async () => wall.hellos() >= 2, 15_000, "the wall reconnected");
    // And it keeps updating: transitions that happened after the kill reach it.
    await waitFor(async () => transitions().some((e) => e.event.at > killedAt + 1_000), 20_000, "a transition after the kill on the wall");
    expect(agentsMovedMs).toBeLessThan(15_000);

    await stopAll(agents);
    const stored = async (director: string) =>
      eventsResponseSchema.parse(await (await fetch(`${second}/api/events?director=${director}&limit=1000`, { headers: { cookie } })).json()).events;
    for (const director of ["lvs-dir-01", "lvs-dir-02"]) {
      const record = await stored(director);
      // Every event once in PostgreSQL, whichever hub took it, however often the agent resent it.
      expectExactlyOnce(record);
      // The wall missed none of the transitions stored up to its last one, and holds each once (by id).
      const shown = transitions().filter((e) => e.director === director);
      const last = Math.max(...shown.map((e) => e.id));
      const owed = record.filter((e) => e.event.kind === "vrrp-transition" && e.id <= last).map((e) => e.id);
      expect(shown.map((e) => e.id).sort((x, y) => x - y)).toEqual(expect.arrayContaining(owed));
    }
    wall.close();
  }, 120_000);
});
