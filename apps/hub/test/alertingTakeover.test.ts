// A clustered hub that takes over the alerting records what changed while no hub recorded. Here the
// leader stops, the test itself holds the alerting lock (as a leader that died and whose session
// PostgreSQL has not let go of yet), a stopped sync daemon is started again meanwhile, and the hub
// that takes over records the clear the old leader never could.
import type { ChildProcess } from "node:child_process";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertsResponseSchema } from "@lvsdeck/protocol";
import { ALERTING_LOCK_KEY, type Hub } from "../src/createHub";
import { api, director, startClusteredHub, startSeedPair, stopAll, vrrpState, waitFor } from "./harness";
import { createDatabase, startNats, startPostgres, type NatsServer, type PostgresServer } from "./services";

/** The taking-over hub waits out its own reconnect grace (30 s from its start) before it reconciles. */
const TAKEOVER_MS = 60_000;

describe("alerting take-over", () => {
  let postgres: PostgresServer;
  let nats: NatsServer;
  let url: string;
  let a: Hub | undefined;
  let b: Hub;
  let agents: ChildProcess[] = [];
  let record: pg.Client;

  beforeAll(async () => {
    [postgres, nats] = await Promise.all([startPostgres(), startNats()]);
    url = await createDatabase(postgres, "takeover");
    record = new pg.Client({ connectionString: url });
    // Hub A starts first and takes the alerting lock; hub B holds the agents and follows.
    a = await startClusteredHub(url, { nats: [nats.url] });
    await record.connect();
    await waitFor(async () => (await record.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted", [ALERTING_LOCK_KEY])).rowCount === 1, 10_000, "hub A leading");
    b = await startClusteredHub(url, { nats: [nats.url], users: [] });
    agents = await startSeedPair(b.url);
    await waitFor(async () => vrrpState(await director(b.url, "lvs-dir-01")) === "MASTER", 20_000, "lvs-dir-01 MASTER");
  }, 90_000);
  afterAll(async () => {
    await stopAll(agents);
    await Promise.all([a?.close(), b?.close()]);
    await record?.end().catch(() => undefined);
    await Promise.all([nats?.dispose(), postgres?.stop()]);
  });

  /** Every alert raise and clear in the shared record, oldest first. */
  const alertEvents = async () =>
    (await record.query<{ alert: string; raised: boolean }>("SELECT body->>'alertId' AS alert, (body->>'raised')::boolean AS raised FROM events WHERE kind = 'alert' ORDER BY id")).rows;
  const syncStoppedEvents = async () => (await alertEvents()).filter((e) => e.alert.startsWith("sync-stopped"));
  const fault = (name: string) => api(`${b.url}/api/sim/faults`, { method: "POST", headers: { "content-type": "application/json", origin: b.url }, body: JSON.stringify({ director: "lvs-dir-02", fault: name }) });

  it("records a clear that happened while no hub recorded, once, when a hub takes over the lead", async () => {
    await waitFor(async () => vrrpState(await director(b.url, "lvs-dir-02")) === "BACKUP", 20_000, "lvs-dir-02 BACKUP");
    // The BACKUP's sync daemon stops: sync-stopped, a rule that no VRRP timing bears on.
    expect((await fault("stop-sync")).status).toBe(200);
    const [raised] = await waitFor(async () => {
      const events = await syncStoppedEvents();
      return events.length > 0 ? events : null;
    }, 20_000, "sync-stopped recorded by hub A");
    const alert = raised!.alert;
    const eventsOf = async () => (await alertEvents()).filter((e) => e.alert === alert).map((e) => e.raised);

    // The lead is nobody's that records: the test waits for the lock, and gets it as hub A lets go.
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    const held = holder.query("SELECT pg_advisory_lock($1)", [ALERTING_LOCK_KEY]);
    await a?.close();
    a = undefined;
    await held;

    expect((await fault("start-sync")).status).toBe(200);
    const cleared = async () => !alertsResponseSchema.parse(await (await api(`${b.url}/api/alerts`)).json()).alerts.some((a) => a.id === alert);
    await waitFor(cleared, 20_000, `${alert} cleared as hub B judges it`);
    // Judged, not recorded: hub B does not lead.
    expect(await eventsOf()).toEqual([true]);

    await holder.end();
    await waitFor(async () => (await eventsOf()).includes(false), TAKEOVER_MS, `hub B recording the clear of ${alert} on taking over`);
    expect(await eventsOf(), JSON.stringify(await alertEvents())).toEqual([true, false]);
  }, 120_000);
});
