import type Database from "better-sqlite3";
import { weightChangeSchema, type RealServerKey, type ServiceKey, type WeightChange, type WeightChangeResult } from "@lvsdeck/protocol";
import { z } from "zod";

/** A weight change the hub still owes some director, with each director's weight when it was asked for. */
export interface HeldChange {
  change: WeightChange;
  /** Director id -> the weight it had before the change (from the hub's last snapshot of it). */
  before: Readonly<Record<string, number>>;
}

/** Which held changes to take: one by id, or those whose result for `director` is in one of `states`. */
export type HeldChangeMatch =
  | { id: string }
  | { director: string; states: readonly WeightChangeResult["state"][]; service?: ServiceKey; realServer?: RealServerKey };

/**
 * Where held weight changes live, so a hub restart still delivers them: SQLite for one hub, the shared
 * PostgreSQL for clustered hubs (postgres/heldWeightChanges.ts), where they outlive the hub that made them.
 */
export interface HeldChangeStore {
  /** Every held change, oldest first, claiming none; rows that no longer parse are dropped and counted in `skipped`. */
  load(): Promise<{ held: HeldChange[]; skipped: number }>;
  save(held: HeldChange): Promise<void>;
  remove(id: string): Promise<void>;
  /**
   * Removes the matching held changes and returns them, oldest first, at once: of hubs taking the same
   * change at the same time exactly one gets it. Matching rows that no longer parse are dropped.
   */
  take(match: HeldChangeMatch): Promise<HeldChange[]>;
}

const beforeSchema = z.record(z.string(), z.number().int());

/** A stored row as a held change, or null when its JSON no longer parses as one. */
export function heldOfRow(row: { body: string; before: string }): HeldChange | null {
  try {
    const change = weightChangeSchema.safeParse(JSON.parse(row.body));
    const before = beforeSchema.safeParse(JSON.parse(row.before));
    return change.success && before.success ? { change: change.data, before: before.data } : null;
  } catch {
    return null;
  }
}

/** Whether a held change is one `match` names. */
export function heldMatches(held: HeldChange, match: HeldChangeMatch): boolean {
  const { change } = held;
  if ("id" in match) return change.id === match.id;
  if (match.service !== undefined && change.service !== match.service) return false;
  if (match.realServer !== undefined && change.realServer !== match.realServer) return false;
  return change.results.some((r) => r.director === match.director && match.states.includes(r.state));
}

/** Keeps held weight changes in the hub's SQLite database. */
export function createHeldChangeStore(db: Database.Database): HeldChangeStore {
  const all = db.prepare("SELECT id, body, before FROM held_weight_changes ORDER BY requested_at, id");
  const upsert = db.prepare("INSERT OR REPLACE INTO held_weight_changes (id, requested_at, body, before) VALUES (?, ?, ?, ?)");
  const drop = db.prepare("DELETE FROM held_weight_changes WHERE id = ?");
  /** Every row, parsed; those that no longer parse are deleted. */
  const readAll = () => {
    const rows = all.all() as { id: string; body: string; before: string }[];
    const held: HeldChange[] = [];
    for (const row of rows) {
      const parsed = heldOfRow(row);
      if (parsed) held.push(parsed);
      else drop.run(row.id);
    }
    return { held, skipped: rows.length - held.length };
  };
  // Matched in JavaScript inside one transaction: a row whose JSON is broken would make SQLite's JSON
  // functions fail the whole statement, and one process owns this file, so nothing else takes meanwhile.
  const takeMatching = db.transaction((match: HeldChangeMatch) => {
    const taken = readAll().held.filter((h) => heldMatches(h, match));
    for (const held of taken) drop.run(held.change.id);
    return taken;
  });
  return {
    load: async () => db.transaction(readAll)(),
    save: async ({ change, before }) => void upsert.run(change.id, change.requestedAt, JSON.stringify(change), JSON.stringify(before)),
    remove: async (id) => void drop.run(id),
    take: async (match) => takeMatching(match),
  };
}
