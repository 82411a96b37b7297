// Clustered hubs on a real NATS (JetStream) and a real PostgreSQL: agents on one hub, browsers and
// operators on another see and act on the same cluster, and a hub cut off from the bus shows the
// directors it cannot hear as stale, never as healthy.
import type { ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import type { RealServerKey, ServiceKey } from "@lvsdeck/protocol";
import { clusterResponseSchema, createdTokenSchema, drainsResponseSchema, eventsResponseSchema, seriesResponseSchema, weightChangeSchema } from "@lvsdeck/protocol";
import type { Hub } from "../src/createHub";
import { USERS, api, director, login, startClusteredHub, startSeedPair, stopAll, vrrpState, waitFor, watchUi } from "./harness";
import { createDatabase, startNats, startPostgres, type NatsServer, type PostgresServer } from "./services";

const SEED_SERVICE = "TCP 192.168.50.100:443" as ServiceKey;
const SEED_RS = "192.168.50.11:443" as RealServerKey;

describe("clustered hubs on NATS and PostgreSQL", () => {
  let postgres: PostgresServer;
  let nats: NatsServer;
  let a: Hub;
  let b: Hub;
  let agents: ChildProcess[] = [];
  let url: string;
  /** When hub B first saw lvs-dir-01 MASTER: a moment hub A had recorded, before any later hub joined the bus. */
  let masterSeenAt: number;

  beforeAll(async () => {
    [postgres, nats] = await Promise.all([startPostgres(), startNats()]);
    url = await createDatabase(postgres, "clustered");
    a = await startClusteredHub(url, { nats: [nats.url] });
    // Hub B never looks in the database for access changes by itself here: only the bus can tell it.
    b = await startClusteredHub(url, { nats: [nats.url], users: [], accessPollMs: 3_600_000 });
    // Every agent on hub A; hub B hears them only through the bus.
    agents = await startSeedPair(a.url);
    await waitFor(async () => vrrpState(await director(b.url, "lvs-dir-01")) === "MASTER", 20_000, "lvs-dir-01 MASTER as hub B sees it");
    masterSeenAt = Date.now();
  }, 90_000);
  afterAll(async () => {
    await stopAll(agents);
    await Promise.all([a?.close(), b?.close()]);
    await Promise.all([nats?.dispose(), postgres?.stop()]);
  });

  it("serves a browser on hub B the directors whose agents are on hub A, live", async () => {
    const cookie = await login(b.url, USERS.viewer.name, USERS.viewer.password);
    const live = await watchUi(b.url, { cookie });
    await waitFor(async () => live.frames.some((f) => f.type === "director" && f.director?.snapshot?.services.some((s) => s.key === SEED_SERVICE)), 10_000, "a director frame on hub B");
    live.ws.close();
  });

  it("serves hub A's directors' series and past state from a hub started later, each sample stored once for the cluster", async () => {
    // Hub C joins after that moment: the bus hands it each director's newest snapshot, never older ones, so
    // whatever it answers about that moment it read from the shared record.
    const then = masterSeenAt;
    const c = await startClusteredHub(url, { nats: [nats.url], users: [] });
    const record = new pg.Client({ connectionString: url });
    await record.connect();
    try {
      const series = await waitFor(async () => {
        const response = await api(`${c.url}/api/series?service=${encodeURIComponent(SEED_SERVICE)}&from=${then - 10_000}&to=${then}`);
        const parsed = seriesResponseSchema.parse(await response.json());
        return parsed.directors?.length === 2 && parsed.points.length >= 3 && { ...parsed, directors: parsed.directors };
      }, 10_000, "hub C's series of the seed service, seconds before it started");
      expect(series.resolution).toBe("1s");
      expect(series.directors.map((d) => d.director)).toEqual(["lvs-dir-01", "lvs-dir-02"]);
      // Hub A and hub B both hear lvs-dir-01; only A, which holds its agent, writes its samples.
      const second = series.directors[0]!.points.at(-1)!.t;
      const rows = await record.query<{ n: string }>(
        "SELECT count(*) AS n FROM samples_1s WHERE director = 'lvs-dir-01' AND service = $1 AND real_server = '' AND t = $2",
        [SEED_SERVICE, second],
      );
      expect(rows.rows).toEqual([{ n: "1" }]);

      const past = clusterResponseSchema.parse(await (await api(`${c.url}/api/cluster?at=${then}`)).json());
      expect(past.serverTime).toBe(then);
      expect(past.directors.map((d) => d.id)).toEqual(["lvs-dir-01", "lvs-dir-02"]);
      expect(vrrpState(past.directors[0])).toBe("MASTER");
    } finally {
      await record.end();
      await c.close();
    }
  });

  it("applies a weight change made on hub B to the directors connected to hub A", async () => {
    const response = await api(`${b.url}/api/weights`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: b.url },
      body: JSON.stringify({ service: SEED_SERVICE, realServer: SEED_RS, weight: 7 }),
    });
    expect(response.status).toBe(200);
    const change = weightChangeSchema.parse(await response.json());
    expect(change.state).toBe("applied");
    expect(change.results.map((r) => [r.director, r.state, r.observedWeight]).sort()).toEqual([
      ["lvs-dir-01", "ok", 7],
      ["lvs-dir-02", "ok", 7],
    ]);
    // Both hubs' live models carry it.
    for (const hub of [a, b]) {
      await waitFor(async () => (await director(hub.url, "lvs-dir-01"))?.snapshot?.services.find((s) => s.key === SEED_SERVICE)?.realServers.find((r) => r.key === SEED_RS)?.weight === 7, 10_000, `weight 7 on ${hub.url}`);
    }
  });

  it("shows on hub B a weight change made and applied through hub A: on GET /api/weights/:id and on B's pages", async () => {
    const cookie = await login(b.url, USERS.viewer.name, USERS.viewer.password);
    const live = await watchUi(b.url, { cookie });
    const made = await api(`${a.url}/api/weights`, { method: "POST", headers: { "content-type": "application/json", origin: a.url }, body: JSON.stringify({ service: SEED_SERVICE, realServer: SEED_RS, weight: 9 }) });
    expect(made.status).toBe(200);
    const change = weightChangeSchema.parse(await made.json());
    expect(change.state).toBe("applied");
    // A browser polling the change through the load balancer may reach hub B, which never saw the request.
    const onB = await waitFor(async () => {
      const response = await api(`${b.url}/api/weights/${change.id}`);
      return response.status === 200 ? weightChangeSchema.parse(await response.json()) : null;
    }, 10_000, "the change on hub B");
    expect(onB).toEqual(change);
    await waitFor(async () => live.frames.some((f) => f.type === "weight-change" && f.change?.id === change.id && f.change.state === "applied"), 10_000, "the change on hub B's page");
    live.ws.close();
  });

  it("restores through hub B the weight a drain through hub A saved", async () => {
    const realServer = "192.168.50.12:443" as RealServerKey;
    const post = (hub: Hub, path: string, body: unknown) => api(`${hub.url}${path}`, { method: "POST", headers: { "content-type": "application/json", origin: hub.url }, body: JSON.stringify(body) });
    const weightOn = async (hub: Hub) => (await director(hub.url, "lvs-dir-01"))?.snapshot?.services.find((s) => s.key === SEED_SERVICE)?.realServers.find((r) => r.key === realServer)?.weight;
    const before = await waitFor(async () => weightOn(a), 10_000, "the real server's weight on hub A");
    expect(before).toBeGreaterThan(0);
    const drained = await post(a, "/api/drain", { service: SEED_SERVICE, realServer });
    expect(drained.status).toBe(200);
    expect(weightChangeSchema.parse(await drained.json()).state).toBe("applied");
    const { drains } = drainsResponseSchema.parse(await (await api(`${b.url}/api/drains`)).json());
    expect(drains.find((d) => d.realServer === realServer)?.previousWeight).toBe(before);
    await waitFor(async () => (await weightOn(b)) === 0, 10_000, "weight 0 as hub B sees it");

    const restored = await post(b, "/api/restore", { service: SEED_SERVICE, realServer });
    expect(restored.status).toBe(200);
    expect(weightChangeSchema.parse(await restored.json())).toMatchObject({ state: "applied", weight: before });
    await waitFor(async () => (await weightOn(a)) === before, 10_000, `weight ${before} again on hub A`);
    // The drain ended for every hub: there is nothing left to restore.
    expect((await post(a, "/api/restore", { service: SEED_SERVICE, realServer })).status).toBe(404);
  });

  it("records a split brain once for the cluster, and every hub's browsers hear of it", async () => {
    const cookie = await login(b.url, USERS.viewer.name, USERS.viewer.password);
    const live = await watchUi(b.url, { cookie });
    const cut = await api(`${b.url}/api/sim/faults`, { method: "POST", headers: { "content-type": "application/json", origin: b.url }, body: JSON.stringify({ director: "lvs-dir-02", fault: "cut-link" }) });
    expect(cut.status).toBe(200);
    const splitBrains = async () =>
      eventsResponseSchema.parse(await (await api(`${a.url}/api/events?kind=alert&limit=1000`)).json()).events.filter((e) => e.event.kind === "alert" && e.event.rule === "split-brain" && e.event.raised);
    await waitFor(async () => (await splitBrains()).length > 0, 20_000, "a split-brain alert event");
    // Both hubs judge it; a stored raise from each would be two.
    await waitFor(async () => live.frames.some((f) => f.type === "event"), 10_000, "an event frame on hub B");
    expect(await splitBrains()).toHaveLength(1);
    expect((await api(`${b.url}/api/sim/faults`, { method: "POST", headers: { "content-type": "application/json", origin: b.url }, body: JSON.stringify({ director: "lvs-dir-02", fault: "restore-link" }) })).status).toBe(200);
    live.ws.close();
  });

  it("closes a wall's socket on hub B the moment its token is revoked on hub A, told over the bus", async () => {
    const token = createdTokenSchema.parse(await (await api(`${a.url}/api/tokens`, { method: "POST", headers: { "content-type": "application/json", origin: a.url }, body: JSON.stringify({ kind: "wall", name: "noc-bus" }) })).json());
    const wall = await watchUi(b.url, {}, `?token=${token.secret}`);
    expect((await api(`${a.url}/api/tokens/${token.id}`, { method: "DELETE", headers: { origin: a.url } })).status).toBe(200);
    expect(await wall.closed).toBe(4401);
  });

  it("with NATS stopped, hub B marks the directors it cannot hear stale, never healthy, and recovers when NATS returns", async () => {
    await nats.stop();
    await waitFor(async () => (await director(b.url, "lvs-dir-01"))?.stale === true, 20_000, "lvs-dir-01 stale on hub B");
    // Hub A holds the agents: its own view stays fresh.
    expect((await director(a.url, "lvs-dir-01"))?.stale).toBe(false);
    await nats.start();
    await waitFor(async () => (await director(b.url, "lvs-dir-01"))?.stale === false, 20_000, "lvs-dir-01 fresh again on hub B");
  });
});
