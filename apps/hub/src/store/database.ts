import Database from "better-sqlite3";
import { chmodSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { migrate } from "./migrations";

/**
 * Opens (creating if needed) `DIR/lvsdeck.sqlite` in WAL mode and migrates it to the newest schema, or to
 * `schemaVersion` (tests and benches comparing with an older one); ":memory:" for a throwaway one.
 */
export function openDatabase(dataDir: string, schemaVersion?: number): Database.Database {
  let file = ":memory:";
  if (dataDir !== ":memory:") {
    // Password hashes, session and token hashes live here: only the hub's own user may read them.
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    file = join(dataDir, "lvsdeck.sqlite");
  }
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  if (file !== ":memory:") {
    chmodSync(dataDir, 0o700);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
  }
  // NORMAL in WAL mode survives a process crash (kill -9); only an OS crash can lose the last commit.
  db.pragma("synchronous = NORMAL");
  migrate(db, schemaVersion);
  return db;
}
