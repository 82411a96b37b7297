import { describe, expect, it } from "vitest";
import { createCounterLane } from "./counterLane";

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("counter lane", () => {
  it("runs work in a later turn, in the order added, a slice at a time with a turn of the loop between slices", async () => {
    // Each piece of work takes 3 ms on this clock; a slice is 5 ms, so two pieces fit in one.
    let clock = 0;
    const lane = createCounterLane(5, () => clock);
    const ran: number[] = [];
    for (let i = 0; i < 5; i++) lane.add(() => void ran.push(i, (clock += 3)));
    expect(ran).toEqual([]);
    expect(lane.size()).toBe(5);
    // A turn of the loop: the first slice ran (two pieces), and something queued after it ran before the rest.
    const between: number[][] = [];
    setImmediate(() => between.push([...ran]));
    await turn();
    expect(ran.filter((_, i) => i % 2 === 0)).toEqual([0, 1]);
    await turn();
    expect(between).toEqual([[0, 3, 1, 6]]);
    await turn();
    expect(ran.filter((_, i) => i % 2 === 0)).toEqual([0, 1, 2, 3, 4]);
    expect(lane.size()).toBe(0);
  });

  it("runs a piece at once when asked, once, and settles each piece's promise with its outcome", async () => {
    const lane = createCounterLane(5);
    const ran: string[] = [];
    const first = lane.add(() => void ran.push("first"));
    const failing = lane.add(() => {
      throw new Error("bad delta");
    });
    const stored = lane.add(() => Promise.reject(new Error("database is locked")));
    first.runNow();
    expect(ran).toEqual(["first"]);
    expect(first.ran()).toBe(true);
    expect(lane.size()).toBe(2);
    await first.done;
    await expect(failing.done).rejects.toThrow("bad delta");
    await expect(stored.done).rejects.toThrow("database is locked");
    first.runNow();
    await turn();
    expect(ran).toEqual(["first"]);
  });
});
