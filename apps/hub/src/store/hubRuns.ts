import type Database from "better-sqlite3";

/** How often a running hub notes that it is alive, so an unclean stop is dated within this much. */
export const HUB_BEAT_MS = 5_000;

/** What this run knows about the one before it. */
export interface PreviousRun {
  /** When it stopped cleanly, or null when it did not (killed, crashed, power lost). */
  stoppedAt: number | null;
  /** When it was last seen alive. */
  lastSeenAt: number;
}

/**
 * Records this run of the hub in its database: its start, a beat every HUB_BEAT_MS, and a clean stop.
 * `previous` is the run before (null on a new database), from which the time the hub was down follows.
 */
export function startHubRun(db: Database.Database, now: () => number) {
  const last = db.prepare("SELECT stopped_at, last_seen_at FROM hub_runs ORDER BY id DESC LIMIT 1").get() as { stopped_at: number | null; last_seen_at: number } | undefined;
  const previous: PreviousRun | null = last === undefined ? null : { stoppedAt: last.stopped_at, lastSeenAt: last.last_seen_at };
  const id = Number(db.prepare("INSERT INTO hub_runs (started_at, last_seen_at) VALUES (?, ?)").run(now(), now()).lastInsertRowid);
  const beat = db.prepare("UPDATE hub_runs SET last_seen_at = ? WHERE id = ?");
  const timer = setInterval(() => beat.run(now(), id), HUB_BEAT_MS);
  timer.unref();
  return {
    previous,
    /** When the hub went away before this run: its clean stop, else the last time it was seen alive. */
    downFrom: previous === null ? null : (previous.stoppedAt ?? previous.lastSeenAt),
    /** Marks a clean stop; returns its time. */
    stop(): number {
      clearInterval(timer);
      const at = now();
      db.prepare("UPDATE hub_runs SET last_seen_at = ?, stopped_at = ? WHERE id = ?").run(at, at, id);
      return at;
    },
  };
}
