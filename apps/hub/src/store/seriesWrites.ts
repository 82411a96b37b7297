import type Database from "better-sqlite3";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { PACKED_WIDTH } from "./seriesBuffer";

/** One sample row: director, service, real server ('' for the service), t, then the seven measures. */
export type SeriesRow = [string, string, string, number, number, number, number, number, number, number, number];

/** One per-state count: director, service, real server ('' for the service), state, t, entries. */
export type StateRow = [string, string, string, string, number, number];

/** The tiers, finest first: their tables (samples and per-state counts) and bucket widths. */
export const TIERS = [
  { resolution: "1s", table: "samples_1s", states: "states_1s", widthMs: 1_000 },
  { resolution: "10s", table: "samples_10s", states: "states_10s", widthMs: 10_000 },
  { resolution: "1m", table: "samples_60s", states: "states_60s", widthMs: 60_000 },
] as const;

/** One unit of series writing, run in its own short transaction. */
export type SeriesOp =
  /**
   * Samples as numbers (see PackedSamples): each names its director, service and real server by a slot
   * of the writer's own table, which `newSlots` extends (after emptying it, with `resetSlots`).
   */
  | { kind: "insert-packed"; resetSlots: boolean; newSlots: string[]; samples: Float64Array<ArrayBuffer> }
  | { kind: "insert-states"; rows: StateRow[] }
  /** Averages tier `tier`'s samples of `services` at its moments from `first` to `last` (on its grid) into tier `tier + 1`. */
  | { kind: "rollup"; tier: number; services: string[]; first: number; last: number }
  /** Deletes tier `tier`'s rows older than `before`: from its own tables, or (`older`) from its older ones in the main file. */
  | { kind: "prune"; tier: number; before: number; older: boolean };

/** Where a table of the series-first layout is kept until retention empties it (see migrations.ts). */
export const legacyTableOf = (table: string) => `${table}_by_series`;

/** Where a table kept in the hub's main database file, before the series had a file of their own, stays until retention empties it. */
export const inMainTableOf = (table: string) => `${table}_in_main`;

/** The schema name of the series' own database file, attached to every connection that reads or writes them. */
export const SERIES_SCHEMA = "series";

/** An older table whose rows are read beside a tier's table: keyed by time first (a chart seeks its moments) or by series. */
export interface LegacyTable {
  name: string;
  byTime: boolean;
}

/**
 * The older tables kept until retention has emptied them, by the name of the table that replaced them,
 * newest first: the time-first table left in the main file, then the series-first one.
 */
export function legacySeriesTables(db: Database.Database): Map<string, LegacyTable[]> {
  const names = [...TIERS.map((tier) => tier.table), ...TIERS.map((tier) => tier.states)];
  const present = new Set(
    db.prepare("SELECT name FROM main.sqlite_schema WHERE type = 'table'").pluck().all() as string[],
  );
  const older = (name: string): LegacyTable[] => [
    { name: inMainTableOf(name), byTime: true },
    { name: legacyTableOf(name), byTime: false },
  ].filter((t) => present.has(t.name));
  return new Map(names.map((name) => [name, older(name)] as const).filter(([, tables]) => tables.length > 0));
}

/**
 * Every moment of a tier in [@first, @last], @first on its grid: tiers are keyed by time first, so a
 * series is read by seeking each of its moments, a few microseconds each (a month of minutes is 43,200).
 */
export const momentsOf = (widthMs: number) =>
  `WITH RECURSIVE moments(at) AS (SELECT @first WHERE @first <= @last UNION ALL SELECT at + ${widthMs} FROM moments WHERE at + ${widthMs} <= @last)`;

// Rollups go per service, so each statement is one seek per moment of the window and the work can be cut up.
const rollupSql = (from: (typeof TIERS)[number], into: (typeof TIERS)[number]) =>
  `${momentsOf(from.widthMs)}
   INSERT OR REPLACE INTO ${into.table}
   SELECT s.director, s.service, s.real_server, (s.t / ${into.widthMs}) * ${into.widthMs} AS bucket,
          AVG(active), AVG(inactive), AVG(cps), AVG(in_pps), AVG(out_pps), AVG(in_bps), AVG(out_bps)
   FROM moments CROSS JOIN ${from.table} s ON s.t = moments.at AND s.service = @service
   GROUP BY s.director, s.service, s.real_server, bucket`;

const rollupStatesSql = (from: (typeof TIERS)[number], into: (typeof TIERS)[number]) =>
  `${momentsOf(from.widthMs)}
   INSERT OR REPLACE INTO ${into.states}
   SELECT s.director, s.service, s.real_server, s.state, (s.t / ${into.widthMs}) * ${into.widthMs} AS bucket, AVG(n)
   FROM moments CROSS JOIN ${from.states} s ON s.t = moments.at AND s.service = @service
   GROUP BY s.director, s.service, s.real_server, s.state, bucket`;

/** The statements both writers prepare; a tier's older prunes empty what its older tables (see legacySeriesTables) still hold. */
interface SeriesSql {
  insert: string;
  insertStates: string;
  rollups: string[][];
  prunes: string[][];
  olderPrunes: string[][];
}

// A rollup or prune runs on both tables of a tier: samples, then per-state counts.
function seriesSql(legacy: ReadonlyMap<string, LegacyTable[]>): SeriesSql {
  const olderTables = (tier: (typeof TIERS)[number]) => [tier.table, tier.states].flatMap((table) => (legacy.get(table) ?? []).map((t) => t.name));
  const deletes = (tables: string[]) => tables.map((table) => `DELETE FROM ${table} WHERE t < ?`);
  return {
    insert: `INSERT OR REPLACE INTO samples_1s VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
    insertStates: `INSERT OR REPLACE INTO states_1s VALUES (?,?,?,?,?,?)`,
    rollups: [
      [rollupSql(TIERS[0], TIERS[1]), rollupStatesSql(TIERS[0], TIERS[1])],
      [rollupSql(TIERS[1], TIERS[2]), rollupStatesSql(TIERS[1], TIERS[2])],
    ],
    prunes: TIERS.map((tier) => deletes([tier.table, tier.states])),
    olderPrunes: TIERS.map((tier) => deletes(olderTables(tier))),
  };
}

/** Runs series ops somewhere: on the hub's own connection, or on a worker thread's. */
export interface SeriesWriter {
  /** Runs the ops in order; resolves when all are written. */
  run(ops: SeriesOp[]): Promise<void>;
  close(): Promise<void>;
  /** A buffer of packed samples the writer is done with, to fill again (see createWorkerWriter). */
  spare?(): ArrayBuffer | undefined;
}

/** Runs ops on `db` itself, one transaction per op; `run` gives the event loop a turn between ops. */
export function createInlineWriter(db: Database.Database): SeriesWriter & { runNow(ops: SeriesOp[]): void } {
  const SQL = seriesSql(legacySeriesTables(db));
  const insert = db.prepare(SQL.insert);
  const insertStates = db.prepare(SQL.insertStates);
  const rollups = SQL.rollups.map((pair) => pair.map((sql) => db.prepare(sql)));
  const prunes = SQL.prunes.map((pair) => pair.map((sql) => db.prepare(sql)));
  const olderPrunes = SQL.olderPrunes.map((list) => list.map((sql) => db.prepare(sql)));
  let slots: string[] = [];
  const apply = db.transaction((op: SeriesOp) => {
    if (op.kind === "insert-packed") {
      const a = op.samples;
      for (let o = 0; o < a.length; o += PACKED_WIDTH) {
        const k = a[o]! * 3;
        insert.run(slots[k], slots[k + 1], slots[k + 2], a[o + 1], a[o + 2], a[o + 3], a[o + 4], a[o + 5], a[o + 6], a[o + 7], a[o + 8]);
      }
    }
    else if (op.kind === "insert-states") for (const row of op.rows) insertStates.run(...row);
    else if (op.kind === "rollup") for (const service of op.services) for (const r of rollups[op.tier]!) r.run({ service, first: op.first, last: op.last });
    else for (const p of (op.older ? olderPrunes : prunes)[op.tier]!) p.run(op.before);
  });
  // Outside the transaction: a slice that fails to write still defines its slots for the slices after it.
  const learnSlots = (op: SeriesOp): SeriesOp => {
    if (op.kind === "insert-packed") {
      if (op.resetSlots) slots = [];
      for (const name of op.newSlots) slots.push(name);
    }
    return op;
  };
  return {
    runNow: (ops) => ops.forEach((op) => apply(learnSlots(op))),
    run: (ops) =>
      new Promise((resolve, reject) => {
        let i = 0;
        const step = () => {
          try {
            if (i < ops.length) apply(learnSlots(ops[i++]!));
          } catch (err) {
            return reject(err as Error);
          }
          if (i < ops.length) setImmediate(step);
          else resolve();
        };
        step();
      }),
    close: async () => undefined,
  };
}

// Plain JavaScript, evaluated in the worker: it opens its own connection to the same files, the series'
// attached as the hub's connection has them (WAL lets the hub read beside it), and runs each op in its
// own transaction. Its writes lock the series' file only, never the one the hub's events go to.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
// This thread's own nice value (on Linux a thread's, not the process's): see SERIES_WRITER_NICE.
try {
  require("node:os").setPriority(0, workerData.nice);
} catch {
  // Where a thread's priority cannot be lowered, the writer runs as the hub does.
}
const db = new Database(workerData.file);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.prepare("ATTACH DATABASE ? AS ${SERIES_SCHEMA}").run(workerData.seriesFile);
db.pragma("${SERIES_SCHEMA}.synchronous = NORMAL");
const insert = db.prepare(workerData.sql.insert);
const insertStates = db.prepare(workerData.sql.insertStates);
const rollups = workerData.sql.rollups.map((pair) => pair.map((sql) => db.prepare(sql)));
const prunes = workerData.sql.prunes.map((pair) => pair.map((sql) => db.prepare(sql)));
const olderPrunes = workerData.sql.olderPrunes.map((list) => list.map((sql) => db.prepare(sql)));
let slots = [];
const apply = db.transaction((op) => {
  if (op.kind === "insert-packed") {
    const a = op.samples;
    for (let o = 0; o < a.length; o += ${PACKED_WIDTH}) {
      const k = a[o] * 3;
      insert.run(slots[k], slots[k + 1], slots[k + 2], a[o + 1], a[o + 2], a[o + 3], a[o + 4], a[o + 5], a[o + 6], a[o + 7], a[o + 8]);
    }
  }
  else if (op.kind === "insert-states") for (const row of op.rows) insertStates.run(...row);
  else if (op.kind === "rollup") for (const service of op.services) for (const r of rollups[op.tier]) r.run({ service, first: op.first, last: op.last });
  else for (const p of (op.older ? olderPrunes : prunes)[op.tier]) p.run(op.before);
});
parentPort.on("message", ({ id, ops }) => {
  try {
    for (const op of ops) {
      if (op.kind === "insert-packed") {
        if (op.resetSlots) slots = [];
        for (const name of op.newSlots) slots.push(name);
      }
      apply(op);
    }
    parentPort.postMessage({ id, error: null, spare: spares(ops) }, spares(ops));
  } catch (err) {
    parentPort.postMessage({ id, error: String(err && err.message || err), spare: spares(ops) }, spares(ops));
  }
});
// Written samples' buffers go back to the hub, to be filled again.
function spares(ops) {
  return ops.flatMap((op) => (op.kind === "insert-packed" && op.samples.buffer.byteLength > 0 ? [op.samples.buffer] : []));
}
`;

/**
 * The series writer thread's nice value. Its work can wait a few hundred milliseconds; a VRRP transition
 * on the event loop cannot. On a core the two threads share (a hub pinned to one core, or a busy host),
 * the kernel let the writer finish its slice before the event loop ran: at 200 directors, in three
 * pairs of pinned bench runs, transition p99 was 235, 215 and 211 ms with the writer at 10 against 302,
 * 379 and 284 ms at 0. At 10 it still gets a tenth of a core that the event loop keeps busy, and all
 * that the event loop leaves.
 */
export const SERIES_WRITER_NICE = 10;

/** The file the series are attached from on `db` (see openDatabase). */
export function seriesFileOf(db: Database.Database): string {
  const list = db.pragma("database_list") as { name: string; file: string }[];
  const series = list.find((d) => d.name === SERIES_SCHEMA);
  if (series === undefined || series.file === "") throw new Error("the series database is not attached from a file");
  return series.file;
}

/** Buffers kept for reuse: a second's samples at 200 directors x 100 real servers fill about 50. */
const MAX_SPARE_BUFFERS = 256;

/**
 * Runs ops on a worker thread with its own connection to `db`'s files: a second's 20,000 samples, every
 * rollup and the series WAL's checkpoints are done beside the hub's event loop instead of on it, and lock
 * the series' own file, so an event's insert never waits for them.
 */
export function createWorkerWriter(db: Database.Database): SeriesWriter {
  const SQL = seriesSql(legacySeriesTables(db));
  const driver = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file: db.name, seriesFile: seriesFileOf(db), driver, sql: SQL, nice: SERIES_WRITER_NICE } });
  const waiting = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  let nextId = 0;
  const failAll = (err: Error) => {
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  // Buffers back from the worker: new memory costs page faults (about 4 ms a second's samples on a small
  // VM that pages out cold memory), where a buffer written last second is still mapped.
  const spares: ArrayBuffer[] = [];
  worker.on("message", ({ id, error, spare }: { id: number; error: string | null; spare: ArrayBuffer[] }) => {
    for (const buffer of spare) if (spares.length < MAX_SPARE_BUFFERS) spares.push(buffer);
    const w = waiting.get(id);
    waiting.delete(id);
    if (error === null) w?.resolve();
    else w?.reject(new Error(`series writer: ${error}`));
  });
  worker.on("error", failAll);
  worker.on("exit", () => failAll(new Error("series writer stopped")));
  return {
    async run(ops) {
      // One op at a time: a close waits for one op at most, and while an upgraded database still has
      // series tables in the main file, their prunes hold its lock (which the hub's events need) one at a time.
      for (const op of ops) {
        await new Promise<void>((resolve, reject) => {
          const id = nextId++;
          waiting.set(id, { resolve, reject });
          // Packed samples move to the worker without a copy (their buffer is transferred, not cloned).
          worker.postMessage({ id, ops: [op] }, op.kind === "insert-packed" ? [op.samples.buffer] : []);
        });
      }
    },
    async close() {
      await worker.terminate();
    },
    spare: () => spares.pop(),
  };
}
