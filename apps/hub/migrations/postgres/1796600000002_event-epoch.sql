-- The agent run that numbered an event (its hello's epoch): two runs of one director's agent (an
-- upgrade's overlap) may number different events alike, and neither may pass for the other's resend.
-- NULL for the hub's own events and for agents that send no epoch.

-- Up Migration

ALTER TABLE events ADD COLUMN epoch TEXT;
DROP INDEX events_director_seq;
CREATE UNIQUE INDEX events_director_epoch_seq ON events (director, COALESCE(epoch, ''), seq) WHERE seq IS NOT NULL;
-- lastSeq: the highest seq of a director, whatever the run.
CREATE INDEX events_director_seq ON events (director, seq) WHERE seq IS NOT NULL;

-- Down Migration

DROP INDEX events_director_seq;
DROP INDEX events_director_epoch_seq;
ALTER TABLE events DROP COLUMN epoch;
CREATE UNIQUE INDEX events_director_seq ON events (director, seq) WHERE seq IS NOT NULL;
