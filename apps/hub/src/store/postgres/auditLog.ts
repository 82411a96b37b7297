import type pg from "pg";
import type { AuditRecord } from "@lvsdeck/protocol";
import { MAX_AUDIT_PAGE, type AuditLog } from "../../auth/auditLog";
import { atLeast, atMost, bigintMs, pgText } from "./database";

interface AuditRow {
  id: number;
  at: number;
  actor: string;
  action: AuditRecord["action"];
  remote: string | null;
  directors: string[];
  service: string | null;
  real_server: string | null;
  from_weight: number | null;
  to_weight: number | null;
  reason: string | null;
  result: string;
  detail: string | null;
}

const toRecord = (r: AuditRow): AuditRecord => ({
  id: r.id,
  at: r.at,
  actor: r.actor,
  action: r.action,
  remote: r.remote,
  directors: r.directors,
  service: r.service,
  realServer: r.real_server,
  from: r.from_weight,
  to: r.to_weight,
  reason: r.reason,
  result: r.result,
  detail: r.detail,
});

/**
 * The audit log on an open, migrated PostgreSQL database (see openPostgres), shared by every hub on it.
 * Behaves as the SQLite one: records come newest first (by id), filtered by time and actor, never more
 * than MAX_AUDIT_PAGE at once.
 */
export function createPgAuditLog(pool: pg.Pool): AuditLog {
  return {
    async knownPlace(actor, remote) {
      if (remote === null) return false;
      const { rows } = await pool.query("SELECT 1 FROM audit WHERE action = 'login' AND actor = $1 AND remote = $2 LIMIT 1", [pgText(actor), pgText(remote)]);
      return rows.length > 0;
    },
    async append(record) {
      await pool.query(
        `INSERT INTO audit (at, actor, action, remote, directors, service, real_server, from_weight, to_weight, reason, result, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          bigintMs(record.at),
          pgText(record.actor),
          record.action,
          pgText(record.remote),
          record.directors.map((d) => pgText(d)),
          pgText(record.service),
          pgText(record.realServer),
          record.from,
          record.to,
          pgText(record.reason),
          pgText(record.result),
          pgText(record.detail),
        ],
      );
    },
    async query(q) {
      // An empty actor filters nothing, as in SQLite. A negative limit is no page at all: the cap holds.
      const params: unknown[] = [atLeast(q.from ?? 0), atMost(q.to ?? Number.MAX_SAFE_INTEGER), Math.max(0, Math.min(q.limit, MAX_AUDIT_PAGE))];
      if (q.actor) params.push(pgText(q.actor));
      const { rows } = await pool.query<AuditRow>(
        `SELECT * FROM audit WHERE at >= $1 AND at <= $2 ${q.actor ? "AND actor = $4" : ""} ORDER BY id DESC LIMIT $3`,
        params,
      );
      return rows.map(toRecord);
    },
  };
}
