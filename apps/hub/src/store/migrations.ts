import type Database from "better-sqlite3";
import { SERIES_SCHEMA, TIERS, inMainTableOf, legacySeriesTables, legacyTableOf } from "./seriesWrites";

/** A tier's sample columns (every layout of them). */
const SAMPLE_COLUMNS = `director TEXT NOT NULL, service TEXT NOT NULL, real_server TEXT NOT NULL, t INTEGER NOT NULL,
  active REAL NOT NULL, inactive REAL NOT NULL, cps REAL NOT NULL, in_pps REAL NOT NULL, out_pps REAL NOT NULL,
  in_bps REAL NOT NULL, out_bps REAL NOT NULL`;
/** A tier's per-state count columns. */
const STATE_COLUMNS = `director TEXT NOT NULL, service TEXT NOT NULL, real_server TEXT NOT NULL, state TEXT NOT NULL,
  t INTEGER NOT NULL, n REAL NOT NULL`;

/** Ordered schema migrations; the index + 1 is the schema version stored in `user_version`. */
const migrations: string[] = [
  `CREATE TABLE events (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     director TEXT NOT NULL,
     seq INTEGER,
     kind TEXT NOT NULL,
     observed_at INTEGER,
     received_at INTEGER NOT NULL,
     at INTEGER NOT NULL,
     body TEXT NOT NULL
   );
   CREATE UNIQUE INDEX events_director_seq ON events (director, seq) WHERE seq IS NOT NULL;
   CREATE INDEX events_at ON events (at);`,
  // One table per resolution tier; real_server is '' for a virtual service's own series.
  ...["samples_1s", "samples_10s", "samples_60s"].map(
    (table) => `CREATE TABLE ${table} (
       ${SAMPLE_COLUMNS},
       PRIMARY KEY (service, real_server, director, t)
     ) WITHOUT ROWID;
     CREATE INDEX ${table}_t ON ${table} (t);`,
  ),
  // Director snapshots for looking back at a moment; body is deflated JSON.
  `CREATE TABLE snapshots (
     director TEXT NOT NULL,
     t INTEGER NOT NULL,
     body BLOB NOT NULL,
     PRIMARY KEY (director, t)
   ) WITHOUT ROWID;
   CREATE INDEX snapshots_t ON snapshots (t);`,
  // Users, sessions and tokens store only hashes; vips is a JSON array or NULL for every VIP.
  `CREATE TABLE users (
     name TEXT PRIMARY KEY,
     role TEXT NOT NULL,
     vips TEXT,
     password_hash TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     disabled INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE sessions (
     id_hash TEXT PRIMARY KEY,
     user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL
   );
   CREATE TABLE tokens (
     id TEXT PRIMARY KEY,
     kind TEXT NOT NULL,
     name TEXT NOT NULL,
     director TEXT,
     vips TEXT,
     secret_hash TEXT NOT NULL UNIQUE,
     created_at INTEGER NOT NULL,
     revoked_at INTEGER
   );
   CREATE TABLE audit (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     at INTEGER NOT NULL,
     actor TEXT NOT NULL,
     action TEXT NOT NULL,
     remote TEXT,
     directors TEXT NOT NULL,
     service TEXT,
     real_server TEXT,
     from_weight INTEGER,
     to_weight INTEGER,
     reason TEXT,
     result TEXT NOT NULL,
     detail TEXT
   );
   CREATE INDEX audit_at ON audit (at);
   CREATE TABLE weight_requests (
     request_id TEXT PRIMARY KEY,
     actor TEXT NOT NULL,
     at INTEGER NOT NULL,
     response TEXT NOT NULL
   );
   CREATE TABLE drains (
     service TEXT NOT NULL,
     real_server TEXT NOT NULL,
     previous_weight INTEGER NOT NULL,
     started_at INTEGER NOT NULL,
     PRIMARY KEY (service, real_server)
   );`,
  // Weight changes still owed to a director that was away (or that drifted); body is the WeightChange JSON,
  // before maps each director to the weight it had when the change was asked for.
  `CREATE TABLE held_weight_changes (
     id TEXT PRIMARY KEY,
     requested_at INTEGER NOT NULL,
     body TEXT NOT NULL,
     before TEXT NOT NULL
   );`,
  // Where each user has signed in from: a correct password from a known place is never throttled.
  `CREATE INDEX audit_login_place ON audit (actor, remote) WHERE action = 'login';`,
  // A request id answers only the same caller with the same body (a JSON fingerprint of it).
  `ALTER TABLE weight_requests ADD COLUMN fingerprint TEXT;`,
  // One row per run of the hub: when it started, when it was last alive, when it stopped cleanly (null: it did not).
  `CREATE TABLE hub_runs (
     id INTEGER PRIMARY KEY,
     started_at INTEGER NOT NULL,
     last_seen_at INTEGER NOT NULL,
     stopped_at INTEGER
   );`,
  // Connection entries by state per director, service and real server ('' for the service), in the same
  // tiers as the samples; t is when the agent counted them.
  ["states_1s", "states_10s", "states_60s"]
    .map(
      (table) => `CREATE TABLE ${table} (
         ${STATE_COLUMNS},
         PRIMARY KEY (service, real_server, director, t, state)
       ) WITHOUT ROWID;
       CREATE INDEX ${table}_t ON ${table} (t);`,
    )
    .join("\n"),
  // What operators add to an incident (the incident itself is read from the event log): a title, notes.
  `CREATE TABLE incident_titles (
     incident INTEGER PRIMARY KEY,
     title TEXT NOT NULL,
     set_by TEXT NOT NULL,
     set_at INTEGER NOT NULL
   );
   CREATE TABLE incident_notes (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     incident INTEGER NOT NULL,
     at INTEGER NOT NULL,
     author TEXT NOT NULL,
     text TEXT NOT NULL
   );
   CREATE INDEX incident_notes_incident ON incident_notes (incident, id);`,
  // Users who sign in through single sign-on: no password; role and VIPs come from their groups at each sign-in.
  `ALTER TABLE users ADD COLUMN source TEXT NOT NULL DEFAULT 'local';
   ALTER TABLE users ADD COLUMN sso_subject TEXT;`,
  // The agent run that numbered an event: two runs of one director's agent (an upgrade's overlap) may
  // number different events alike, and neither may pass for the other's resend. NULL for older agents.
  `ALTER TABLE events ADD COLUMN epoch TEXT;
   DROP INDEX events_director_seq;
   CREATE UNIQUE INDEX events_director_epoch_seq ON events (director, COALESCE(epoch, ''), seq) WHERE seq IS NOT NULL;
   CREATE INDEX events_director_seq ON events (director, seq) WHERE seq IS NOT NULL;`,
  // An idempotent weight request being applied: the hub that claimed it applies it, others answer "in progress".
  `CREATE TABLE weight_request_claims (
     request_id TEXT PRIMARY KEY,
     at INTEGER NOT NULL
   );`,
  // Series keyed by time first. Keyed by series first, each second's 20,000 samples (200 directors x 100
  // real servers) landed on pages all over the tree, and every commit wrote each of those pages out
  // again: 516 ms of a core per second of samples into a tier holding a minute, where keyed by time a
  // second's samples are appended side by side, for 81 ms. A chart still reads one series by seeking each moment of its range (see
  // seriesWrites.ts). The old tables keep their rows, read beside the new ones, until retention has
  // emptied them; then the next start drops them (dropEmptiedLegacySeries).
  [...TIERS.map((tier) => tier.table), ...TIERS.map((tier) => tier.states)]
    .map((table) => `ALTER TABLE ${table} RENAME TO ${legacyTableOf(table)};`)
    .join("\n") +
    "\n" +
    TIERS.map(
      (tier) => `CREATE TABLE ${tier.table} (
         ${SAMPLE_COLUMNS},
         PRIMARY KEY (t, service, real_server, director)
       ) WITHOUT ROWID;
       CREATE TABLE ${tier.states} (
         ${STATE_COLUMNS},
         PRIMARY KEY (t, service, real_server, director, state)
       ) WITHOUT ROWID;`,
    ).join("\n"),
  // Series in a database file of their own (created at every open: seriesSchema). In the main file, the
  // series writer's thread held the write lock an event's insert needed, and at 200 directors those
  // inserts waited for it: 6 % of the hub's event loop in a profile of the bench. The main file's tables
  // keep their rows, read beside the new ones until retention has emptied them; then the next start drops them.
  [...TIERS.map((tier) => tier.table), ...TIERS.map((tier) => tier.states)]
    .map((table) => `ALTER TABLE main.${table} RENAME TO ${inMainTableOf(table)};`)
    .join("\n"),
];

/** The series tiers' tables in their own file (`schema`), keyed by time first; created where missing. */
const seriesSchema = (schema: string) =>
  TIERS.map(
    (tier) => `CREATE TABLE IF NOT EXISTS ${schema}.${tier.table} (
       ${SAMPLE_COLUMNS},
       PRIMARY KEY (t, service, real_server, director)
     ) WITHOUT ROWID;
     CREATE TABLE IF NOT EXISTS ${schema}.${tier.states} (
       ${STATE_COLUMNS},
       PRIMARY KEY (t, service, real_server, director, state)
     ) WITHOUT ROWID;`,
  ).join("\n");

/** Drops the series-first tables that retention has emptied (all of them at once on a new database). */
function dropEmptiedLegacySeries(db: Database.Database): void {
  for (const legacy of [...legacySeriesTables(db).values()].flat()) {
    if (db.prepare(`SELECT 1 FROM main.${legacy.name} LIMIT 1`).get() === undefined) db.exec(`DROP TABLE main.${legacy.name}`);
  }
}

/** The schema version whose series tables are keyed by time first (the tables before it, by series first). */
export const SERIES_BY_TIME_VERSION = 16;

/** The schema version whose series live in a file of their own, attached as SERIES_SCHEMA (see openDatabase). */
export const SERIES_FILE_VERSION = 17;

/**
 * Brings the database up to the newest schema (or to `target`, for tests), one transaction per migration;
 * from SERIES_FILE_VERSION on, the series file attached as SERIES_SCHEMA gets its tables.
 */
export function migrate(db: Database.Database, target = migrations.length): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  for (let version = current; version < target; version++) {
    db.transaction(() => {
      db.exec(migrations[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
  if (target >= SERIES_FILE_VERSION) db.exec(seriesSchema(SERIES_SCHEMA));
  if (target >= SERIES_BY_TIME_VERSION) dropEmptiedLegacySeries(db);
}
