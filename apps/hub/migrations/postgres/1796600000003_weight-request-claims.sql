-- An idempotent weight request being applied: the hub that claimed it applies it, and a retry that
-- reaches another hub meanwhile is answered "in progress" instead of applying it a second time. A claim
-- older than the weight service's bound is a hub that died mid-request, and may be taken over.

-- Up Migration

CREATE TABLE weight_request_claims (
  request_id TEXT PRIMARY KEY,
  at BIGINT NOT NULL
);

-- Down Migration

DROP TABLE weight_request_claims;
