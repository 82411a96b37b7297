import type pg from "pg";
import { heldOfRow, type HeldChange, type HeldChangeStore } from "../heldWeightChanges";
import { bigintMs, pgJson, pgText } from "./database";

interface HeldRow { id: string; body: string; before: string }

/** The rows that parse, oldest first; the others are named in `broken` for deleting. */
function parsed(rows: HeldRow[]): { held: HeldChange[]; broken: string[] } {
  const held: HeldChange[] = [];
  const broken: string[] = [];
  for (const row of rows) {
    const one = heldOfRow(row);
    if (one) held.push(one);
    else broken.push(row.id);
  }
  held.sort((a, b) => a.change.requestedAt - b.change.requestedAt || (a.change.id < b.change.id ? -1 : 1));
  return { held, broken };
}

/**
 * Held weight changes on an open, migrated PostgreSQL database (see openPostgres), shared by every hub
 * on it: a change held on a hub that dies is still delivered by the hub its director returns to.
 * `take` is one DELETE ... RETURNING: when two hubs take the same rows at once, the second waits for the
 * first's row locks, finds those rows gone and returns without them, so each change has one taker.
 */
export function createPgHeldChangeStore(pool: pg.Pool): HeldChangeStore {
  return {
    async load() {
      const { rows } = await pool.query<HeldRow>("SELECT id, body::text AS body, before::text AS before FROM held_weight_changes ORDER BY requested_at, id");
      const { held, broken } = parsed(rows);
      if (broken.length > 0) await pool.query("DELETE FROM held_weight_changes WHERE id = ANY($1::text[])", [broken]);
      return { held, skipped: broken.length };
    },
    async save({ change, before }) {
      await pool.query(
        `INSERT INTO held_weight_changes (id, requested_at, body, before) VALUES ($1, $2, $3::jsonb, $4::jsonb)
         ON CONFLICT (id) DO UPDATE SET requested_at = excluded.requested_at, body = excluded.body, before = excluded.before`,
        [pgText(change.id), bigintMs(change.requestedAt), pgJson(change), pgJson(before)],
      );
    },
    async remove(id) {
      await pool.query("DELETE FROM held_weight_changes WHERE id = $1", [pgText(id)]);
    },
    async take(match) {
      const { rows } =
        "id" in match
          ? await pool.query<HeldRow>("DELETE FROM held_weight_changes WHERE id = $1 RETURNING id, body::text AS body, before::text AS before", [pgText(match.id)])
          : await pool.query<HeldRow>(
              // A body without a results array, or with another shape, matches nothing (@> is false).
              `DELETE FROM held_weight_changes h
               WHERE EXISTS (SELECT 1 FROM unnest($2::text[]) AS s (state)
                   WHERE h.body->'results' @> jsonb_build_array(jsonb_build_object('director', $1::text, 'state', s.state)))
                 AND ($3::text IS NULL OR h.body->>'service' = $3)
                 AND ($4::text IS NULL OR h.body->>'realServer' = $4)
               RETURNING id, body::text AS body, before::text AS before`,
              [pgText(match.director), match.states, match.service === undefined ? null : pgText(match.service), match.realServer === undefined ? null : pgText(match.realServer)],
            );
      // Taken rows are gone whether or not they parse: one that no longer does is dropped, as load drops it.
      return parsed(rows).held;
    },
  };
}
