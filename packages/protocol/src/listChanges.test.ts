import { describe, expect, it } from "vitest";
import { applyListChanges, listChanges, noListChanges } from "./listChanges";

interface Item {
  key: string;
  value: number;
}
const keyOf = (item: Item) => item.key;
const item = (key: string, value = 0): Item => ({ key, value });

describe("list changes", () => {
  it("carries only the changed item when one changes in place, and no order", () => {
    const prev = [item("a"), item("b"), item("c")];
    const next = [item("a"), item("b", 1), item("c")];
    expect(listChanges(prev, next, keyOf)).toEqual({ upsert: [item("b", 1)], removed: [] });
  });

  it("is empty when nothing changed", () => {
    expect(noListChanges(listChanges([item("a")], [item("a")], keyOf))).toBe(true);
  });

  it("names removed keys and appends new ones without an order while that order holds", () => {
    const changes = listChanges([item("a"), item("b")], [item("b"), item("c")], keyOf);
    expect(changes).toEqual({ upsert: [item("c")], removed: ["a"] });
  });

  it("sends the order when the new one is not what applying would give", () => {
    const changes = listChanges([item("a"), item("c")], [item("a"), item("b"), item("c")], keyOf);
    expect(changes.order).toEqual(["a", "b", "c"]);
    expect(applyListChanges([item("a"), item("c")], changes, keyOf)).toEqual([item("a"), item("b"), item("c")]);
  });

  it("gives exactly the new list for any pair of lists (random cases)", () => {
    // A fixed linear congruential sequence: the same cases on every run.
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const randomList = () => {
      const keys = ["a", "b", "c", "d", "e", "f", "g"].filter(() => rand(2) === 0);
      for (let i = keys.length - 1; i > 0; i--) {
        const j = rand(i + 1);
        [keys[i], keys[j]] = [keys[j]!, keys[i]!];
      }
      return keys.map((k) => item(k, rand(3)));
    };
    for (let i = 0; i < 2000; i++) {
      const prev = randomList();
      const next = randomList();
      const changes = listChanges(prev, next, keyOf);
      expect(applyListChanges(prev, changes, keyOf)).toEqual(next);
      // Only what is new or different travels.
      for (const sent of changes.upsert) expect(prev).not.toContainEqual(sent);
    }
  });
});
