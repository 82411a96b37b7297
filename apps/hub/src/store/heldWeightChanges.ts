import type Database from "better-sqlite3";
import { weightChangeSchema, type WeightChange } from "@lvsdeck/protocol";
import { z } from "zod";

/** A weight change the hub still owes some director, with each director's weight when it was asked for. */
export interface HeldChange {
  change: WeightChange;
  /** Director id -> the weight it had before the change (from the hub's last snapshot of it). */
  before: Readonly<Record<string, number>>;
}

const beforeSchema = z.record(z.string(), z.number().int());

/** Where held weight changes live, so a hub restart still delivers them. */
export interface HeldChangeStore {
  /** Every held change, oldest first; rows that no longer parse are dropped and counted in `skipped`. */
  load(): { held: HeldChange[]; skipped: number };
  save(held: HeldChange): void;
  remove(id: string): void;
}

/** Keeps held weight changes in the hub's SQLite database. */
export function createHeldChangeStore(db: Database.Database): HeldChangeStore {
  const all = db.prepare("SELECT id, body, before FROM held_weight_changes ORDER BY requested_at, id");
  const upsert = db.prepare("INSERT OR REPLACE INTO held_weight_changes (id, requested_at, body, before) VALUES (?, ?, ?, ?)");
  const drop = db.prepare("DELETE FROM held_weight_changes WHERE id = ?");
  return {
    load() {
      const rows = all.all() as { id: string; body: string; before: string }[];
      const held: HeldChange[] = [];
      for (const row of rows) {
        const change = weightChangeSchema.safeParse(JSON.parse(row.body));
        const before = beforeSchema.safeParse(JSON.parse(row.before));
        if (change.success && before.success) held.push({ change: change.data, before: before.data });
        else drop.run(row.id);
      }
      return { held, skipped: rows.length - held.length };
    },
    save: ({ change, before }) => void upsert.run(change.id, change.requestedAt, JSON.stringify(change), JSON.stringify(before)),
    remove: (id) => void drop.run(id),
  };
}
