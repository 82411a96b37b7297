import { PG_MIGRATE_LOCK_ID, runner } from "node-pg-migrate";
import pg from "pg";

/** node-pg-migrate's own table of applied migrations (the name its CLI uses too). */
export const MIGRATIONS_TABLE = "pgmigrations";

/** An open, migrated PostgreSQL database shared by clustered hubs. */
export interface PgDatabase {
  pool: pg.Pool;
  /** Ends every connection of the pool; waits for queries under way. */
  close(): Promise<void>;
}

export interface PgOptions {
  /** Most connections this hub opens (pg's default: 10). */
  max?: number;
  /**
   * Hears an idle connection that failed (the server restarted or went away). The pool drops it and
   * opens another on next use, where the failure, if it lasts, surfaces as that query's error; without
   * a listener pg would throw it as an uncaught 'error' event and end the process.
   */
  onError?: (err: Error) => void;
}

// BIGINT (int8) holds epoch milliseconds, ids and counts; all stay far below 2^53. pg reads int8 as a
// string by default; a value past 2^53 fails loudly rather than coming back silently rounded.
const parseInt8 = (text: string): number => {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`BIGINT ${text} is beyond what a JavaScript number holds exactly`);
  return n;
};

/** pg's parsers, but BIGINT as a number: set on this pool only, so other pg users in the process are unaffected. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === pg.types.builtins.INT8 && format !== "binary" ? parseInt8 : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig["getTypeParser"],
};

/**
 * Connects to `url` and brings its schema up to date with the SQL migrations in `migrationsDir` (node-pg-migrate
 * files; the caller passes the folder, as a bundled hub has no source tree to find it from). Hubs starting
 * at once take turns: each waits for node-pg-migrate's lock, so exactly one applies a pending migration
 * and the others find nothing left to do. Rejects, leaving no connection open, when the server cannot be
 * reached or a migration fails (a failed run applies nothing: all pending migrations are one transaction).
 */
export async function openPostgres(url: string, migrationsDir: string, options: PgOptions = {}): Promise<PgDatabase> {
  const pool = new pg.Pool({ connectionString: url, types, ...(options.max !== undefined && { max: options.max }) });
  pool.on("error", options.onError ?? (() => {}));
  try {
    await migrate(pool, migrationsDir);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return { pool, close: () => pool.end() };
}

/**
 * Runs the pending migrations under node-pg-migrate's advisory lock. The runner only tries that lock and
 * fails when another holds it, so this session first waits for it; advisory locks are re-entrant within a
 * session, so the runner, handed this same connection, then gets it too. The CLI (which only tries) still
 * cannot migrate while a hub does.
 */
async function migrate(pool: pg.Pool, migrationsDir: string): Promise<void> {
  const client = await pool.connect();
  let healthy = false;
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PG_MIGRATE_LOCK_ID]);
    await runner({
      dbClient: client,
      dir: migrationsDir,
      direction: "up",
      migrationsTable: MIGRATIONS_TABLE,
      singleTransaction: true,
      checkOrder: true,
      // The runner narrates each step on the console; a failure reaches the caller as the thrown error.
      logger: { info: () => {}, warn: () => {}, error: () => {} },
    });
    await client.query("SELECT pg_advisory_unlock($1)", [PG_MIGRATE_LOCK_ID]);
    healthy = true;
  } finally {
    // After a failure the session may still hold the lock: ending it is the sure way to let go.
    client.release(!healthy);
  }
}

/**
 * Runs `work` in one transaction on one connection of `pool`: committed when it resolves, rolled back
 * (and its error passed on) when it rejects.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    client.release();
    return result;
  } catch (error) {
    // A connection whose rollback also fails is in an unknown state: drop it rather than reuse it.
    const rolledBack = await client.query("ROLLBACK").then(() => true, () => false);
    client.release(!rolledBack);
    throw error;
  }
}

/**
 * A time for a BIGINT column. The hub's times are whole milliseconds (Date.now()), but an agent's event
 * time is any number; PostgreSQL would refuse a fraction where SQLite kept it, so it is rounded here.
 */
export const bigintMs = (ms: number): number => Math.round(ms);

/** The smallest whole number at or above `ms`: `at >= ms` over whole-millisecond columns, exactly. */
export const atLeast = (ms: number): number => Math.ceil(ms);
/** The largest whole number at or below `ms`: `at <= ms` over whole-millisecond columns, exactly. */
export const atMost = (ms: number): number => Math.floor(ms);

/**
 * Text for a TEXT column. PostgreSQL text cannot hold U+0000, which SQLite keeps; rather than fail the
 * write (an audit record, an agent's event), the character is stored as U+FFFD, the replacement character.
 */
export function pgText(text: string): string;
export function pgText(text: string | null): string | null;
export function pgText(text: string | null): string | null {
  return text === null ? null : text.replaceAll("\0", "\uFFFD");
}

/** JSON text for a JSONB column, whose strings cannot hold U+0000 either (stored as U+FFFD, as pgText does). */
export const pgJson = (value: unknown): string => JSON.stringify(value, (_key, v: unknown) => (typeof v === "string" ? pgText(v) : v));

/** Rows one pruning statement deletes at most: each is a short transaction, so writers never queue behind a long one. */
export const PRUNE_BATCH_ROWS = 5_000;

/**
 * Deletes rows of `table` older than `before` (by its `t` column), PRUNE_BATCH_ROWS per statement and at
 * most `batches` statements: a backlog (nobody pruned for a while) is worked off over several calls.
 * Resolves with the rows deleted.
 */
export async function deleteOlder(pool: pg.Pool, table: string, before: number, batches: number): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < batches; i++) {
    const { rowCount } = await pool.query(`DELETE FROM ${table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${table} WHERE t < $1 LIMIT ${PRUNE_BATCH_ROWS}))`, [atLeast(before)]);
    deleted += rowCount ?? 0;
    if ((rowCount ?? 0) < PRUNE_BATCH_ROWS) break;
  }
  return deleted;
}
