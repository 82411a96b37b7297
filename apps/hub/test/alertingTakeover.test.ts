// A clustered hub that takes over the alerting records what changed while no hub recorded. Here the
// leader stops, the test itself holds the alerting lock (as a leader that died and whose session
// PostgreSQL has not let go of yet), a split brain heals meanwhile, and the hub that takes over
// records the clear the old leader never could.
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

  const splitBrainEvents = async () =>
    (await record.query<{ raised: boolean }>("SELECT (body->>'raised')::boolean AS raised FROM events WHERE kind = 'alert' AND body->>'rule' = 'split-brain' ORDER BY id")).rows.map((r) => r.raised);
  const fault = (name: string) => api(`${b.url}/api/sim/faults`, { method: "POST", headers: { "content-type": "application/json", origin: b.url }, body: JSON.stringify({ director: "lvs-dir-02", fault: name }) });

  it("records a clear that happened while no hub recorded, once, when a hub takes over the lead", async () => {
    expect((await fault("cut-link")).status).toBe(200);
    await waitFor(async () => (await splitBrainEvents()).length === 1, 20_000, "the split brain recorded by hub A");

    // The lead is nobody's that records: the test waits for the lock, and gets it as hub A lets go.
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    const held = holder.query("SELECT pg_advisory_lock($1)", [ALERTING_LOCK_KEY]);
    await a?.close();
    a = undefined;
    await held;

    expect((await fault("restore-link")).status).toBe(200);
    const splitBrainOnB = async () => alertsResponseSchema.parse(await (await api(`${b.url}/api/alerts`)).json()).alerts.some((alert) => alert.rule === "split-brain");
    await waitFor(async () => !(await splitBrainOnB()), 20_000, "the split brain healed as hub B judges it");
    // Judged, not recorded: hub B does not lead.
    expect(await splitBrainEvents()).toEqual([true]);

    await holder.end();
    await waitFor(async () => (await splitBrainEvents()).length === 2, TAKEOVER_MS, "hub B recording the clear on taking over");
    expect(await splitBrainEvents()).toEqual([true, false]);
  }, 120_000);
});
