import type Database from "better-sqlite3";
import type { IncidentNote } from "@lvsdeck/protocol";
import { MAX_INCIDENT_NOTES } from "@lvsdeck/protocol";

/**
 * What operators added to incidents: titles and notes, by incident id (its first event's id). Kept in
 * SQLite for one hub, in the shared PostgreSQL for clustered hubs (postgres/incidentStore.ts).
 */
export interface IncidentStore {
  titles(ids: readonly number[]): Promise<Map<number, string>>;
  setTitle(incident: number, title: string, by: string, at: number): Promise<void>;
  /** The incident's notes, oldest first, at most MAX_INCIDENT_NOTES. */
  notes(incident: number): Promise<IncidentNote[]>;
  noteCounts(ids: readonly number[]): Promise<Map<number, number>>;
  /** Adds a note; null when the incident already holds MAX_INCIDENT_NOTES. */
  addNote(incident: number, note: Omit<IncidentNote, "id">): Promise<IncidentNote | null>;
}

/** Creates the store on an open, migrated SQLite database. */
export function createIncidentStore(db: Database.Database): IncidentStore {
  const upsertTitle = db.prepare(
    `INSERT INTO incident_titles (incident, title, set_by, set_at) VALUES (@incident, @title, @by, @at)
     ON CONFLICT (incident) DO UPDATE SET title = excluded.title, set_by = excluded.set_by, set_at = excluded.set_at`,
  );
  const notesOf = db.prepare("SELECT id, at, author, text FROM incident_notes WHERE incident = ? ORDER BY id LIMIT ?");
  const countOf = db.prepare("SELECT COUNT(*) AS n FROM incident_notes WHERE incident = ?");
  const insertNote = db.prepare("INSERT INTO incident_notes (incident, at, author, text) VALUES (@incident, @at, @author, @text)");
  // The ids of a page of incidents go in as one JSON array: no statement per incident.
  const titlesIn = db.prepare("SELECT incident, title FROM incident_titles WHERE incident IN (SELECT value FROM json_each(?))");
  const countsIn = db.prepare("SELECT incident, COUNT(*) AS n FROM incident_notes WHERE incident IN (SELECT value FROM json_each(?)) GROUP BY incident");
  return {
    async titles(ids) {
      const rows = titlesIn.all(JSON.stringify(ids)) as { incident: number; title: string }[];
      return new Map(rows.map((r) => [r.incident, r.title]));
    },
    async setTitle(incident, title, by, at) {
      upsertTitle.run({ incident, title, by, at });
    },
    async notes(incident) {
      return notesOf.all(incident, MAX_INCIDENT_NOTES) as IncidentNote[];
    },
    async noteCounts(ids) {
      const rows = countsIn.all(JSON.stringify(ids)) as { incident: number; n: number }[];
      return new Map(rows.map((r) => [r.incident, r.n]));
    },
    async addNote(incident, note) {
      return db.transaction(() => {
        if ((countOf.get(incident) as { n: number }).n >= MAX_INCIDENT_NOTES) return null;
        const id = Number(insertNote.run({ incident, ...note }).lastInsertRowid);
        return { id, ...note };
      })();
    },
  };
}
