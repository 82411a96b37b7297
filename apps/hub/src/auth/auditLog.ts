import type Database from "better-sqlite3";
import type { AuditRecord } from "@lvsdeck/protocol";

/** Most audit records returned by one query. */
export const MAX_AUDIT_PAGE = 1000;

/** Filters for reading the audit log. */
export interface AuditQuery {
  from?: number;
  to?: number;
  actor?: string;
  limit: number;
}

/**
 * The audit log: who did what, when, from where, to which directors, and how it went. SQLite (one hub)
 * and PostgreSQL (clustered hubs) implement it alike; the shared store suite holds both to it.
 */
export interface AuditLog {
  /** Whether `actor` has signed in successfully from `remote` before. */
  knownPlace(actor: string, remote: string | null): Promise<boolean>;
  append(record: Omit<AuditRecord, "id">): Promise<void>;
  /** The newest records that match (at most MAX_AUDIT_PAGE), newest first. */
  query(q: AuditQuery): Promise<AuditRecord[]>;
}

/** The audit log on an open, migrated SQLite database. */
export function createAuditLog(db: Database.Database): AuditLog {
  const insert = db.prepare(
    `INSERT INTO audit (at, actor, action, remote, directors, service, real_server, from_weight, to_weight, reason, result, detail)
     VALUES (@at, @actor, @action, @remote, @directors, @service, @realServer, @from, @to, @reason, @result, @detail)`,
  );
  const signedInFrom = db.prepare("SELECT 1 FROM audit WHERE action = 'login' AND actor = ? AND remote = ? LIMIT 1");
  return {
    knownPlace: async (actor, remote) => remote !== null && signedInFrom.get(actor, remote) !== undefined,
    async append(record) {
      insert.run({ ...record, directors: JSON.stringify(record.directors) });
    },
    async query(q) {
      const rows = db
        .prepare(
          `SELECT * FROM audit WHERE at >= @from AND at <= @to ${q.actor ? "AND actor = @actor" : ""} ORDER BY id DESC LIMIT @limit`,
        )
        .all({ from: q.from ?? 0, to: q.to ?? Number.MAX_SAFE_INTEGER, limit: Math.min(q.limit, MAX_AUDIT_PAGE), ...(q.actor && { actor: q.actor }) }) as Record<string, unknown>[];
      return rows.map((r) => ({
        id: r.id as number,
        at: r.at as number,
        actor: r.actor as string,
        action: r.action as AuditRecord["action"],
        remote: r.remote as string | null,
        directors: JSON.parse(r.directors as string) as string[],
        service: r.service as string | null,
        realServer: r.real_server as string | null,
        from: r.from_weight as number | null,
        to: r.to_weight as number | null,
        reason: r.reason as string | null,
        result: r.result as string,
        detail: r.detail as string | null,
      }));
    },
  };
}
