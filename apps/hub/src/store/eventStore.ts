import type Database from "better-sqlite3";
import type { DirectorId, HubEvent } from "@lvsdeck/protocol";
import { hubEventSchema } from "@lvsdeck/protocol";

/** Filters for reading the event log. */
export interface EventQuery {
  from?: number;
  to?: number;
  director?: string;
  kind?: string;
  limit: number;
}

/** The hub's event log in SQLite: each (director, seq) is stored once. */
export interface EventStore {
  /** Stores an agent event; returns the stored event, or null if that (director, seq) was already stored. */
  appendAgentEvent(input: Omit<HubEvent, "id">): HubEvent | null;
  /** Stores an event the hub observed itself (no seq). */
  appendHubEvent(input: Omit<HubEvent, "id" | "seq" | "observedAt">): HubEvent;
  /** Highest stored seq for a director, -1 when none. */
  lastSeq(director: DirectorId): number;
  query(q: EventQuery): HubEvent[];
}

/** Creates the event log on an open, migrated database. */
export function createEventStore(db: Database.Database): EventStore {
  const insert = db.prepare(
    `INSERT OR IGNORE INTO events (director, seq, kind, observed_at, received_at, at, body)
     VALUES (@director, @seq, @kind, @observedAt, @receivedAt, @at, @body)`,
  );
  const lastSeqStmt = db.prepare("SELECT MAX(seq) AS seq FROM events WHERE director = ?");

  const append = (input: Omit<HubEvent, "id">): HubEvent | null => {
    const result = insert.run({
      director: input.director,
      seq: input.seq,
      kind: input.event.kind,
      observedAt: input.observedAt,
      receivedAt: input.receivedAt,
      at: input.event.at,
      body: JSON.stringify(input.event),
    });
    if (result.changes === 0) return null;
    return { id: Number(result.lastInsertRowid), ...input };
  };

  return {
    appendAgentEvent: append,
    appendHubEvent: (input) => append({ ...input, seq: null, observedAt: null }) as HubEvent,
    lastSeq(director) {
      const row = lastSeqStmt.get(director) as { seq: number | null } | undefined;
      return row?.seq ?? -1;
    },
    query(q) {
      const filters = { from: "at >= @from", to: "at <= @to", director: "director = @director", kind: "kind = @kind" } as const;
      const params: Record<string, unknown> = { limit: q.limit };
      const where: string[] = [];
      for (const [name, clause] of Object.entries(filters)) {
        const value = q[name as keyof typeof filters];
        if (value === undefined) continue;
        where.push(clause);
        params[name] = value;
      }
      const sql = `SELECT * FROM (SELECT id, director, seq, observed_at, received_at, body FROM events
        ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY at DESC, id DESC LIMIT @limit) ORDER BY id ASC`;
      const rows = db.prepare(sql).all(params) as {
        id: number; director: string; seq: number | null; observed_at: number | null; received_at: number; body: string;
      }[];
      // Rows were validated on the way in; parsing again keeps the types honest if the file was edited by hand.
      return rows.flatMap((r) => {
        const parsed = hubEventSchema.safeParse({
          id: r.id, director: r.director, seq: r.seq, observedAt: r.observed_at, receivedAt: r.received_at, event: JSON.parse(r.body),
        });
        return parsed.success ? [parsed.data] : [];
      });
    },
  };
}
