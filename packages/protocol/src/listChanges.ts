import { z } from "zod";

/**
 * What changed in a list of keyed items between two answers: the items that are new or different, the
 * keys that left, and, only when upserting and removing would not already give the new order, the
 * whole order of keys. Applied to the old list it gives the new one exactly (`applyListChanges`).
 * The hub sends health and alerts this way: a failover changes one group of two hundred, and 500
 * browsers need that group, not the other 199 again.
 */
export interface ListChanges<T> {
  upsert: T[];
  removed: string[];
  order?: string[] | undefined;
}

/** The wire schema of a `ListChanges` of `item`. */
export const listChangesSchema = <T extends z.ZodType>(item: T) =>
  z.object({ upsert: z.array(item), removed: z.array(z.string()), order: z.array(z.string()).optional() });

/** The keys in the order `apply` would leave them without an explicit order: survivors in place, new ones at the end. */
function naturalOrder(prevKeys: readonly string[], nextKeys: ReadonlySet<string>, added: readonly string[]): string[] {
  return [...prevKeys.filter((k) => nextKeys.has(k)), ...added];
}

const sameKeys = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((k, i) => k === b[i]);

/** The changes from `prev` to `next`. Items are compared by their JSON text: what a browser would receive. */
export function listChanges<T>(prev: readonly T[], next: readonly T[], keyOf: (item: T) => string): ListChanges<T> {
  const before = new Map<string, string>();
  for (const item of prev) before.set(keyOf(item), JSON.stringify(item));
  const nextKeys = next.map(keyOf);
  const nextSet = new Set(nextKeys);
  const upsert: T[] = [];
  const added: string[] = [];
  next.forEach((item, i) => {
    const key = nextKeys[i]!;
    const old = before.get(key);
    if (old === undefined) added.push(key);
    if (old !== JSON.stringify(item)) upsert.push(item);
  });
  const prevKeys = [...before.keys()];
  const removed = prevKeys.filter((k) => !nextSet.has(k));
  const changes: ListChanges<T> = { upsert, removed };
  if (!sameKeys(naturalOrder(prevKeys, nextSet, added), nextKeys)) changes.order = nextKeys;
  return changes;
}

/** True when nothing changed. */
export const noListChanges = (changes: ListChanges<unknown>): boolean =>
  changes.upsert.length === 0 && changes.removed.length === 0 && changes.order === undefined;

/** `list` with `changes` applied: upserts replace in place or join at the end, then `order` (when given) orders them. */
export function applyListChanges<T>(list: readonly T[], changes: ListChanges<T>, keyOf: (item: T) => string): T[] {
  const removed = new Set(changes.removed);
  const byKey = new Map<string, T>();
  for (const item of list) if (!removed.has(keyOf(item))) byKey.set(keyOf(item), item);
  for (const item of changes.upsert) byKey.set(keyOf(item), item);
  if (changes.order === undefined) return [...byKey.values()];
  return changes.order.flatMap((key) => {
    const item = byKey.get(key);
    return item === undefined ? [] : [item];
  });
}
