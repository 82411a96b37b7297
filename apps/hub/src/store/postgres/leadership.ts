import type pg from "pg";
import type { Logger } from "@lvsdeck/log";

/** How often a hub that is not the leader tries to become it, and a leader checks that its lock still holds (ms). */
export const LEADERSHIP_CHECK_MS = 1_000;

/** One hub of the cluster, elected by PostgreSQL, for work that must happen once: alert events and notifications. */
export interface Leadership {
  isLeader(): boolean;
  /** Hears every change: true when this hub became the leader, false when it lost the lock. */
  onChange(listener: (leader: boolean) => void): () => void;
  close(): Promise<void>;
}

/**
 * Holds a session-level advisory lock on its own connection: the hub holding it is the leader. When that
 * hub dies or its connection breaks, PostgreSQL releases the lock and another hub takes it at its next
 * try (within LEADERSHIP_CHECK_MS, plus the time PostgreSQL takes to see a dead connection go).
 * While the database cannot be reached nobody is leader: work that must happen once waits rather than
 * happening twice.
 */
export function holdLeadership(pool: pg.Pool, lockKey: number, log: Logger, checkMs = LEADERSHIP_CHECK_MS): Leadership {
  let client: pg.PoolClient | null = null;
  let leader = false;
  let closed = false;
  let busy = false;
  const listeners = new Set<(leader: boolean) => void>();
  const set = (next: boolean) => {
    if (next === leader) return;
    leader = next;
    log.info(next ? "this hub leads the cluster's alerting" : "this hub no longer leads the cluster's alerting");
    for (const l of listeners) l(next);
  };
  const drop = (err: Error) => {
    log.warn("the leadership connection failed; trying again", { error: err.message });
    client?.release(true);
    client = null;
    set(false);
  };
  const check = async () => {
    if (busy || closed) return;
    busy = true;
    try {
      if (client === null) {
        const opened = await pool.connect();
        opened.on("error", drop);
        // Closed while connecting: this session must not outlive close(), or it would hold a pool (and its end) open.
        if (closed) {
          opened.release(true);
          return;
        }
        client = opened;
      }
      if (leader) {
        // Still ours? A lock held by this session shows in pg_locks with our pid.
        const held = await client.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND objid = $1 AND granted", [lockKey]);
        if (held.rowCount === 0) set(false);
      } else {
        const taken = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [lockKey]);
        set(taken.rows[0]?.ok === true);
      }
    } catch (err) {
      if (!closed) drop(err as Error);
    } finally {
      busy = false;
    }
  };
  void check();
  const timer = setInterval(() => void check(), checkMs);
  timer.unref();
  return {
    isLeader: () => leader,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      clearInterval(timer);
      const held = client;
      client = null;
      set(false);
      if (held === null) return;
      // Ending the session lets go of the lock at once, for the next hub. The pool ends a client released
      // with an error in the background and says "remove" when its connection has closed; PostgreSQL
      // releases a session's locks before it closes the connection, so once that is heard the lock is free
      // and nothing of this session is left to answer (a server stopped next cannot reach it).
      const ended = new Promise<void>((resolve) => {
        const removed = (gone: pg.PoolClient) => {
          if (gone !== held) return;
          pool.off("remove", removed);
          resolve();
        };
        pool.on("remove", removed);
      });
      held.release(true);
      await ended;
    },
  };
}
