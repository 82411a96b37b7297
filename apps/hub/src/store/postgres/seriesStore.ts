import type pg from "pg";
import { DEFAULT_RETENTION, tierOf, type SeriesRetention, type SeriesStore } from "../seriesStore";
import { DIRECTOR_ROW_COLUMNS, answerOf, statesPointsOf, type DirectorRow, type StateCountRow } from "../seriesPoints";
import { createSeriesBuffer } from "../seriesBuffer";
import { TIERS, type SeriesRow, type StateRow } from "../seriesWrites";
import { atLeast, atMost, deleteOlder, pgText } from "./database";

/**
 * Rows per INSERT. The statement's arrays are built on the event loop; at 1,000 rows that is about a
 * millisecond, and the loop gets a turn while PostgreSQL writes each slice.
 */
const INSERT_SLICE_ROWS = 1_000;
/** Directors downsampled per statement: a few windows of their series, never the whole table. */
const ROLLUP_SLICE_DIRECTORS = 25;
/** Pruning statements per table per flush: at one flush a second this outruns any tier's growth. */
const PRUNE_BATCHES = 10;
/** Buckets a hub looks back when it rolls up after a pause (a flush that came late, or a time holding no director). */
const LOOKBACK_BUCKETS = 6;

const MEASURES = ["active", "inactive", "cps", "in_pps", "out_pps", "in_bps", "out_bps"] as const;
const SET_MEASURES = MEASURES.map((m) => `${m} = EXCLUDED.${m}`).join(", ");

// Every write is an upsert: an agent that moves between hubs mid-second is written by both, and a
// bucket re-rolled (or rolled by two hubs) is replaced by the later, fuller average.
const SQL = {
  insert: `INSERT INTO samples_1s (director, service, real_server, t, ${MEASURES.join(", ")})
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], ${MEASURES.map((_, i) => `$${i + 5}::float8[]`).join(", ")})
    ON CONFLICT (service, real_server, director, t) DO UPDATE SET ${SET_MEASURES}`,
  insertStates: `INSERT INTO states_1s (director, service, real_server, state, t, n)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::float8[])
    ON CONFLICT (service, real_server, director, t, state) DO UPDATE SET n = EXCLUDED.n`,
  rollups: [1, 2].map((i) => {
    const from = TIERS[i - 1]!;
    const into = TIERS[i]!;
    const bucket = `(t / ${into.widthMs}) * ${into.widthMs}`;
    const window = "t >= $2 AND t < $3 AND director = ANY($1::text[])";
    return [
      `INSERT INTO ${into.table} (director, service, real_server, t, ${MEASURES.join(", ")})
       SELECT director, service, real_server, ${bucket} AS bucket, ${MEASURES.map((m) => `AVG(${m})`).join(", ")}
       FROM ${from.table} WHERE ${window} GROUP BY director, service, real_server, bucket
       ON CONFLICT (service, real_server, director, t) DO UPDATE SET ${SET_MEASURES}`,
      `INSERT INTO ${into.states} (director, service, real_server, state, t, n)
       SELECT director, service, real_server, state, ${bucket} AS bucket, AVG(n)
       FROM ${from.states} WHERE ${window} GROUP BY director, service, real_server, state, bucket
       ON CONFLICT (service, real_server, director, t, state) DO UPDATE SET n = EXCLUDED.n`,
    ];
  }),
};

/** The columns of `rows` as arrays, for unnest; text columns as PostgreSQL can hold them. */
function columnsOf(rows: readonly (readonly (string | number)[])[], width: number): unknown[] {
  const columns = Array.from({ length: width }, () => [] as unknown[]);
  for (const row of rows) for (let c = 0; c < width; c++) columns[c]!.push(typeof row[c] === "string" ? pgText(row[c] as string) : row[c]);
  return columns;
}

/** Options for {@link createPgSeriesStore}. */
export interface PgSeriesOptions {
  retention?: SeriesRetention;
  /** Whether this hub prunes the shared tiers at this flush (default: always). */
  prunes?: () => boolean;
}

/**
 * The series tiers in the shared PostgreSQL record. A hub records (and so writes) only the directors
 * whose agents it holds, so each sample is written once for the cluster; every hub reads them all.
 *
 * Who downsamples: each hub rolls up the directors it wrote, since it knows which buckets it filled
 * and nobody has to find them in the table; the averages are read from the shared rows, so a director
 * that moved between hubs within a bucket is averaged whole by whichever rolls it last. Who prunes:
 * one hub, the alerting leader (`prunes`), as a prune is a cluster-wide DELETE by age that several hubs
 * would only repeat, and contend on; with no leader (the database away) nothing is pruned until there is one.
 */
export function createPgSeriesStore(pool: pg.Pool, options: PgSeriesOptions = {}): SeriesStore {
  const retention = options.retention ?? DEFAULT_RETENTION;
  const buffer = createSeriesBuffer();
  const keep = [retention.raw, retention.tenSeconds, retention.minute];
  const rolledUpTo = [0, 0];
  // Directors written into a tier since its last downsampling, and those of the last one (re-rolled once).
  const touched = [new Set<string>(), new Set<string>()];
  const lastRolled = [new Set<string>(), new Set<string>()];

  /** The flush as statements, each bounded: a slice of rows, a few directors' windows, a batch of old rows. */
  const flushOps = (now: number): (() => Promise<unknown>)[] => {
    const { rows, states } = buffer.take();
    for (const row of rows) touched[0]!.add(row[0]);
    const ops: (() => Promise<unknown>)[] = [];
    for (let i = 0; i < rows.length; i += INSERT_SLICE_ROWS) {
      const slice: SeriesRow[] = rows.slice(i, i + INSERT_SLICE_ROWS);
      ops.push(() => pool.query(SQL.insert, columnsOf(slice, 11)));
    }
    for (let i = 0; i < states.length; i += INSERT_SLICE_ROWS) {
      const slice: StateRow[] = states.slice(i, i + INSERT_SLICE_ROWS);
      ops.push(() => pool.query(SQL.insertStates, columnsOf(slice, 6)));
    }
    for (const [tier, into] of TIERS.slice(1).entries()) {
      // A bucket is rolled when it closes and once more when the next one does, for samples that came late.
      const end = Math.floor(now / into.widthMs) * into.widthMs;
      if (end <= rolledUpTo[tier]!) continue;
      const directors = [...new Set([...touched[tier]!, ...lastRolled[tier]!])];
      // Holding nothing, nothing is marked done: the first director recorded gets its recent buckets rolled.
      if (directors.length === 0) continue;
      const start = rolledUpTo[tier] === 0 ? end - 2 * into.widthMs : Math.max(rolledUpTo[tier]! - into.widthMs, end - LOOKBACK_BUCKETS * into.widthMs);
      lastRolled[tier] = touched[tier]!;
      touched[tier] = new Set();
      rolledUpTo[tier] = end;
      for (const director of directors) touched[tier + 1]?.add(director);
      for (let k = 0; k < directors.length; k += ROLLUP_SLICE_DIRECTORS) {
        const slice = directors.slice(k, k + ROLLUP_SLICE_DIRECTORS).map((d) => pgText(d));
        for (const sql of SQL.rollups[tier]!) ops.push(() => pool.query(sql, [slice, start, end]));
      }
    }
    if (options.prunes?.() ?? true) {
      for (const [tier, age] of keep.entries()) {
        for (const table of [TIERS[tier]!.table, TIERS[tier]!.states]) ops.push(() => deleteOlder(pool, table, now - age, PRUNE_BATCHES));
      }
    }
    return ops;
  };

  /** Runs every op, one at a time; one that fails (a bad slice) costs only its own rows, and the first error is reported. */
  const run = async (ops: (() => Promise<unknown>)[]) => {
    const errors: Error[] = [];
    for (const op of ops) {
      try {
        await op();
      } catch (error) {
        errors.push(error as Error);
      }
    }
    if (errors.length > 0) throw new Error(`${errors.length} of ${ops.length} series statements failed; the first: ${errors[0]!.message}`);
  };

  let running: Promise<void> | null = null;

  return {
    record: (snapshot) => buffer.record(snapshot),
    flush: (now) => run(flushOps(now)),
    flushInBackground(now) {
      running ??= run(flushOps(now)).finally(() => (running = null));
      return running;
    },
    async close(now) {
      await running?.catch(() => undefined);
      await run(flushOps(now));
    },
    async query(q) {
      const tier = tierOf(q, retention);
      const params: unknown[] = [pgText(q.service), pgText(q.realServer ?? ""), atLeast(q.from), atMost(q.to)];
      if (q.director) params.push(pgText(q.director));
      const { rows } = await pool.query<DirectorRow>(
        `SELECT ${DIRECTOR_ROW_COLUMNS} FROM ${tier.table} WHERE service = $1 AND real_server = $2 AND t >= $3 AND t <= $4
         ${q.director ? "AND director = $5" : ""} ORDER BY t`,
        params,
      );
      return answerOf(rows, tier);
    },
    async queryStates(q) {
      const tier = tierOf(q, retention);
      const { rows } = await pool.query<StateCountRow>(
        `SELECT t, state, n FROM ${tier.states} WHERE service = $1 AND real_server = $2 AND director = $3 AND t >= $4 AND t <= $5 ORDER BY t`,
        [pgText(q.service), pgText(q.realServer ?? ""), pgText(q.director), atLeast(q.from), atMost(q.to)],
      );
      return { resolution: tier.resolution, points: statesPointsOf(rows) };
    },
  };
}
