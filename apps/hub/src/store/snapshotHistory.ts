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
  at(at: number): DirectorSnapshot[];
  prune(now: number): void;
}

/** Creates the history on an open, migrated database. */
export function createSnapshotHistory(db: Database.Database): SnapshotHistory {
  const last = new Map<DirectorId, { t: number; shape: string }>();
  const insert = db.prepare("INSERT OR REPLACE INTO snapshots (director, t, body) VALUES (?, ?, ?)");
  const latest = db.prepare(
    `SELECT s.body FROM snapshots s
     JOIN (SELECT director, MAX(t) AS t FROM snapshots WHERE t <= ? GROUP BY director) m ON s.director = m.director AND s.t = m.t`,
  );
  const prune = db.prepare("DELETE FROM snapshots WHERE t < ?");
  return {
    offer(snapshot) {
      const shape = snapshotShape(snapshot);
      const previous = last.get(snapshot.director);
      if (previous && previous.shape === shape && snapshot.takenAt - previous.t < SNAPSHOT_HISTORY_INTERVAL_MS) return;
      last.set(snapshot.director, { t: snapshot.takenAt, shape });
      insert.run(snapshot.director, snapshot.takenAt, deflateSync(JSON.stringify(snapshot)));
    },
    at(at) {
      const rows = latest.all(at) as { body: Buffer }[];
      return rows.flatMap((row) => {
        const parsed = directorSnapshotSchema.safeParse(JSON.parse(inflateSync(row.body).toString()));
        return parsed.success ? [parsed.data] : [];
      });
    },
    prune: (now) => void prune.run(now - SNAPSHOT_HISTORY_RETENTION_MS),
  };
}
