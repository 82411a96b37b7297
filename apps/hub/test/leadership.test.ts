// One hub leads the cluster's alerting: the holder of a PostgreSQL advisory lock. When its connection
// goes (the hub died), another takes the lead; while nobody can reach the database, nobody leads.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import pg from "pg";
import { createLogger } from "@lvsdeck/log";
import { holdLeadership } from "../src/store/postgres/leadership";
import { createDatabase, startPostgres, type PostgresServer } from "./services";

const KEY = 4242;
const CHECK_MS = 50;

/** A pool as the hub makes one: pg emits a released client's late errors on its pool, so it has a listener. */
function hubPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url });
  pool.on("error", () => {});
  return pool;
}

async function lockHolders(url: string): Promise<number> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const held = await admin.query("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted", [KEY]);
    return held.rowCount ?? 0;
  } finally {
    await admin.end();
  }
}

describe("alerting leadership", () => {
  let postgres: PostgresServer;
  let url: string;
  beforeAll(async () => {
    postgres = await startPostgres();
    url = await createDatabase(postgres, "leadership");
  }, 60_000);
  afterAll(() => postgres?.stop());

  it("has exactly one leader, and hands the lead on when the leader's session ends", async () => {
    const pools = [hubPool(url), hubPool(url)];
    const log = createLogger("test", true);
    // The leader-to-be tries once, at start, and never again: like a hub that will be dead when the lock frees.
    const leader = holdLeadership(pools[0]!, KEY, log, 3_600_000);
    await vi.waitFor(() => expect(leader.isLeader()).toBe(true), 10_000);
    const follower = holdLeadership(pools[1]!, KEY, log, CHECK_MS);
    await vi.waitFor(() => expect(follower.isLeader()).toBe(false), 10_000);
    const changes: boolean[] = [];
    follower.onChange((lead) => changes.push(lead));
    // As a killed hub's connection ends: its session, and with it the lock, is gone.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted", [KEY]);
    await admin.end();
    await vi.waitFor(() => expect(follower.isLeader()).toBe(true), 10_000);
    expect(changes).toEqual([true]);
    expect(leader.isLeader()).toBe(false);
    await Promise.all([leader.close(), follower.close()]);
    await Promise.all(pools.map((p) => p.end()));
  });

  it("close() resolves only once its session has ended, so the lock is free and the server can stop", async () => {
    const pool = hubPool(url);
    const log = createLogger("test", true);
    const leader = holdLeadership(pool, KEY, log, CHECK_MS);
    await vi.waitFor(() => expect(leader.isLeader()).toBe(true), 10_000);
    let closedConnections = 0;
    pool.on("remove", () => closedConnections++);
    await leader.close();
    // The pool says "remove" when a client's connection has closed; close() must not resolve before.
    expect(closedConnections).toBe(1);
    expect(await lockHolders(url)).toBe(0);
    await pool.end();
  });
});
