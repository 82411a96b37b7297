import type Database from "better-sqlite3";
import type { DirectorSnapshot, SeriesPoint, SeriesResolution } from "@lvsdeck/protocol";
import { TIERS, createInlineWriter, legacySeriesTables, momentsOf, type SeriesOp, type SeriesWriter } from "./seriesWrites";
import { createSeriesBuffer, type SlotCursor } from "./seriesBuffer";
import { DIRECTOR_ROW_COLUMNS, answerOf, statesPointsOf, type DirectorRow, type StateCountRow } from "./seriesPoints";

/** How long each tier keeps its samples, and its bucket width; configurable per hub. */
export interface SeriesRetention {
  /** 1 s samples kept this long (ms). Default one hour. */
  raw: number;
  /** 10 s averages kept this long (ms). Default one day. */
  tenSeconds: number;
  /** 1 min averages kept this long (ms). Default 30 days. */
  minute: number;
}

/** Default retention: 1 s for an hour, 10 s for a day, 1 min for 30 days. */
export const DEFAULT_RETENTION: SeriesRetention = { raw: 3_600_000, tenSeconds: 86_400_000, minute: 30 * 86_400_000 };

/** A query for one series; no realServer means the virtual service's own series. */
export interface SeriesQuery {
  service: string;
  realServer?: string;
  director?: string;
  from: number;
  to: number;
  /** The clock the retention is measured against. */
  now: number;
}

/** Time series of connections and rates per virtual service and real server, in tiers. */
export interface SeriesStore {
  /** Buffers one sample per service and real server of a snapshot (bucketed to the second). */
  record(snapshot: DirectorSnapshot): void;
  /** Writes buffered samples, downsamples closed buckets and prunes, all now (tests; SQLite on the hub's own connection). */
  flush(now: number): Promise<void>;
  /**
   * The same through the store's writer (a worker thread, slices of a few milliseconds between turns
   * of the event loop, or PostgreSQL statements awaited one at a time), so a second's 20,000 samples
   * never hold up frames to and from agents and browsers. A call while one is running returns that one;
   * its samples wait for the next.
   */
  flushInBackground(now: number): Promise<void>;
  /** Waits for a background flush, writes what is left, and stops the writer. */
  close(now: number): Promise<void>;
  query(q: SeriesQuery): Promise<SeriesAnswer>;
  /** One director's connection entries by state (of a real server, or the service's), as counted, in the tier the range needs. */
  queryStates(q: SeriesQuery & { director: string }): Promise<{ resolution: SeriesResolution; points: StatesPoint[] }>;
}

/** A series as GET /api/series answers it: summed over directors, and each director's own. */
export interface SeriesAnswer {
  resolution: SeriesResolution;
  points: SeriesPoint[];
  directors: { director: string; points: SeriesPoint[] }[];
}

/** Connection entries by state at one moment (a count, or a tier's average of counts). */
export interface StatesPoint {
  t: number;
  states: Record<string, number>;
}

/**
 * Samples written per transaction (one op of the writer): about 1 ms of SQLite work, the longest the
 * inline writer (an in-memory database, the last flush at close) holds the event loop at once.
 */
const WRITE_SLICE_ROWS = 400;
/**
 * Virtual services downsampled per transaction. At 25 a 10 s rollup op took 12 ms (median; 85 ms at
 * worst, its thread sharing the hub's core) under the bench load, and a hub write waited for its lock;
 * at 5, 1.7 ms (46 ms at worst). Measured in a pinned bench build whose writer ran at nice 10.
 */
const ROLLUP_SLICE_SERVICES = 5;

/** Picks the finest tier whose retention still covers the start of the range and keeps the point count sane. */
export function pickResolution(from: number, to: number, now: number, retention: SeriesRetention): SeriesResolution {
  const span = to - from;
  if (span <= retention.raw && now - from <= retention.raw) return "1s";
  if (span <= retention.tenSeconds && now - from <= retention.tenSeconds) return "10s";
  return "1m";
}

/** The tier a range is read from (see pickResolution). */
export function tierOf(q: SeriesQuery, retention: SeriesRetention): (typeof TIERS)[number] {
  const resolution = pickResolution(q.from, q.to, q.now, retention);
  return TIERS.find((t) => t.resolution === resolution)!;
}

/**
 * The moments of `tier` a query's range covers that the tier can still hold (`keptMs`: its retention):
 * the first on the tier's grid at or after both, up to `to`. An incident's whole span, or any range
 * reaching back years, costs at most a retention's worth of seeks (43,200 for a month of minutes).
 */
export const momentRange = (q: SeriesQuery, tier: (typeof TIERS)[number], keptMs: number) => ({
  first: Math.ceil(Math.max(q.from, q.now - keptMs) / tier.widthMs) * tier.widthMs,
  last: q.to,
});

/**
 * How often the older tables of an upgraded database (see legacySeriesTables) are pruned (ms). They are in
 * the main file, whose write lock an event's insert needs: every prune takes it, even when nothing is
 * left to delete, so they are pruned once a minute rather than at every flush. Reads never show their
 * rows past retention either way (a read's range is cut to it).
 */
export const OLDER_PRUNE_MS = 60_000;

/** Two lists each ordered by time, as one (stable: at one moment, `a`'s rows come first). */
function mergeByTime<T extends { t: number }>(a: T[], b: T[]): T[] {
  return a.length === 0 ? b : [...a, ...b].sort((x, y) => x.t - y.t);
}

/**
 * Creates the store on an open, migrated database; `writer` runs background flushes (default: sliced, on
 * `db`; see createWorkerWriter).
 */
export function createSeriesStore(db: Database.Database, retention: SeriesRetention = DEFAULT_RETENTION, writer?: SeriesWriter): SeriesStore {
  const buffer = createSeriesBuffer();
  const legacy = legacySeriesTables(db);
  const inline = createInlineWriter(db);
  const background = writer ?? inline;
  const servicesIn = TIERS.map((tier) => db.prepare(`SELECT DISTINCT service FROM ${tier.table} WHERE t >= ? AND t < ?`).pluck());
  const keep = [retention.raw, retention.tenSeconds, retention.minute];

  /**
   * `columns` of a tier's `table` (samples or per-state counts) at each moment of the query's range, ordered
   * by time, and what its older tables (see legacySeriesTables) still hold there; at one `key`, the newest
   * table's row wins (a bucket rolled up again after an upgrade is in both).
   */
  const readTier = <T extends { t: number }>(q: SeriesQuery, tier: (typeof TIERS)[number], table: string, columns: string, where: string, params: object, key: (row: T) => string): T[] => {
    const range = { ...params, ...momentRange(q, tier, keep[TIERS.indexOf(tier)]!) };
    const seek = (name: string) => db.prepare(`${momentsOf(tier.widthMs)} SELECT ${columns} FROM moments CROSS JOIN ${name} s ON s.t = moments.at AND ${where} ORDER BY s.t`).all(range) as T[];
    let rows = seek(table);
    const seen = new Set(rows.map(key));
    for (const older of legacy.get(table) ?? []) {
      const oldRows = older.byTime
        ? seek(older.name)
        : (db.prepare(`SELECT ${columns} FROM ${older.name} s WHERE ${where} AND s.t >= @first AND s.t <= @last ORDER BY s.t`).all(range) as T[]);
      const unseen = oldRows.filter((r) => !seen.has(key(r)));
      for (const r of unseen) seen.add(key(r));
      rows = mergeByTime(unseen, rows);
    }
    return rows;
  };
  const rolledUpTo = [0, 0];
  // Services written into a tier since its last downsampling, and those of the last one (its bucket is re-rolled).
  const touched = [new Set<string>(), new Set<string>()];
  const lastRolled = [new Set<string>(), new Set<string>()];
  let olderPrunedAt = -Infinity;

  /** The whole flush as ops, each short enough to hold nothing up for long. */
  const flushOps = (now: number, cursor: SlotCursor, writer: SeriesWriter): SeriesOp[] => {
    const { samples: packed, states } = buffer.takePacked(cursor, WRITE_SLICE_ROWS, writer.spare);
    for (const service of packed.services) touched[0]!.add(service);
    const inserts = packed.slices.map((samples) => ({ kind: "insert-packed" as const, resetSlots: false, newSlots: [] as string[], samples }));
    // The first op carries the slot names the writer has not seen, even with no samples to write.
    if (packed.resetSlots || packed.newSlots.length > 0) {
      inserts[0] = { kind: "insert-packed", resetSlots: packed.resetSlots, newSlots: packed.newSlots, samples: inserts[0]?.samples ?? new Float64Array(0) };
    }
    const ops: SeriesOp[] = inserts;
    for (let i = 0; i < states.length; i += WRITE_SLICE_ROWS) ops.push({ kind: "insert-states", rows: states.slice(i, i + WRITE_SLICE_ROWS) });
    for (const [tier, into] of TIERS.slice(1).entries()) {
      // A bucket is rolled when it closes and once more when the next one does, for samples that came late.
      // (Rolling the last one again at every flush between rewrote a tier's whole bucket every second.)
      const end = Math.floor(now / into.widthMs) * into.widthMs;
      if (end <= rolledUpTo[tier]!) continue;
      const start = rolledUpTo[tier] === 0 ? end - into.widthMs * 2 : rolledUpTo[tier]! - into.widthMs;
      // After a restart nothing is known of the last buckets' services: ask the table once.
      const services = rolledUpTo[tier] === 0
        ? (servicesIn[tier]!.all(start, end) as string[])
        : [...new Set([...touched[tier]!, ...lastRolled[tier]!])];
      lastRolled[tier] = touched[tier]!;
      touched[tier] = new Set();
      rolledUpTo[tier] = end;
      for (const service of services) touched[tier + 1]?.add(service);
      for (let k = 0; k < services.length; k += ROLLUP_SLICE_SERVICES) {
        ops.push({ kind: "rollup", tier, services: services.slice(k, k + ROLLUP_SLICE_SERVICES), first: start, last: end - TIERS[tier]!.widthMs });
      }
    }
    for (const [tier, age] of keep.entries()) ops.push({ kind: "prune", tier, before: now - age, older: false });
    if (legacy.size > 0 && now - olderPrunedAt >= OLDER_PRUNE_MS) {
      olderPrunedAt = now;
      for (const [tier, age] of keep.entries()) ops.push({ kind: "prune", tier, before: now - age, older: true });
    }
    return ops;
  };

  let running: Promise<void> | null = null;
  // What each writer knows of the buffer's slot table (the same object when both are the inline one).
  const inlineSlots: SlotCursor = { epoch: -1, known: 0 };
  const backgroundSlots: SlotCursor = { epoch: -1, known: 0 };

  return {
    record: (snapshot) => buffer.record(snapshot),
    async flush(now) {
      inline.runNow(flushOps(now, inlineSlots, inline));
    },
    flushInBackground(now) {
      running ??= background.run(flushOps(now, background === inline ? inlineSlots : backgroundSlots, background)).finally(() => (running = null));
      return running;
    },
    async close(now) {
      await running?.catch(() => undefined);
      await background.close();
      inline.runNow(flushOps(now, inlineSlots, inline));
    },
    async query(q) {
      const tier = tierOf(q, retention);
      const where = `s.service = @service AND s.real_server = @rs ${q.director ? "AND s.director = @director" : ""}`;
      const params = { service: q.service, rs: q.realServer ?? "", ...(q.director && { director: q.director }) };
      const rows = readTier<DirectorRow>(q, tier, tier.table, DIRECTOR_ROW_COLUMNS, where, params, (r) => `${r.d}\u0000${r.t}`);
      return answerOf(rows, tier);
    },
    async queryStates(q) {
      const tier = tierOf(q, retention);
      const where = "s.service = @service AND s.real_server = @rs AND s.director = @director";
      const params = { service: q.service, rs: q.realServer ?? "", director: q.director };
      const rows = readTier<StateCountRow>(q, tier, tier.states, "s.t, s.state, s.n", where, params, (r) => `${r.t}\u0000${r.state}`);
      return { resolution: tier.resolution, points: statesPointsOf(rows) };
    },
  };
}
