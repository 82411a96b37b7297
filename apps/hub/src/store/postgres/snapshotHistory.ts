import type pg from "pg";
import { SNAPSHOT_HISTORY_RETENTION_MS, createKeepFilter, snapshotBody, snapshotOfBody, type SnapshotHistory } from "../snapshotHistory";
import { atMost, bigintMs, deleteOlder, pgText } from "./database";

/** Pruning statements per call: the hub prunes every second, so a week's backlog is worked off, never in one go. */
const PRUNE_BATCHES = 4;

// The directors are walked in primary-key order one at a time (a loose index scan), and each one's newest
// snapshot by then is one index probe: a week of snapshots is never read to find a few hundred rows.
const LATEST = `
  WITH RECURSIVE directors (director) AS (
    (SELECT director FROM snapshots ORDER BY director LIMIT 1)
    UNION ALL
    SELECT (SELECT s.director FROM snapshots s WHERE s.director > d.director ORDER BY s.director LIMIT 1)
    FROM directors d WHERE d.director IS NOT NULL
  )
  SELECT latest.body FROM directors d
  CROSS JOIN LATERAL (SELECT s.body FROM snapshots s WHERE s.director = d.director AND s.t <= $1 ORDER BY s.t DESC LIMIT 1) latest`;

/** Options for {@link createPgSnapshotHistory}. */
export interface PgHistoryOptions {
  /** Whether this hub prunes the shared history now (default: always). */
  prunes?: () => boolean;
  /** Hears a snapshot that could not be stored: that moment is missing from the history, nothing else. */
  onError?: (err: Error) => void;
}

/**
 * The snapshot history in the shared PostgreSQL record. Each hub offers only the directors it holds,
 * so a snapshot is stored once; an agent that moved mid-interval may be offered by both hubs at the
 * same moment, which the upsert stores once. Only the hub `prunes` names deletes old snapshots (the
 * alerting leader: one cluster-wide DELETE by age is enough).
 */
export function createPgSnapshotHistory(pool: pg.Pool, options: PgHistoryOptions = {}): SnapshotHistory {
  const keep = createKeepFilter();
  const writing = new Set<Promise<void>>();
  return {
    offer(snapshot) {
      if (!keep(snapshot)) return;
      const write: Promise<void> = pool
        .query("INSERT INTO snapshots (director, t, body) VALUES ($1, $2, $3) ON CONFLICT (director, t) DO UPDATE SET body = EXCLUDED.body", [
          pgText(snapshot.director),
          bigintMs(snapshot.takenAt),
          snapshotBody(snapshot),
        ])
        .then(
          () => undefined,
          (err: Error) => options.onError?.(err),
        )
        .finally(() => writing.delete(write));
      writing.add(write);
    },
    async at(at) {
      const { rows } = await pool.query<{ body: Buffer }>(LATEST, [atMost(at)]);
      return rows.flatMap((row) => snapshotOfBody(row.body) ?? []);
    },
    async prune(now) {
      if (options.prunes?.() ?? true) await deleteOlder(pool, "snapshots", now - SNAPSHOT_HISTORY_RETENTION_MS, PRUNE_BATCHES);
    },
    async flush() {
      await Promise.all(writing);
    },
  };
}
