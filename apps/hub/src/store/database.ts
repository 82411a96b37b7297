import Database from "better-sqlite3";
import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { migrate } from "./migrations";
import { SERIES_SCHEMA } from "./seriesWrites";

/** The series tiers' own database file, beside the main one (see SERIES_FILE_VERSION in migrations.ts). */
export const SERIES_FILE = "lvsdeck-series.sqlite";

/**
 * Opens (creating if needed) `DIR/lvsdeck.sqlite` in WAL mode with `DIR/lvsdeck-series.sqlite` attached
 * as SERIES_SCHEMA, and migrates them to the newest schema, or to `schemaVersion` (tests and benches
 * comparing with an older one); ":memory:" for a throwaway pair.
 */
export function openDatabase(dataDir: string, schemaVersion?: number): Database.Database {
  let file = ":memory:";
  let seriesFile = ":memory:";
  if (dataDir !== ":memory:") {
    // Password hashes, session and token hashes live here: only the hub's own user may read them.
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    file = join(dataDir, "lvsdeck.sqlite");
    seriesFile = join(dataDir, SERIES_FILE);
  }
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.prepare(`ATTACH DATABASE ? AS ${SERIES_SCHEMA}`).run(seriesFile);
  db.pragma(`${SERIES_SCHEMA}.journal_mode = WAL`);
  if (file !== ":memory:") {
    chmodSync(dataDir, 0o700);
    for (const f of [file, seriesFile].flatMap((f) => [f, `${f}-wal`, `${f}-shm`])) if (existsSync(f)) chmodSync(f, 0o600);
  }
  // NORMAL in WAL mode survives a process crash (kill -9); only an OS crash can lose the last commit.
  db.pragma("synchronous = NORMAL");
  db.pragma(`${SERIES_SCHEMA}.synchronous = NORMAL`);
  migrate(db, schemaVersion);
  return db;
}
