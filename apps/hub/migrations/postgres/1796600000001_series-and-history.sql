-- Series tiers and snapshot history for clustered hubs: the same tables as the SQLite schema
-- (apps/hub/src/store/migrations.ts), shared, so every hub reads one copy and a hub started later sees
-- what came before it. Written by the hub holding each director's agent; times are epoch milliseconds.

-- Up Migration

-- Samples per tier; real_server is '' for a virtual service's own series. The primary key serves the
-- charts (a service or real server over a range); (t, director) serves pruning by age and each hub's
-- downsampling of the directors it holds over a window, read from the index alone before any row.
CREATE TABLE samples_1s (
  director TEXT NOT NULL,
  service TEXT NOT NULL,
  real_server TEXT NOT NULL,
  t BIGINT NOT NULL,
  active DOUBLE PRECISION NOT NULL,
  inactive DOUBLE PRECISION NOT NULL,
  cps DOUBLE PRECISION NOT NULL,
  in_pps DOUBLE PRECISION NOT NULL,
  out_pps DOUBLE PRECISION NOT NULL,
  in_bps DOUBLE PRECISION NOT NULL,
  out_bps DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (service, real_server, director, t)
);
CREATE INDEX samples_1s_t ON samples_1s (t, director);
CREATE TABLE samples_10s (
  director TEXT NOT NULL,
  service TEXT NOT NULL,
  real_server TEXT NOT NULL,
  t BIGINT NOT NULL,
  active DOUBLE PRECISION NOT NULL,
  inactive DOUBLE PRECISION NOT NULL,
  cps DOUBLE PRECISION NOT NULL,
  in_pps DOUBLE PRECISION NOT NULL,
  out_pps DOUBLE PRECISION NOT NULL,
  in_bps DOUBLE PRECISION NOT NULL,
  out_bps DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (service, real_server, director, t)
);
CREATE INDEX samples_10s_t ON samples_10s (t, director);
CREATE TABLE samples_60s (
  director TEXT NOT NULL,
  service TEXT NOT NULL,
  real_server TEXT NOT NULL,
  t BIGINT NOT NULL,
  active DOUBLE PRECISION NOT NULL,
  inactive DOUBLE PRECISION NOT NULL,
  cps DOUBLE PRECISION NOT NULL,
  in_pps DOUBLE PRECISION NOT NULL,
  out_pps DOUBLE PRECISION NOT NULL,
  in_bps DOUBLE PRECISION NOT NULL,
  out_bps DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (service, real_server, director, t)
);
CREATE INDEX samples_60s_t ON samples_60s (t, director);

-- Connection entries by state per director, service and real server ('' for the service), same tiers;
-- t is when the agent counted them.
CREATE TABLE states_1s (
  director TEXT NOT NULL,
  service TEXT NOT NULL,
  real_server TEXT NOT NULL,
  state TEXT NOT NULL,
  t BIGINT NOT NULL,
  n DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (service, real_server, director, t, state)
);
CREATE INDEX states_1s_t ON states_1s (t, director);
CREATE TABLE states_10s (
  director TEXT NOT NULL,
  service TEXT NOT NULL,
  real_server TEXT NOT NULL,
  state TEXT NOT NULL,
  t BIGINT NOT NULL,
  n DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (service, real_server, director, t, state)
);
CREATE INDEX states_10s_t ON states_10s (t, director);
CREATE TABLE states_60s (
  director TEXT NOT NULL,
  service TEXT NOT NULL,
  real_server TEXT NOT NULL,
  state TEXT NOT NULL,
  t BIGINT NOT NULL,
  n DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (service, real_server, director, t, state)
);
CREATE INDEX states_60s_t ON states_60s (t, director);

-- Director snapshots for looking back at a moment; body is deflated JSON, as in SQLite.
CREATE TABLE snapshots (
  director TEXT NOT NULL,
  t BIGINT NOT NULL,
  body BYTEA NOT NULL,
  PRIMARY KEY (director, t)
);
CREATE INDEX snapshots_t ON snapshots (t);

-- Down Migration

DROP TABLE snapshots;
DROP TABLE states_60s;
DROP TABLE states_10s;
DROP TABLE states_1s;
DROP TABLE samples_60s;
DROP TABLE samples_10s;
DROP TABLE samples_1s;
