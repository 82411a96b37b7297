import type Database from "better-sqlite3";
import type { DirectorId, HubEvent, TransitionCause, VrrpTransitionEvent } from "@lvsdeck/protocol";
import { hubEventSchema } from "@lvsdeck/protocol";

/** A transition's FIFO line reaches the agent within this long after keepalived's own time (ms). */
export const TRANSITION_MATCH_MS = 30_000;
/** keepalived's clock and the agent's are the same host's; allow for rounding and a stepped clock (ms). */
const CLOCK_SLACK_MS = 1_000;

/** Filters for reading the event log. */
export interface EventQuery {
  from?: number;
  to?: number;
  director?: string;
  kind?: string;
  limit: number;
}

/**
 * The hub's event log: each (director, agent run, seq) is stored once. SQLite (one hub) and PostgreSQL (clustered
 * hubs) implement it alike; the shared store suite holds both to it.
 */
export interface EventStore {
  /** Stores an agent event; returns the stored event, or null if that (director, epoch, seq) was already stored. */
  appendAgentEvent(input: Omit<HubEvent, "id">): Promise<HubEvent | null>;
  /** Stores an event the hub observed itself (no seq). */
  appendHubEvent(input: Omit<HubEvent, "id" | "seq" | "observedAt">): Promise<HubEvent>;
  /**
   * Adds keepalived's own time, and the cause `explain` reads for it, to the latest stored transition of
   * `instance` on `director` into `state` that has no keepalived time yet and was seen within
   * TRANSITION_MATCH_MS after that time; returns that event as now stored, or null.
   */
  annotateTransition(
    director: DirectorId,
    instance: string,
    state: string,
    keepalivedAt: number,
    explain?: (event: VrrpTransitionEvent) => TransitionCause | null,
  ): Promise<HubEvent | null>;
  /** Sets the cause of a stored transition (by id); returns the event as now stored, or null. */
  setCause(id: number, cause: TransitionCause): Promise<HubEvent | null>;
  /** One stored event by id, or null. */
  get(id: number): Promise<HubEvent | null>;
  /** Highest stored seq for a director (of one agent run, given its epoch), -1 when none. */
  lastSeq(director: DirectorId, epoch?: string): Promise<number>;
  /** The newest `limit` events that match, oldest first. */
  query(q: EventQuery): Promise<HubEvent[]>;
}

/** An event as both databases store it. */
export interface EventRow {
  id: number;
  director: string;
  seq: number | null;
  epoch: string | null;
  observed_at: number | null;
  received_at: number;
  body: string;
}

/** Rows were validated on the way in; parsing again keeps the types honest if the file was edited by hand. */
export function eventOfRow(r: EventRow): HubEvent | null {
  const parsed = hubEventSchema.safeParse({
    id: r.id,
    director: r.director,
    seq: r.seq,
    ...(r.epoch !== null && { epoch: r.epoch }),
    observedAt: r.observed_at,
    receivedAt: r.received_at,
    event: JSON.parse(r.body),
  });
  return parsed.success ? parsed.data : null;
}

/** Creates the event log on an open, migrated SQLite database. */
export function createEventStore(db: Database.Database): EventStore {
  const insert = db.prepare(
    `INSERT OR IGNORE INTO events (director, seq, epoch, kind, observed_at, received_at, at, body)
     VALUES (@director, @seq, @epoch, @kind, @observedAt, @receivedAt, @at, @body)`,
  );
  const byId = db.prepare("SELECT id, director, seq, epoch, observed_at, received_at, body FROM events WHERE id = ?");
  const lastSeqStmt = db.prepare("SELECT MAX(seq) AS seq FROM events WHERE director = ?");
  const lastRunSeqStmt = db.prepare("SELECT MAX(seq) AS seq FROM events WHERE director = ? AND epoch = ?");
  // keepalived writes the FIFO line right after it changes state; the agent's `at` is when it arrived.
  const findUnannotated = db.prepare(
    `SELECT id, director, seq, epoch, observed_at, received_at, body FROM events
     WHERE id = (SELECT id FROM events
       WHERE director = @director AND kind = 'vrrp-transition' AND at BETWEEN @earliest AND @latest
         AND json_extract(body, '$.instance') = @instance AND json_extract(body, '$.to') = @state
       ORDER BY at DESC, id DESC LIMIT 1)
     AND json_extract(body, '$.keepalivedAt') IS NULL`,
  );
  const annotate = db.prepare(
    `UPDATE events SET body = CASE WHEN @cause IS NULL THEN json_set(body, '$.keepalivedAt', @keepalivedAt)
       ELSE json_set(body, '$.keepalivedAt', @keepalivedAt, '$.cause', json(@cause)) END
     WHERE id = @id RETURNING id, director, seq, epoch, observed_at, received_at, body`,
  );
  const setCauseStmt = db.prepare(
    `UPDATE events SET body = json_set(body, '$.cause', json(@cause)) WHERE id = @id AND kind = 'vrrp-transition'
     RETURNING id, director, seq, epoch, observed_at, received_at, body`,
  );

  const append = (input: Omit<HubEvent, "id">): HubEvent | null => {
    const result = insert.run({
      director: input.director,
      seq: input.seq,
      epoch: input.epoch ?? null,
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
    appendAgentEvent: async (input) => append(input),
    appendHubEvent: async (input) => append({ ...input, seq: null, observedAt: null }) as HubEvent,
    async annotateTransition(director, instance, state, keepalivedAt, explain) {
      const window = { earliest: keepalivedAt - CLOCK_SLACK_MS, latest: keepalivedAt + TRANSITION_MATCH_MS };
      const found = findUnannotated.get({ director, instance, state, ...window }) as EventRow | undefined;
      const event = found === undefined ? null : eventOfRow(found);
      if (event?.event.kind !== "vrrp-transition") return null;
      const cause = explain?.(event.event) ?? null;
      const row = annotate.get({ id: event.id, keepalivedAt, cause: cause === null ? null : JSON.stringify(cause) }) as EventRow | undefined;
      return row === undefined ? null : eventOfRow(row);
    },
    async setCause(id, cause) {
      const row = setCauseStmt.get({ id, cause: JSON.stringify(cause) }) as EventRow | undefined;
      return row === undefined ? null : eventOfRow(row);
    },
    async get(id) {
      const row = byId.get(id) as EventRow | undefined;
      return row === undefined ? null : eventOfRow(row);
    },
    async lastSeq(director, epoch) {
      const row = (epoch === undefined ? lastSeqStmt.get(director) : lastRunSeqStmt.get(director, epoch)) as { seq: number | null } | undefined;
      return row?.seq ?? -1;
    },
    async query(q) {
      const filters = { from: "at >= @from", to: "at <= @to", director: "director = @director", kind: "kind = @kind" } as const;
      const params: Record<string, unknown> = { limit: q.limit };
      const where: string[] = [];
      for (const [name, clause] of Object.entries(filters)) {
        const value = q[name as keyof typeof filters];
        if (value === undefined) continue;
        where.push(clause);
        params[name] = value;
      }
      const sql = `SELECT * FROM (SELECT id, director, seq, epoch, observed_at, received_at, body FROM events
        ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY at DESC, id DESC LIMIT @limit) ORDER BY id ASC`;
      const rows = db.prepare(sql).all(params) as EventRow[];
      return rows.flatMap((r) => {
        const event = eventOfRow(r);
        return event === null ? [] : [event];
      });
    },
  };
}
