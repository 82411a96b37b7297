import { describe, expect, it } from "vitest";
import { summarizeDirector } from "@lvsdeck/protocol";
import { applySummaries, summariesFromCluster } from "./summaries";
import { cluster, view } from "../test/fixtures";

describe("summaries", () => {
  it("starts from the cluster and appends one cps sample per new snapshot", () => {
    const state = summariesFromCluster(cluster([view("d1", 1000)], 1000));
    expect(Object.keys(state.byDirector)).toEqual(["d1"]);
    const next = applySummaries(state, [summarizeDirector(view("d1", 2000))], 2000);
    const key = Object.keys(next.byDirector.d1?.cps ?? {})[0] ?? "";
    expect(next.byDirector.d1?.cps[key]).toHaveLength(2);
    expect(next.serverTime).toBe(2000);
  });

  it("ignores a summary older than the one held, and adds no sample for a repeated snapshot", () => {
    const state = summariesFromCluster(cluster([view("d1", 2000)], 2000));
    const older = applySummaries(state, [summarizeDirector(view("d1", 1000))], 2100);
    expect(older.byDirector.d1?.summary.receivedAt).toBe(2000);
    const same = applySummaries(state, [summarizeDirector(view("d1", 2000))], 2100);
    const key = Object.keys(same.byDirector.d1?.cps ?? {})[0] ?? "";
    expect(same.byDirector.d1?.cps[key]).toHaveLength(1);
  });

  it("keeps at most `capacity` samples however long it runs", () => {
    let state = summariesFromCluster(cluster([view("d1", 0)]), undefined, 5);
    for (let t = 1; t <= 50; t++) state = applySummaries(state, [summarizeDirector(view("d1", t * 1000))], t * 1000, 5);
    for (const samples of Object.values(state.byDirector.d1?.cps ?? {})) expect(samples).toHaveLength(5);
  });
});
