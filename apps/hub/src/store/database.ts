import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { migrate } from "./migrations";

/** Opens (creating if needed) `DIR/lvsdeck.sqlite` in WAL mode and migrates it; ":memory:" for a throwaway one. */
export function openDatabase(dataDir: string): Database.Database {
  let file = ":memory:";
  if (dataDir !== ":memory:") {
    mkdirSync(dataDir, { recursive: true });
    file = join(dataDir, "lvsdeck.sqlite");
  }
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  // NORMAL in WAL mode survives a process crash (kill -9); only an OS crash can lose the last commit.
  db.pragma("synchronous = NORMAL");
  migrate(db);
  return db;
}
