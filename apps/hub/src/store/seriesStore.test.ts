import { describe, expect, it } from "vitest";
import type { DirectorSnapshot } from "@lvsdeck/protocol";
import { sampleSnapshot } from "@lvsdeck/protocol/testFixtures";
import Database from "better-sqlite3";
import { SERIES_FILE, openDatabase } from "./database";
import { createEventStore } from "./eventStore";
import { HUB_EVENT_SOURCE } from "../alertMonitor";
import { createSeriesStore, momentRange, pickResolution, DEFAULT_RETENTION } from "./seriesStore";
import { splitDirectors, sumDirectors } from "./seriesPoints";
import { SERIES_WRITER_NICE, TIERS, createInlineWriter, createWorkerWriter, legacySeriesTables, seriesFileOf, type SeriesWriter } from "./seriesWrites";
import { SERIES_BY_TIME_VERSION, SERIES_FILE_VERSION } from "./migrations";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function withActive(snapshot: DirectorSnapshot, active: number): DirectorSnapshot {
  const service = snapshot.services[0]!;
  return {
    ...snapshot,
    services: [{ ...service, realServers: service.realServers.map((rs) => ({ ...rs, activeConns: active })) }],
  };
}

describe("series store", () => {
  const base = Date.UTC(2026, 10, 26, 3, 0, 0);
  const service = sampleSnapshot("d1", base).services[0]!;
  /** Director d1 at `t` with `services` services of 100 real servers each. */
  const wide = (t: number, services: number): DirectorSnapshot => ({
    ...sampleSnapshot("d1", t),
    services: Array.from({ length: services }, (_, k) => ({ ...service, key: `${service.key}-${k}` as typeof service.key, realServers: Array.from({ length: 100 }, (_, r) => ({ ...service.realServers[0]!, key: `203.0.113.${r}:80` as typeof service.realServers[0]["key"] })) })),
  });

  // What every database must do (tiers, states, rollups, retention) is in apps/hub/test/seriesSuite.ts;
  // these are SQLite's own writers.
  it("writes and downsamples the same when flushing in the background, giving the event loop turns between slices", async () => {
    const retention = { raw: 60_000, tenSeconds: 600_000, minute: 3_600_000 };
    const store = createSeriesStore(openDatabase(":memory:"), retention);
    await store.flush(base);
    let turns = 0;
    for (let s = 0; s < 130; s++) {
      store.record(withActive(sampleSnapshot(`d${s % 3}`, base + s * 1000), s < 60 ? 10 : 20));
      if (s % 10 === 9) {
        const ticking = setInterval(() => turns++, 0);
        await store.flushInBackground(base + (s + 1) * 1000);
        clearInterval(ticking);
      }
    }
    expect(turns).toBeGreaterThan(0);
    const rs = service.realServers[0]!.key;
    const tens = await store.query({ service: service.key, realServer: rs, from: base, to: base + 120_000, now: base + 130_000 });
    expect(tens.resolution).toBe("10s");
    // Three directors take turns: each one's average, summed across them.
    expect(tens.points[0]).toMatchObject({ t: base, active: 30 });
    expect(tens.points.at(-1)).toMatchObject({ t: base + 120_000, active: 60 });
    const minutes = await store.query({ service: service.key, realServer: rs, from: base - 11 * 60_000, to: base + 120_000, now: base + 130_000 });
    expect(minutes.points.map((p) => p.active)).toEqual([30, 60]);
  });

  it("writes samples on a worker thread that the hub's own connection then reads", async () => {
    const db = openDatabase(mkdtempSync(join(tmpdir(), "lvsdeck-series-")));
    const store = createSeriesStore(db, DEFAULT_RETENTION, createWorkerWriter(db));
    for (let s = 0; s < 3; s++) store.record(withActive(sampleSnapshot("d1", base + s * 1000), s + 1));
    await store.flushInBackground(base + 3000);
    store.record(withActive(sampleSnapshot("d1", base + 3000), 4));
    await store.close(base + 4000);
    const rs = await store.query({ service: service.key, realServer: service.realServers[0]!.key, from: base, to: base + 4000, now: base + 4000 });
    expect(rs.points.map((p) => p.active)).toEqual([1, 2, 3, 4]);
    db.close();
  });

  it("runs the writer thread at a lower priority than the event loop, and only that thread", async () => {
    // Each thread's nice value, from /proc (the 19th field of its stat, after the name in parentheses).
    const niceOfThreads = () => readdirSync("/proc/self/task").map((tid) => Number(readFileSync(`/proc/self/task/${tid}/stat`, "utf8").split(") ")[1]!.split(" ")[16]));
    const before = niceOfThreads().filter((n) => n === SERIES_WRITER_NICE).length;
    const db = openDatabase(mkdtempSync(join(tmpdir(), "lvsdeck-series-")));
    const store = createSeriesStore(db, DEFAULT_RETENTION, createWorkerWriter(db));
    store.record(withActive(sampleSnapshot("d1", base), 1));
    // Once a flush has been written the worker has run its start, priority included.
    await store.flushInBackground(base + 1000);
    expect(niceOfThreads().filter((n) => n === SERIES_WRITER_NICE).length).toBe(before + 1);
    expect(niceOfThreads()[0]).toBe(0);
    await store.close(base + 2000);
    db.close();
  });

  it("fills again the buffers the worker hands back, and writes every sample as recorded", async () => {
    const db = openDatabase(mkdtempSync(join(tmpdir(), "lvsdeck-series-")));
    const writer = createWorkerWriter(db);
    let reused = 0;
    const spare = writer.spare!;
    writer.spare = () => {
      const buffer = spare();
      if (buffer !== undefined) reused++;
      return buffer;
    };
    const store = createSeriesStore(db, DEFAULT_RETENTION, writer);
    // Directors coming and going, so slices differ in length and a reused buffer is larger than its slice.
    for (let s = 0; s < 12; s++) {
      for (let d = 0; d <= s % 4; d++) store.record(withActive(sampleSnapshot(`d${d}`, base + s * 1000), 100 * s + d));
      await store.flushInBackground(base + (s + 1) * 1000);
    }
    expect(reused).toBeGreaterThan(0);
    for (const d of [0, 3]) {
      const got = await store.query({ service: service.key, realServer: service.realServers[0]!.key, director: `d${d}`, from: base, to: base + 12_000, now: base + 12_000 });
      const expected = Array.from({ length: 12 }, (_, s) => s).filter((s) => s % 4 >= d).map((s) => 100 * s + d);
      expect(got.points.map((p) => p.active)).toEqual(expected);
    }
    await store.close(base + 13_000);
    db.close();
  });

  it("keeps the series in a file of their own: the worker checkpoints its WAL as it writes, and the main file gets none of their pages", async () => {
    const db = openDatabase(mkdtempSync(join(tmpdir(), "lvsdeck-series-")));
    const store = createSeriesStore(db, DEFAULT_RETENTION, createWorkerWriter(db));
    db.pragma("main.wal_checkpoint(TRUNCATE)");
    // About 60,000 rows a flush, several times the 1,000 pages after which a connection checkpoints.
    const many = (t: number) => wide(t, 300);
    for (let s = 0; s < 5; s++) {
      store.record(many(base + s * 1000));
      await store.flushInBackground(base + (s + 1) * 1000);
    }
    // The worker checkpointed as it wrote (a WAL never checkpointed would hold every page written).
    const wal = db.pragma("series.wal_checkpoint(PASSIVE)") as { log: number; checkpointed: number }[];
    expect(wal[0]!.log).toBeLessThan(1_500);
    expect((db.pragma("main.wal_checkpoint(PASSIVE)") as { log: number }[])[0]!.log).toBe(0);
    const rows = db.prepare("SELECT COUNT(*) AS n FROM series.samples_1s").get() as { n: number };
    expect(rows.n).toBe(5 * 300 * 101);
    await store.close(base + 10_000);
    db.close();
  });

  it("an event's insert never waits for the series writer: a write to the series locks their file only", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lvsdeck-series-"));
    const db = openDatabase(dir);
    const events = createEventStore(db);
    // A second connection opened as the worker opens it, in the middle of a series write transaction.
    const writer = new Database(db.name);
    writer.prepare("ATTACH DATABASE ? AS series").run(seriesFileOf(db));
    writer.exec("BEGIN");
    writer.prepare("INSERT INTO samples_1s VALUES ('d1', 's', '', ?, 1, 0, 0, 0, 0, 0, 0)").run(base);
    // No waiting at all: a lock the event needed would fail it at once instead of being waited for.
    db.pragma("busy_timeout = 0");
    const stored = await events.appendHubEvent({ director: HUB_EVENT_SOURCE, receivedAt: base, event: { kind: "hub", state: "started", downFrom: null, clean: true, detail: "", at: base } });
    expect(stored.id).toBeGreaterThan(0);
    // The series file itself is locked: the hub's connection cannot write there until the writer commits.
    expect(() => db.prepare("INSERT INTO samples_1s VALUES ('d2', 's', '', ?, 1, 0, 0, 0, 0, 0, 0)").run(base)).toThrow(/locked|busy/i);
    writer.exec("COMMIT");
    writer.close();
    expect(statSync(join(dir, SERIES_FILE)).mode & 0o777).toBe(0o600);
    db.close();
  });

  it("appends a second's samples side by side: one second writes about as many pages as its samples fill, not one per series", async () => {
    const db = openDatabase(mkdtempSync(join(tmpdir(), "lvsdeck-series-")));
    const store = createSeriesStore(db, DEFAULT_RETENTION);
    db.pragma("wal_autocheckpoint = 0");
    // 10,100 series in one director: 100 services of 100 real servers, and the services' own.
    const many = (t: number) => wide(t, 100);
    for (let s = 0; s < 10; s++) {
      store.record(many(base + s * 1000));
      await store.flush(base + (s + 1) * 1000);
    }
    db.pragma("series.wal_checkpoint(TRUNCATE)");
    store.record(many(base + 10_000));
    await store.flush(base + 11_000);
    // The second's 10,100 samples, and the 10 s bucket the flush rolls up again, are written to 345 pages.
    // Keyed by series first, each sample landed among its own series' older samples, spread over the whole
    // tree, and the same flush wrote 2,732 pages (more as the tier holds more seconds: fewer series a page).
    const wal = db.pragma("series.wal_checkpoint(PASSIVE)") as { log: number }[];
    expect(wal[0]!.log).toBeLessThan(1_000);
    expect((db.prepare("SELECT COUNT(*) AS n FROM samples_1s").get() as { n: number }).n).toBe(11 * 100 * 101);
    await store.close(base + 12_000);
    db.close();
  });

  /**
   * A database at schema `version` whose series tables (in the main file, in that version's layout) hold
   * d1's first real server at 1, 2, 3 active over three seconds, a 10 s average of 99 and 7 ESTABLISHED.
   */
  const olderDatabase = (version: number) => {
    const dir = mkdtempSync(join(tmpdir(), "lvsdeck-series-"));
    const old = openDatabase(dir, version);
    const rs = service.realServers[0]!.key;
    const oldSample = old.prepare("INSERT INTO main.samples_1s VALUES ('d1', ?, ?, ?, ?, 0, 0, 0, 0, 0, 0)");
    for (let s = 0; s < 3; s++) oldSample.run(service.key, rs, base + s * 1000, s + 1);
    old.prepare("INSERT INTO main.samples_10s VALUES ('d1', ?, ?, ?, 99, 0, 0, 0, 0, 0, 0)").run(service.key, rs, base);
    old.prepare("INSERT INTO main.states_1s VALUES ('d1', ?, ?, 'ESTABLISHED', ?, 7)").run(service.key, rs, base);
    old.close();
    return { dir, rs, retention: { raw: 60_000, tenSeconds: 600_000, minute: 3_600_000 } };
  };

  it("reads an upgraded database's series-first rows beside the new ones until retention empties them, then drops those tables", async () => {
    const { dir, rs, retention } = olderDatabase(SERIES_BY_TIME_VERSION - 1);
    const db = openDatabase(dir);
    expect(db.pragma("user_version", { simple: true })).toBeGreaterThanOrEqual(SERIES_BY_TIME_VERSION);
    expect([...legacySeriesTables(db).keys()].sort()).toEqual(["samples_10s", "samples_1s", "states_1s"]);
    const store = createSeriesStore(db, retention);
    for (let s = 3; s < 6; s++) store.record(withActive(sampleSnapshot("d1", base + s * 1000), s + 1));
    await store.flush(base + 6000);
    const q = { service: service.key, realServer: rs, director: "d1", from: base, to: base + 5000, now: base + 6000 };
    expect((await store.query(q)).points.map((p) => [p.t - base, p.active])).toEqual([[0, 1], [1000, 2], [2000, 3], [3000, 4], [4000, 5], [5000, 6]]);
    expect((await store.queryStates(q)).points).toEqual([{ t: base, states: { ESTABLISHED: 7 } }]);
    // The 10 s bucket rolled up again after the upgrade (from the seconds the new table holds) is in both tables: the new row wins.
    await store.flush(base + 11_000);
    const tens = await store.query({ ...q, to: base + 10_000, now: base + 11_000 + retention.raw });
    expect(tens.resolution).toBe("10s");
    expect(tens.points.map((p) => [p.t - base, p.active])).toEqual([[0, 5]]);
    expect(tens.directors.map((d) => d.points.map((p) => [p.t - base, p.active]))).toEqual([[[0, 5]]]);

    // Past every tier's retention the old tables are empty, and the next start drops them.
    await store.flush(base + 2 * retention.minute);
    await store.close(base + 2 * retention.minute);
    db.close();
    const reopened = openDatabase(dir);
    expect(legacySeriesTables(reopened).size).toBe(0);
    expect(reopened.prepare("SELECT name FROM sqlite_schema WHERE name LIKE '%by_series%'").all()).toEqual([]);
    reopened.close();
    // A new database has none to begin with.
    expect(legacySeriesTables(openDatabase(":memory:")).size).toBe(0);
  });

  it("reads the series an upgraded database kept in its main file beside those in their own file, until retention empties them, then drops those tables", async () => {
    const { dir, rs, retention } = olderDatabase(SERIES_FILE_VERSION - 1);
    const db = openDatabase(dir);
    expect(db.pragma("user_version", { simple: true })).toBeGreaterThanOrEqual(SERIES_FILE_VERSION);
    expect([...legacySeriesTables(db).entries()].map(([table, older]) => [table, older.map((t) => t.name)]).sort()).toEqual([
      ["samples_10s", ["samples_10s_in_main"]],
      ["samples_1s", ["samples_1s_in_main"]],
      ["states_1s", ["states_1s_in_main"]],
    ]);
    const store = createSeriesStore(db, retention, createWorkerWriter(db));
    for (let s = 3; s < 6; s++) store.record(withActive(sampleSnapshot("d1", base + s * 1000), s + 1));
    await store.flushInBackground(base + 6000);
    // The new seconds went to the series' own file; the old ones are still read from the main file.
    expect((db.prepare("SELECT COUNT(*) AS n FROM series.samples_1s WHERE real_server = ?").get(rs) as { n: number }).n).toBe(3);
    const q = { service: service.key, realServer: rs, director: "d1", from: base, to: base + 5000, now: base + 6000 };
    expect((await store.query(q)).points.map((p) => [p.t - base, p.active])).toEqual([[0, 1], [1000, 2], [2000, 3], [3000, 4], [4000, 5], [5000, 6]]);
    expect((await store.queryStates(q)).points).toEqual([{ t: base, states: { ESTABLISHED: 7 } }]);
    // The 10 s bucket rolled up again after the upgrade (from the seconds the new table holds) is in both files: the new row wins.
    await store.flushInBackground(base + 11_000);
    const tens = await store.query({ ...q, to: base + 10_000, now: base + 11_000 + retention.raw });
    expect(tens.resolution).toBe("10s");
    expect(tens.points.map((p) => [p.t - base, p.active])).toEqual([[0, 5]]);

    // Past every tier's retention the main file's tables are empty (pruned by the worker), and the next start drops them.
    await store.flushInBackground(base + 2 * retention.minute);
    await store.close(base + 2 * retention.minute);
    db.close();
    const reopened = openDatabase(dir);
    expect(legacySeriesTables(reopened).size).toBe(0);
    expect(reopened.prepare("SELECT name FROM main.sqlite_schema WHERE name LIKE '%samples%' OR name LIKE '%states%'").all()).toEqual([]);
    reopened.close();
  });

  it("prunes an upgraded database's older tables (in the main file, whose lock events need) once a minute, a new one's never", async () => {
    const prunedAt = async (db: Database.Database) => {
      const inline = createInlineWriter(db);
      const at: number[] = [];
      let flushedAt = 0;
      const recording: SeriesWriter = {
        run(ops) {
          for (const op of ops) if (op.kind === "prune" && op.older && op.tier === 0) at.push(flushedAt - base);
          return inline.run(ops);
        },
        close: inline.close,
      };
      const store = createSeriesStore(db, DEFAULT_RETENTION, recording);
      for (let s = 1; s <= 130; s++) await store.flushInBackground((flushedAt = base + s * 1000));
      await store.close(flushedAt);
      db.close();
      return at;
    };
    expect(await prunedAt(openDatabase(olderDatabase(SERIES_FILE_VERSION - 1).dir))).toEqual([1000, 61_000, 121_000]);
    expect(await prunedAt(openDatabase(":memory:"))).toEqual([]);
  });

  it("rolls a 10 s bucket up when it closes and once more when the next one does (for late samples), not at every flush between", async () => {
    const db = openDatabase(":memory:");
    const inline = createInlineWriter(db);
    const rolls: number[][] = [];
    let flushedAt = 0;
    const recording: SeriesWriter = {
      run(ops) {
        for (const op of ops) if (op.kind === "rollup" && op.tier === 0) rolls.push([flushedAt - base, op.first - base, op.last - base]);
        return inline.run(ops);
      },
      close: inline.close,
    };
    const store = createSeriesStore(db, DEFAULT_RETENTION, recording);
    for (let s = 0; s < 25; s++) {
      store.record(withActive(sampleSnapshot("d1", base + s * 1000), s));
      flushedAt = base + (s + 1) * 1000;
      await store.flushInBackground(flushedAt);
    }
    // Each roll covers the bucket that closed and the one before it; the seconds in between roll nothing.
    expect(rolls).toEqual([[10_000, -10_000, 9_000], [20_000, 0, 19_000]]);
    const tens = await store.query({ service: service.key, realServer: service.realServers[0]!.key, from: base, to: base + 10_000, now: base + 2 * 3_600_000 });
    expect(tens.points.map((p) => [p.t - base, p.active])).toEqual([[0, 4.5], [10_000, 14.5]]);
    await store.close(base + 26_000);
  });

  it("answers a range reaching back before anything is kept (an incident's whole span) from what the tier holds", async () => {
    const store = createSeriesStore(openDatabase(":memory:"), DEFAULT_RETENTION);
    for (let s = 0; s < 70; s++) {
      store.record(withActive(sampleSnapshot("d1", base + s * 1000), 3));
      await store.flush(base + (s + 1) * 1000);
    }
    await store.flush(base + 2 * 60_000);
    // From 1970: a minute tier read moment by moment from there would be 29 million seeks.
    const all = await store.query({ service: service.key, realServer: service.realServers[0]!.key, from: 0, to: base + 2 * 60_000, now: base + 2 * 60_000 });
    expect(all.resolution).toBe("1m");
    expect(all.points.map((p) => [p.t - base, p.active])).toEqual([[0, 3], [60_000, 3]]);
    // Read from the oldest minute the tier keeps: a month of minutes at most.
    const range = momentRange({ service: service.key, from: 0, to: base, now: base }, TIERS[2], DEFAULT_RETENTION.minute);
    expect(range).toEqual({ first: base - DEFAULT_RETENTION.minute, last: base });
    expect((range.last - range.first) / 60_000 + 1).toBe(43_201);
  });

  it("picks the finest resolution whose retention covers the range", () => {
    const now = base;
    expect(pickResolution(now - 5 * 60_000, now, now, DEFAULT_RETENTION)).toBe("1s");
    expect(pickResolution(now - 2 * 3_600_000, now, now, DEFAULT_RETENTION)).toBe("10s");
    expect(pickResolution(now - 7 * 86_400_000, now, now, DEFAULT_RETENTION)).toBe("1m");
  });
});

describe("summing directors without false zeros", () => {
  const row = (d: string, t: number, a: number) => ({ d, t, a, i: 0, c: a, ip: 0, op: 0, ib: 0, ob: 0 });

  it("carries a director's sample into a second its tick skipped, instead of summing the other director's zeros", () => {
    // The MASTER (m) reported at 1 s and 3 s, its tick for 2 s fell into 3 s; the BACKUP (b) reported every second.
    const points = sumDirectors([row("m", 1000, 50), row("b", 1000, 0), row("b", 2000, 0), row("m", 3000, 52), row("b", 3000, 0)], 1000);
    expect(points.map((p) => [p.t, p.active])).toEqual([[1000, 50], [2000, 50], [3000, 52]]);
  });

  it("leaves a moment nobody reported out (a gap), and stops carrying after two steps", () => {
    const points = sumDirectors([row("m", 1000, 50), row("b", 1000, 0), row("b", 4000, 0), row("b", 5000, 0)], 1000);
    // 2 s and 3 s are missing altogether; by 4 s the MASTER's last sample is too old to stand for it.
    expect(points.map((p) => [p.t, p.active])).toEqual([[1000, 50], [4000, 0], [5000, 0]]);
  });
});

describe("each director's own series", () => {
  const row = (d: string, t: number, a: number) => ({ d, t, a, i: 0, c: a, ip: 0, op: 0, ib: 0, ob: 0 });

  it("keeps each director's samples apart, so a failover shows connections leaving one and arriving on the other", () => {
    const rows = [row("lvs-dir-02", 1000, 0), row("lvs-dir-01", 1000, 50), row("lvs-dir-01", 2000, 40), row("lvs-dir-02", 2000, 10), row("lvs-dir-02", 3000, 45)];
    expect(splitDirectors(rows).map((d) => [d.director, d.points.map((p) => [p.t, p.active])])).toEqual([
      ["lvs-dir-01", [[1000, 50], [2000, 40]]],
      ["lvs-dir-02", [[1000, 0], [2000, 10], [3000, 45]]],
    ]);
  });
});
