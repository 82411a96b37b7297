// The store suite on both databases the hub can keep its record in: SQLite in memory, and a real
// PostgreSQL cluster started for this file (one fresh database per test), plus openPostgres's migrations.
import { mkdtemp, readdir, rm, writeFile, copyFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DirectorId } from "@lvsdeck/protocol";
import { createAuditLog } from "../src/auth/auditLog";
import { createAuthStore } from "../src/auth/authStore";
import { openDatabase } from "../src/store/database";
import { createEventStore } from "../src/store/eventStore";
import { createHeldChangeStore } from "../src/store/heldWeightChanges";
import { createIncidentStore } from "../src/store/incidentStore";
import { createWeightRecords } from "../src/store/weightRecords";
import { createPgAuditLog } from "../src/store/postgres/auditLog";
import { createPgAuthStore } from "../src/store/postgres/authStore";
import { MIGRATIONS_TABLE, openPostgres } from "../src/store/postgres/database";
import { createPgEventStore } from "../src/store/postgres/eventStore";
import { createPgHeldChangeStore } from "../src/store/postgres/heldWeightChanges";
import { createPgIncidentStore } from "../src/store/postgres/incidentStore";
import { createPgWeightRecords } from "../src/store/postgres/weightRecords";
import { createPgSeriesStore } from "../src/store/postgres/seriesStore";
import { createPgSnapshotHistory } from "../src/store/postgres/snapshotHistory";
import { createSeriesStore } from "../src/store/seriesStore";
import { createSnapshotHistory } from "../src/store/snapshotHistory";
import { sampleSnapshot } from "@lvsdeck/protocol/testFixtures";
import { SNAPSHOT_HISTORY_RETENTION_MS } from "../src/store/snapshotHistory";
import { createDatabase, startPostgres, type PostgresServer } from "./services";
import { createTestClock, describeStores } from "./storeSuite";

const MIGRATIONS_DIR = fileURLToPath(new URL("../migrations/postgres", import.meta.url));
const clock = createTestClock();

describeStores(
  "SQLite",
  async () => {
    const db = openDatabase(":memory:");
    return {
      events: createEventStore(db),
      auth: createAuthStore(db, clock.now),
      audit: createAuditLog(db),
      incidents: createIncidentStore(db),
      weights: createWeightRecords(db),
      held: createHeldChangeStore(db),
      series: (retention) => createSeriesStore(db, retention),
      history: createSnapshotHistory(db),
      close: async () => void db.close(),
    };
  },
  clock,
);

describe("PostgreSQL", () => {
  let server: PostgresServer | undefined;
  let databases = 0;
  /** A new empty database on the test server, so no test sees another's rows. */
  const freshDatabase = () => {
    if (!server) throw new Error("PostgreSQL did not start");
    return createDatabase(server, `stores_${++databases}`);
  };

  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  describeStores(
    "PostgreSQL",
    async () => {
      const db = await openPostgres(await freshDatabase(), MIGRATIONS_DIR);
      return {
        events: createPgEventStore(db.pool),
        auth: createPgAuthStore(db.pool, clock.now),
        audit: createPgAuditLog(db.pool),
        incidents: createPgIncidentStore(db.pool),
        weights: createPgWeightRecords(db.pool),
        held: createPgHeldChangeStore(db.pool),
        series: (retention) => createPgSeriesStore(db.pool, { ...(retention !== undefined && { retention }) }),
        history: createPgSnapshotHistory(db.pool),
        close: () => db.close(),
      };
    },
    clock,
  );

  describe("series and history shared by hubs", () => {
    it("leaves pruning to the hub that prunes (the alerting leader): another writes and rolls up, and deletes nothing", async () => {
      const db = await openPostgres(await freshDatabase(), MIGRATIONS_DIR);
      const rows = async (table: string) => (await db.pool.query<{ n: number }>(`SELECT count(*)::bigint AS n FROM ${table}`)).rows[0]?.n;
      try {
        const retention = { raw: 60_000, tenSeconds: 600_000, minute: 3_600_000 };
        const follower = { series: createPgSeriesStore(db.pool, { retention, prunes: () => false }), history: createPgSnapshotHistory(db.pool, { prunes: () => false }) };
        const leader = { series: createPgSeriesStore(db.pool, { retention, prunes: () => true }), history: createPgSnapshotHistory(db.pool, { prunes: () => true }) };
        const t = Date.UTC(2026, 10, 26, 3, 0, 0);
        follower.series.record(sampleSnapshot("d1", t));
        follower.history.offer(sampleSnapshot("d1", t));
        await follower.history.flush();
        await follower.series.flush(t + 10_000);
        expect(await rows("samples_10s")).toBeGreaterThan(0);
        const later = t + 2 * retention.minute;
        await follower.series.flush(later);
        await follower.history.prune(t + 2 * SNAPSHOT_HISTORY_RETENTION_MS);
        for (const table of ["samples_1s", "samples_10s", "snapshots"]) expect(await rows(table)).toBeGreaterThan(0);
        await leader.series.flush(later);
        await leader.history.prune(t + 2 * SNAPSHOT_HISTORY_RETENTION_MS);
        for (const table of ["samples_1s", "samples_10s", "samples_60s", "snapshots"]) expect(await rows(table)).toBe(0);
      } finally {
        await db.close();
      }
    });
  });

  describe("openPostgres", () => {
    /** The migrations recorded as applied, in order. */
    const applied = async (pool: pg.Pool) => (await pool.query<{ name: string; run_on: Date }>(`SELECT name, run_on FROM ${MIGRATIONS_TABLE} ORDER BY id`)).rows;
    const migrationNames = async (dir: string) => (await readdir(dir)).filter((f) => f.endsWith(".sql")).map((f) => f.replace(/\.sql$/, "")).sort();

    it("applies each migration once: opening again changes nothing and keeps the data", async () => {
      const url = await freshDatabase();
      const first = await openPostgres(url, MIGRATIONS_DIR);
      const before = await applied(first.pool);
      expect(before.map((m) => m.name)).toEqual(await migrationNames(MIGRATIONS_DIR));
      const stored = await createPgEventStore(first.pool).appendHubEvent({ director: "hub" as DirectorId, receivedAt: 1, event: { kind: "hub", state: "started", downFrom: null, clean: true, detail: "", at: 1 } });
      await first.close();

      const second = await openPostgres(url, MIGRATIONS_DIR);
      try {
        expect(await applied(second.pool)).toEqual(before);
        expect(await createPgEventStore(second.pool).get(stored.id)).toEqual(stored);
      } finally {
        await second.close();
      }
    });

    it("lets hubs that start at once on a new database take turns: all open, each migration applied once", async () => {
      const url = await freshDatabase();
      const hubs = await Promise.all(Array.from({ length: 4 }, () => openPostgres(url, MIGRATIONS_DIR, { max: 2 })));
      try {
        const names = await migrationNames(MIGRATIONS_DIR);
        for (const hub of hubs) expect((await applied(hub.pool)).map((m) => m.name)).toEqual(names);
        // Every hub can use the schema.
        for (const hub of hubs) expect(await createPgEventStore(hub.pool).lastSeq("lvs-dir-01" as DirectorId)).toBe(-1);
      } finally {
        await Promise.all(hubs.map((hub) => hub.close()));
      }
    });

    it("applies nothing of a run in which a migration fails, and rejects", async () => {
      const url = await freshDatabase();
      const dir = await mkdtemp(join(tmpdir(), "lvsdeck-migrations-"));
      try {
        for (const name of await readdir(MIGRATIONS_DIR)) await copyFile(join(MIGRATIONS_DIR, name), join(dir, name));
        await writeFile(join(dir, "9999999999999_broken.sql"), "-- Up Migration\nCREATE TABLE broken (id BIGINT);\nSELECT no_such_function();\n");
        await expect(openPostgres(url, dir)).rejects.toThrow(/no_such_function/);
        const check = new pg.Client({ connectionString: url });
        await check.connect();
        try {
          const { rows } = await check.query("SELECT to_regclass('events') AS events, to_regclass('broken') AS broken");
          expect(rows).toEqual([{ events: null, broken: null }]);
        } finally {
          await check.end();
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it("stores what PostgreSQL's types cannot hold exactly (U+0000, fractions of a ms) as near as it can, rather than failing", async () => {
      const db = await openPostgres(await freshDatabase(), MIGRATIONS_DIR);
      try {
        const events = createPgEventStore(db.pool);
        const at = 1_700_000_000_000.4;
        const event = await events.appendAgentEvent({ director: "lvs-dir-01" as DirectorId, seq: 0, observedAt: at, receivedAt: at + 0.2, event: { kind: "keepalived", running: false, detail: "stopped\0", at } });
        expect(await events.get(event!.id)).toEqual({ ...event, observedAt: 1_700_000_000_000, receivedAt: 1_700_000_000_001, event: { ...event!.event, detail: "stopped\uFFFD" } });
        expect(await events.query({ from: at - 1, to: at + 1, limit: 10 })).toHaveLength(1);

        const audit = createPgAuditLog(db.pool);
        await audit.append({ at, actor: "alice", action: "login", remote: "198.51.100.7", directors: [], service: null, realServer: null, from: null, to: null, reason: "a\0b", result: "ok", detail: null });
        expect(await audit.query({ limit: 1 })).toMatchObject([{ at: 1_700_000_000_000, reason: "a\uFFFDb" }]);
      } finally {
        await db.close();
      }
    });

    it("reads BIGINT as a number on its own pool, leaving pg's parsers elsewhere as they were", async () => {
      const url = await freshDatabase();
      const db = await openPostgres(url, MIGRATIONS_DIR);
      const plain = new pg.Client({ connectionString: url });
      await plain.connect();
      try {
        expect((await db.pool.query("SELECT 9007199254740991::bigint AS n")).rows).toEqual([{ n: Number.MAX_SAFE_INTEGER }]);
        expect((await plain.query("SELECT 42::bigint AS n")).rows).toEqual([{ n: "42" }]);
        await expect(db.pool.query("SELECT 9007199254740993::bigint AS n")).rejects.toThrow(/beyond/);
      } finally {
        await plain.end();
        await db.close();
      }
    });
  });
});
