import { describe, expect, it } from "vitest";
import type { CommandResult } from "@lvsdeck/protocol";
import { createCommandLedger } from "./commandLedger";

const result = (commandId: string, observedWeight: number): CommandResult => ({ type: "command-result", commandId, ok: true, observedWeight, error: null, detail: null });

describe("command ledger", () => {
  it("applies a replayed command id once and answers with the first result", async () => {
    const ledger = createCommandLedger();
    let applied = 0;
    const apply = async () => result("c1", ++applied);
    const [first, replay] = await Promise.all([ledger.run("c1", apply), ledger.run("c1", apply)]);
    expect(applied).toBe(1);
    expect(replay).toEqual(first);
    await ledger.run("c1", apply);
    expect(applied).toBe(1);
  });

  it("forgets the oldest ids beyond its capacity", async () => {
    const ledger = createCommandLedger(2);
    let applied = 0;
    const apply = async () => result("x", ++applied);
    for (const id of ["a", "b", "c", "a"]) await ledger.run(id, apply);
    expect(applied).toBe(4);
  });
});
