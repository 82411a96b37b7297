import type pg from "pg";
import type { RealServerKey, ServiceKey } from "@lvsdeck/protocol";
import { changeOfJson, type WeightRecords } from "../weightRecords";
import { bigintMs, pgJson, pgText } from "./database";

/**
 * The weight service's records on an open, migrated PostgreSQL database (see openPostgres), shared by
 * every hub on it: a request retried through another hub gets the first answer, and an undrain through
 * another hub restores the weight the drain saved. Behaves as the SQLite one.
 */
export function createPgWeightRecords(pool: pg.Pool): WeightRecords {
  return {
    async request(requestId, since) {
      await pool.query("DELETE FROM weight_requests WHERE at < $1", [bigintMs(since)]);
      const { rows } = await pool.query<{ actor: string; fingerprint: string | null; response: string }>(
        "SELECT actor, fingerprint, response::text AS response FROM weight_requests WHERE request_id = $1",
        [pgText(requestId)],
      );
      const row = rows[0];
      const change = row === undefined ? null : changeOfJson(row.response);
      return row === undefined || change === null ? null : { actor: row.actor, fingerprint: row.fingerprint, change };
    },
    async saveRequest(requestId, at, { actor, fingerprint, change }) {
      await pool.query(
        `INSERT INTO weight_requests (request_id, actor, at, response, fingerprint) VALUES ($1, $2, $3, $4::jsonb, $5)
         ON CONFLICT (request_id) DO UPDATE SET actor = excluded.actor, at = excluded.at, response = excluded.response, fingerprint = excluded.fingerprint`,
        [pgText(requestId), pgText(actor), bigintMs(at), pgJson(change), pgText(fingerprint)],
      );
    },
    async claimRequest(requestId, at, staleBefore) {
      const { rowCount } = await pool.query(
        `INSERT INTO weight_request_claims (request_id, at) VALUES ($1, $2)
         ON CONFLICT (request_id) DO UPDATE SET at = excluded.at WHERE weight_request_claims.at < $3`,
        [pgText(requestId), bigintMs(at), bigintMs(staleBefore)],
      );
      return rowCount === 1;
    },
    async releaseRequest(requestId) {
      await pool.query("DELETE FROM weight_request_claims WHERE request_id = $1", [pgText(requestId)]);
    },
    async drainedFrom(service, realServer) {
      const { rows } = await pool.query<{ previous_weight: number }>("SELECT previous_weight FROM drains WHERE service = $1 AND real_server = $2", [pgText(service), pgText(realServer)]);
      return rows[0]?.previous_weight ?? null;
    },
    async drains() {
      const { rows } = await pool.query<{ service: ServiceKey; real_server: RealServerKey; previous_weight: number }>("SELECT service, real_server, previous_weight FROM drains ORDER BY started_at");
      return rows.map((r) => ({ service: r.service, realServer: r.real_server, previousWeight: r.previous_weight }));
    },
    async saveDrain({ service, realServer, previousWeight }, at) {
      await pool.query(
        `INSERT INTO drains (service, real_server, previous_weight, started_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (service, real_server) DO UPDATE SET previous_weight = excluded.previous_weight, started_at = excluded.started_at`,
        [pgText(service), pgText(realServer), previousWeight, bigintMs(at)],
      );
    },
    async endDrain(service, realServer) {
      await pool.query("DELETE FROM drains WHERE service = $1 AND real_server = $2", [pgText(service), pgText(realServer)]);
    },
  };
}
