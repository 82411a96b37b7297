-- What operators add and what the hub owes, shared by clustered hubs: incident titles and notes, the
-- answers to idempotent weight requests, drains and weight changes held for directors that are away.
-- The same tables as the SQLite schema (apps/hub/src/store/migrations.ts); times are epoch milliseconds
-- in BIGINT, a weight change and its weights-before are JSONB.

-- Up Migration

CREATE TABLE incident_titles (
  -- An incident is named by its first event's id (events.id).
  incident BIGINT PRIMARY KEY,
  title TEXT NOT NULL,
  set_by TEXT NOT NULL,
  set_at BIGINT NOT NULL
);
CREATE TABLE incident_notes (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  incident BIGINT NOT NULL,
  at BIGINT NOT NULL,
  author TEXT NOT NULL,
  text TEXT NOT NULL
);
CREATE INDEX incident_notes_incident ON incident_notes (incident, id);

-- A request id answers only the same caller with the same body (a JSON fingerprint of it).
CREATE TABLE weight_requests (
  request_id TEXT PRIMARY KEY,
  actor TEXT NOT NULL,
  at BIGINT NOT NULL,
  response JSONB NOT NULL,
  fingerprint TEXT
);
CREATE INDEX weight_requests_at ON weight_requests (at);

CREATE TABLE drains (
  service TEXT NOT NULL,
  real_server TEXT NOT NULL,
  previous_weight INTEGER NOT NULL,
  started_at BIGINT NOT NULL,
  PRIMARY KEY (service, real_server)
);

-- before maps each director to the weight it had when the change was asked for.
CREATE TABLE held_weight_changes (
  id TEXT PRIMARY KEY,
  requested_at BIGINT NOT NULL,
  body JSONB NOT NULL,
  before JSONB NOT NULL
);

-- Down Migration

DROP TABLE held_weight_changes;
DROP TABLE drains;
DROP TABLE weight_requests;
DROP TABLE incident_notes;
DROP TABLE incident_titles;
