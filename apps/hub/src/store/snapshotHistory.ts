import type Database from "better-sqlite3";
import { deflateSync, inflateSync } from "node:zlib";
import type { DirectorId, DirectorSnapshot } from "@lvsdeck/protocol";
import { directorSnapshotSchema } from "@lvsdeck/protocol";
import { snapshotShape } from "../directorShape";

/** A snapshot is kept at least this often per director (ms), besides every change of shape. */
export const SNAPSHOT_HISTORY_INTERVAL_MS = 30_000;
/** Snapshots older than this are pruned (ms): one week of looking back. */
export const SNAPSHOT_HISTORY_RETENTION_MS = 7 * 86_400_000;

/** Director snapshots over time, so a responder can see the cluster as it was at a moment. */
export interface SnapshotHistory {
  /** Keeps the snapshot when its shape changed (VRRP, VIPs, keepalived, weights, health) or the interval passed. */
  offer(snapshot: DirectorSnapshot): void;
  /** The newest snapshot of every director taken at or before `at`. */
  at(at: number): Promise<DirectorSnapshot[]>;
  prune(now: number): Promise<void>;
  /** Resolves when every snapshot offered so far is stored (or its write failed). */
  flush(): Promise<void>;
}

/**
 * Which offered snapshots to keep: the first of a director, each change of shape, and one per interval.
 * The decision is made once per offer; a snapshot kept is remembered before its write lands.
 */
export function createKeepFilter(): (snapshot: DirectorSnapshot) => boolean {
  const last = new Map<DirectorId, { t: number; shape: string }>();
  return (snapshot) => {
    const shape = snapshotShape(snapshot);
    const previous = last.get(snapshot.director);
    if (previous && previous.shape === shape && snapshot.takenAt - previous.t < SNAPSHOT_HISTORY_INTERVAL_MS) return false;
    last.set(snapshot.director, { t: snapshot.takenAt, shape });
    return true;
  };
}

/** A snapshot as stored: deflated JSON. */
export const snapshotBody = (snapshot: DirectorSnapshot): Buffer => deflateSync(JSON.stringify(snapshot));

/** A stored body read back, or null when it is damaged or no longer a valid snapshot (that moment is left out). */
export function snapshotOfBody(body: Buffer): DirectorSnapshot | null {
  try {
    const parsed = directorSnapshotSchema.safeParse(JSON.parse(inflateSync(body).toString()));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Creates the history on an open, migrated database. */
export function createSnapshotHistory(db: Database.Database): SnapshotHistory {
  const keep = createKeepFilter();
  const insert = db.prepare("INSERT OR REPLACE INTO snapshots (director, t, body) VALUES (?, ?, ?)");
  const latest = db.prepare(
    `SELECT s.body FROM snapshots s
     JOIN (SELECT director, MAX(t) AS t FROM snapshots WHERE t <= ? GROUP BY director) m ON s.director = m.director AND s.t = m.t`,
  );
  const prune = db.prepare("DELETE FROM snapshots WHERE t < ?");
  return {
    offer(snapshot) {
      if (keep(snapshot)) insert.run(snapshot.director, snapshot.takenAt, snapshotBody(snapshot));
    },
    async at(at) {
      const rows = latest.all(at) as { body: Buffer }[];
      return rows.flatMap((row) => snapshotOfBody(row.body) ?? []);
    },
    prune: async (now) => void prune.run(now - SNAPSHOT_HISTORY_RETENTION_MS),
    flush: async () => undefined,
  };
}
