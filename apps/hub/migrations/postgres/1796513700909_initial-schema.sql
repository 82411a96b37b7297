-- The hub's record for clustered hubs sharing one PostgreSQL database: the same tables as the SQLite
-- schema (apps/hub/src/store/migrations.ts) for the event log, users, sessions, tokens and the audit log.
-- Times are epoch milliseconds in BIGINT; lists of names are TEXT[]; an event's body is JSONB.
-- Applied by node-pg-migrate (openPostgres), which records it in its own pgmigrations table.

-- Up Migration

CREATE TABLE events (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  director TEXT NOT NULL,
  -- The agent's sequence number; NULL for events the hub observed itself.
  seq BIGINT,
  kind TEXT NOT NULL,
  observed_at BIGINT,
  received_at BIGINT NOT NULL,
  -- The event's own time (body.at), kept as a column for range queries.
  at BIGINT NOT NULL,
  body JSONB NOT NULL
);
-- Each agent event is stored once, however often it is sent again.
CREATE UNIQUE INDEX events_director_seq ON events (director, seq) WHERE seq IS NOT NULL;
CREATE INDEX events_at ON events (at);

-- Users, sessions and tokens store only hashes; vips NULL means every VIP.
CREATE TABLE users (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  vips TEXT[],
  password_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  disabled BOOLEAN NOT NULL DEFAULT false,
  -- 'oidc' for a single-sign-on user (no password; role and VIPs from their groups at each sign-in).
  source TEXT NOT NULL DEFAULT 'local',
  sso_subject TEXT
);

CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  user_name TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);

CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  -- Insertion order: lists tokens created in the same millisecond in the order they were added.
  added BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  director TEXT,
  vips TEXT[],
  secret_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);

CREATE TABLE audit (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at BIGINT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  remote TEXT,
  directors TEXT[] NOT NULL,
  service TEXT,
  real_server TEXT,
  from_weight INTEGER,
  to_weight INTEGER,
  reason TEXT,
  result TEXT NOT NULL,
  detail TEXT
);
CREATE INDEX audit_at ON audit (at);
-- Where each user has signed in from: a correct password from a known place is never throttled.
CREATE INDEX audit_login_place ON audit (actor, remote) WHERE action = 'login';

-- Down Migration

DROP TABLE audit;
DROP TABLE tokens;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE events;
