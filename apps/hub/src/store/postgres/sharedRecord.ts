import type pg from "pg";
import type { Logger } from "@lvsdeck/log";
import type { EventStore } from "../eventStore";
import type { AuthStore } from "../../auth/authStore";
import type { AuditLog } from "../../auth/auditLog";
import type { IncidentStore } from "../incidentStore";
import type { WeightRecords } from "../weightRecords";
import type { HeldChangeStore } from "../heldWeightChanges";
import { openPostgres } from "./database";
import { createPgEventStore } from "./eventStore";
import { createPgAuthStore } from "./authStore";
import { createPgAuditLog } from "./auditLog";
import { createPgIncidentStore } from "./incidentStore";
import { createPgWeightRecords } from "./weightRecords";
import { createPgHeldChangeStore } from "./heldWeightChanges";
import { createPgSeriesStore, type PgSeriesOptions } from "./seriesStore";
import { createPgSnapshotHistory, type PgHistoryOptions } from "./snapshotHistory";
import type { SeriesStore } from "../seriesStore";
import type { SnapshotHistory } from "../snapshotHistory";

/**
 * What clustered hubs share in PostgreSQL: the event log, users, sessions, tokens, the audit log,
 * incident titles and notes, weight request answers, drains, weight changes held for directors away,
 * the series tiers and the snapshot history.
 */
export interface SharedRecord {
  events: EventStore;
  auth(now: () => number): AuthStore;
  audit: AuditLog;
  incidents: IncidentStore;
  weights: WeightRecords;
  held: HeldChangeStore;
  /** The series tiers; each hub records the directors it holds. */
  series(options: PgSeriesOptions): SeriesStore;
  /** The snapshot history; each hub offers the directors it holds. */
  history(options: PgHistoryOptions): SnapshotHistory;
  /** The connections, for work beside the record (the alerting leader's lock). */
  pool: pg.Pool;
  close(): Promise<void>;
}

/** Opens (and migrates) the shared record; rejects when the server cannot be reached or a migration fails. */
export async function openSharedRecord(options: { url: string; migrationsDir: string }, log: Logger): Promise<SharedRecord> {
  const database = await openPostgres(options.url, options.migrationsDir, {
    // An idle connection that broke (the server restarted): the pool opens another on next use.
    onError: (err) => log.warn("a PostgreSQL connection failed; the next query opens another", { error: err.message }),
  });
  return {
    events: createPgEventStore(database.pool),
    auth: (now) => createPgAuthStore(database.pool, now),
    audit: createPgAuditLog(database.pool),
    incidents: createPgIncidentStore(database.pool),
    weights: createPgWeightRecords(database.pool),
    held: createPgHeldChangeStore(database.pool),
    series: (seriesOptions) => createPgSeriesStore(database.pool, seriesOptions),
    history: (historyOptions) => createPgSnapshotHistory(database.pool, historyOptions),
    pool: database.pool,
    close: () => database.close(),
  };
}

/** A connection URL fit for a log line or an error message: any password in it is replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(an unreadable URL)";
  }
}
