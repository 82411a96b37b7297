import type Database from "better-sqlite3";
import { weightChangeSchema, type RealServerKey, type ServiceKey, type WeightChange } from "@lvsdeck/protocol";

/** The answer given to an idempotent weight request, and what it was bound to. */
export interface WeightRequestRecord {
  actor: string;
  /** A JSON fingerprint of the request's body; null for records from before fingerprints were kept. */
  fingerprint: string | null;
  change: WeightChange;
}

/** A real server drained to weight 0, with the weight it had before. */
export interface DrainRecord {
  service: ServiceKey;
  realServer: RealServerKey;
  previousWeight: number;
}

/**
 * What the weight service remembers between requests: the answers to idempotent requests and the
 * drains to restore. Kept in SQLite for one hub, in the shared PostgreSQL for clustered hubs
 * (postgres/weightRecords.ts), so a retry or an undrain reaching another hub finds them.
 */
export interface WeightRecords {
  /** The answer recorded for `requestId` at or after `since`; older records are dropped. Null when none (or unreadable). */
  request(requestId: string, since: number): Promise<WeightRequestRecord | null>;
  saveRequest(requestId: string, at: number, record: WeightRequestRecord): Promise<void>;
  /**
   * Claims `requestId` for applying it: false while another claim on it, made at or after `staleBefore`,
   * holds (a hub, maybe another, is applying it). A claim older than that is taken over.
   */
  claimRequest(requestId: string, at: number, staleBefore: number): Promise<boolean>;
  /** Lets go of a claim, answered or failed. */
  releaseRequest(requestId: string): Promise<void>;
  /** The weight a drained real server had before, if it is drained. */
  drainedFrom(service: ServiceKey, realServer: RealServerKey): Promise<number | null>;
  drains(): Promise<DrainRecord[]>;
  saveDrain(drain: DrainRecord, at: number): Promise<void>;
  endDrain(service: ServiceKey, realServer: RealServerKey): Promise<void>;
}

/** The stored JSON of an answer, read back; null when it no longer parses (the request then counts as new). */
export function changeOfJson(json: string): WeightChange | null {
  try {
    const parsed = weightChangeSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Creates the records on an open, migrated SQLite database. */
export function createWeightRecords(db: Database.Database): WeightRecords {
  const prune = db.prepare("DELETE FROM weight_requests WHERE at < ?");
  const findRequest = db.prepare("SELECT actor, fingerprint, response FROM weight_requests WHERE request_id = ?");
  const upsertRequest = db.prepare("INSERT OR REPLACE INTO weight_requests (request_id, actor, at, response, fingerprint) VALUES (?, ?, ?, ?, ?)");
  const getDrain = db.prepare("SELECT previous_weight FROM drains WHERE service = ? AND real_server = ?");
  const allDrains = db.prepare("SELECT service, real_server, previous_weight FROM drains ORDER BY started_at");
  const upsertDrain = db.prepare("INSERT OR REPLACE INTO drains (service, real_server, previous_weight, started_at) VALUES (?, ?, ?, ?)");
  const dropDrain = db.prepare("DELETE FROM drains WHERE service = ? AND real_server = ?");
  const claim = db.prepare(
    `INSERT INTO weight_request_claims (request_id, at) VALUES (@requestId, @at)
     ON CONFLICT (request_id) DO UPDATE SET at = excluded.at WHERE weight_request_claims.at < @staleBefore`,
  );
  const release = db.prepare("DELETE FROM weight_request_claims WHERE request_id = ?");
  return {
    async request(requestId, since) {
      prune.run(since);
      const row = findRequest.get(requestId) as { actor: string; fingerprint: string | null; response: string } | undefined;
      const change = row === undefined ? null : changeOfJson(row.response);
      return row === undefined || change === null ? null : { actor: row.actor, fingerprint: row.fingerprint, change };
    },
    async saveRequest(requestId, at, { actor, fingerprint, change }) {
      upsertRequest.run(requestId, actor, at, JSON.stringify(change), fingerprint);
    },
    async claimRequest(requestId, at, staleBefore) {
      return claim.run({ requestId, at, staleBefore }).changes === 1;
    },
    async releaseRequest(requestId) {
      release.run(requestId);
    },
    async drainedFrom(service, realServer) {
      return (getDrain.get(service, realServer) as { previous_weight: number } | undefined)?.previous_weight ?? null;
    },
    async drains() {
      const rows = allDrains.all() as { service: ServiceKey; real_server: RealServerKey; previous_weight: number }[];
      return rows.map((r) => ({ service: r.service, realServer: r.real_server, previousWeight: r.previous_weight }));
    },
    async saveDrain({ service, realServer, previousWeight }, at) {
      upsertDrain.run(service, realServer, previousWeight, at);
    },
    async endDrain(service, realServer) {
      dropDrain.run(service, realServer);
    },
  };
}
