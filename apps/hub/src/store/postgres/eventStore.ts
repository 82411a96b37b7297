import type pg from "pg";
import type { HubEvent } from "@lvsdeck/protocol";
import { TRANSITION_MATCH_MS, eventOfRow, type EventQuery, type EventRow, type EventStore } from "../eventStore";
import { atLeast, atMost, bigintMs, pgJson } from "./database";

/** keepalived's clock and the agent's are the same host's; allow for rounding and a stepped clock (ms), as SQLite does. */
const CLOCK_SLACK_MS = 1_000;

/** The columns eventOfRow reads; the body as JSON text, as SQLite keeps it. */
const COLUMNS = "id, director, seq, epoch, observed_at, received_at, body::text AS body";

/** One row as eventOfRow validates it, or null when none came back. */
function eventOf(rows: EventRow[]): HubEvent | null {
  const row = rows[0];
  return row === undefined ? null : eventOfRow(row);
}

/** Whether `id` can name a stored event: PostgreSQL refuses a fraction for a BIGINT where SQLite finds nothing. */
const isEventId = (id: number): boolean => Number.isSafeInteger(id);

/**
 * The event log on an open, migrated PostgreSQL database (see openPostgres), shared by every hub on it.
 * Behaves as the SQLite one; event ids come from an identity column, so they rise but may skip numbers
 * (an insert that finds its (director, epoch, seq) already stored still uses one up).
 */
export function createPgEventStore(pool: pg.Pool): EventStore {
  const append = async (input: Omit<HubEvent, "id">): Promise<HubEvent | null> => {
    const { rows } = await pool.query<{ id: number }>(
      `INSERT INTO events (director, seq, kind, observed_at, received_at, at, body, epoch)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        input.director,
        input.seq,
        input.event.kind,
        input.observedAt === null ? null : bigintMs(input.observedAt),
        bigintMs(input.receivedAt),
        bigintMs(input.event.at),
        pgJson(input.event),
        input.epoch ?? null,
      ],
    );
    const row = rows[0];
    return row === undefined ? null : { id: row.id, ...input };
  };

  return {
    appendAgentEvent: (input) => append(input),
    appendHubEvent: async (input) => (await append({ ...input, seq: null, observedAt: null })) as HubEvent,
    async annotateTransition(director, instance, state, keepalivedAt, explain) {
      // keepalived writes the FIFO line right after it changes state; the agent's `at` is when it arrived.
      // Only the latest such transition in the window is keepalived's last one: if it already has its time,
      // an older one must not be given it.
      const { rows: found } = await pool.query<EventRow>(
        `SELECT ${COLUMNS} FROM events
         WHERE id = (SELECT id FROM events
           WHERE director = $1 AND kind = 'vrrp-transition' AND at BETWEEN $2 AND $3
             AND body->>'instance' = $4 AND body->>'to' = $5
           ORDER BY at DESC, id DESC LIMIT 1)
         AND body->>'keepalivedAt' IS NULL`,
        [director, atLeast(keepalivedAt - CLOCK_SLACK_MS), atMost(keepalivedAt + TRANSITION_MATCH_MS), instance, state],
      );
      const event = eventOf(found);
      if (event?.event.kind !== "vrrp-transition") return null;
      const cause = explain?.(event.event) ?? null;
      // Merged in SQL, and only while still without a time: two hubs annotating at once annotate it once,
      // and a cause another hub set meanwhile is kept unless this one brings its own.
      const { rows } = await pool.query<EventRow>(
        `UPDATE events SET body = CASE WHEN $3::jsonb IS NULL THEN body || jsonb_build_object('keepalivedAt', $2::jsonb)
           ELSE body || jsonb_build_object('keepalivedAt', $2::jsonb, 'cause', $3::jsonb) END
         WHERE id = $1 AND body->>'keepalivedAt' IS NULL
         RETURNING ${COLUMNS}`,
        [event.id, JSON.stringify(keepalivedAt), cause === null ? null : pgJson(cause)],
      );
      return eventOf(rows);
    },
    async setCause(id, cause) {
      if (!isEventId(id)) return null;
      const { rows } = await pool.query<EventRow>(
        `UPDATE events SET body = body || jsonb_build_object('cause', $2::jsonb) WHERE id = $1 AND kind = 'vrrp-transition'
         RETURNING ${COLUMNS}`,
        [id, pgJson(cause)],
      );
      return eventOf(rows);
    },
    async get(id) {
      if (!isEventId(id)) return null;
      const { rows } = await pool.query<EventRow>(`SELECT ${COLUMNS} FROM events WHERE id = $1`, [id]);
      return eventOf(rows);
    },
    async lastSeq(director, epoch) {
      const { rows } =
        epoch === undefined
          ? await pool.query<{ seq: number | null }>("SELECT MAX(seq) AS seq FROM events WHERE director = $1", [director])
          : await pool.query<{ seq: number | null }>("SELECT MAX(seq) AS seq FROM events WHERE director = $1 AND epoch = $2", [director, epoch]);
      return rows[0]?.seq ?? -1;
    },
    async query(q) {
      const { where, params } = filtersOf(q);
      // SQLite reads a negative LIMIT as no limit; PostgreSQL's LIMIT NULL (LIMIT ALL) is the same.
      params.push(q.limit < 0 ? null : q.limit);
      const { rows } = await pool.query<EventRow>(
        `SELECT * FROM (SELECT ${COLUMNS} FROM events
           ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY at DESC, id DESC LIMIT $${params.length}) AS newest
         ORDER BY id ASC`,
        params,
      );
      return rows.flatMap((r) => {
        const event = eventOfRow(r);
        return event === null ? [] : [event];
      });
    },
  };
}

/** The WHERE clauses of a query and their parameters ($1 onwards), for the filters it sets. */
function filtersOf(q: EventQuery): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: (n: string) => string, value: unknown) => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (q.from !== undefined) add((n) => `at >= ${n}`, atLeast(q.from));
  if (q.to !== undefined) add((n) => `at <= ${n}`, atMost(q.to));
  if (q.director !== undefined) add((n) => `director = ${n}`, q.director);
  if (q.kind !== undefined) add((n) => `kind = ${n}`, q.kind);
  return { where, params };
}
