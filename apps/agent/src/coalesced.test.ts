import { describe, expect, it } from "vitest";
import { coalesced } from "./coalesced";

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe("coalesced", () => {
  it("runs once more when called during a run, so the later input is read", async () => {
    const gates = [deferred(), deferred()];
    let input = "old";
    const seen: string[] = [];
    let runs = 0;
    const run = coalesced(async () => {
      const gate = gates[runs++];
      const value = input;
      await gate?.promise;
      seen.push(value);
    });
    const first = run();
    input = "new";
    const second = run();
    gates[0]?.resolve();
    await first;
    gates[1]?.resolve();
    await second;
    expect(seen).toEqual(["old", "new"]);
  });

  it("folds many calls during one run into one more run", async () => {
    const gate = deferred();
    let runs = 0;
    const run = coalesced(async () => {
      runs += 1;
      if (runs === 1) await gate.promise;
    });
    const calls = [run(), run(), run(), run()];
    gate.resolve();
    await Promise.all(calls);
    expect(runs).toBe(2);
  });

  it("still runs the queued call after a failed run, and the failure reaches only its caller", async () => {
    let runs = 0;
    const gate = deferred();
    const run = coalesced(async () => {
      runs += 1;
      if (runs === 1) {
        await gate.promise;
        throw new Error("boom");
      }
    });
    const first = run();
    const second = run();
    gate.resolve();
    await expect(first).rejects.toThrow("boom");
    await expect(second).resolves.toBeUndefined();
    expect(runs).toBe(2);
  });

  it("starts fresh when idle", async () => {
    let runs = 0;
    const run = coalesced(async () => {
      runs += 1;
    });
    await run();
    await run();
    expect(runs).toBe(2);
  });
});
