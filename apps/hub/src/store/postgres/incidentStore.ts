import type pg from "pg";
import { MAX_INCIDENT_NOTES, type IncidentNote } from "@lvsdeck/protocol";
import type { IncidentStore } from "../incidentStore";
import { bigintMs, inTransaction, pgText } from "./database";

/** Whether `id` can name an incident: PostgreSQL refuses a fraction or a huge number for a BIGINT where SQLite finds nothing. */
const isIncidentId = (id: number): boolean => Number.isSafeInteger(id);

/**
 * Incident titles and notes on an open, migrated PostgreSQL database (see openPostgres), shared by every
 * hub on it. Behaves as the SQLite one; note ids come from an identity column, so they rise but may skip.
 */
export function createPgIncidentStore(pool: pg.Pool): IncidentStore {
  return {
    async titles(ids) {
      const { rows } = await pool.query<{ incident: number; title: string }>("SELECT incident, title FROM incident_titles WHERE incident = ANY($1::bigint[])", [ids.filter(isIncidentId)]);
      return new Map(rows.map((r) => [r.incident, r.title]));
    },
    async setTitle(incident, title, by, at) {
      await pool.query(
        `INSERT INTO incident_titles (incident, title, set_by, set_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (incident) DO UPDATE SET title = excluded.title, set_by = excluded.set_by, set_at = excluded.set_at`,
        [incident, pgText(title), pgText(by), bigintMs(at)],
      );
    },
    async notes(incident) {
      if (!isIncidentId(incident)) return [];
      const { rows } = await pool.query<IncidentNote>("SELECT id, at, author, text FROM incident_notes WHERE incident = $1 ORDER BY id LIMIT $2", [incident, MAX_INCIDENT_NOTES]);
      return rows;
    },
    async noteCounts(ids) {
      const { rows } = await pool.query<{ incident: number; n: number }>(
        "SELECT incident, COUNT(*) AS n FROM incident_notes WHERE incident = ANY($1::bigint[]) GROUP BY incident",
        [ids.filter(isIncidentId)],
      );
      return new Map(rows.map((r) => [r.incident, r.n]));
    },
    addNote(incident, note) {
      return inTransaction(pool, async (client) => {
        // Hubs adding a note to the same incident take turns until commit, so two adding the last one
        // at once cannot both count MAX_INCIDENT_NOTES - 1: there is no row yet to lock for a first note.
        await client.query("SELECT pg_advisory_xact_lock($1::int, $2::int)", [INCIDENT_NOTES_LOCK, incident % 2 ** 31]);
        const { rows: counted } = await client.query<{ n: number }>("SELECT COUNT(*) AS n FROM incident_notes WHERE incident = $1", [incident]);
        if ((counted[0]?.n ?? 0) >= MAX_INCIDENT_NOTES) return null;
        const stored = { at: bigintMs(note.at), author: pgText(note.author), text: pgText(note.text) };
        const { rows } = await client.query<{ id: number }>("INSERT INTO incident_notes (incident, at, author, text) VALUES ($1, $2, $3, $4) RETURNING id", [incident, stored.at, stored.author, stored.text]);
        return { id: rows[0]!.id, ...stored };
      });
    },
  };
}

/** The first half of the advisory lock taken per incident while a note is added ("lvsN" as a number). */
const INCIDENT_NOTES_LOCK = 0x6c76734e;
