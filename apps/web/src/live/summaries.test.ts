import { describe, expect, it } from "vitest";
import { countDirector, summarizeDirector } from "@lvsdeck/protocol";
import { applyCounters, applySummaries, summariesFromCluster } from "./summaries";
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

  it("writes a counters frame into the held summary and adds a cps sample, keeping VRRP and health", () => {
    const state = summariesFromCluster(cluster([view("d1", 1000)], 1000));
    const later = view("d1", 2000);
    const service = later.snapshot!.services[0]!;
    const moved = { ...later, snapshot: { ...later.snapshot!, services: [{ ...service, rates: { ...service.rates, cps: 77 } }] } };
    const next = applyCounters(state, [countDirector(moved)], 2000);
    const entry = next.byDirector.d1;
    expect(entry?.summary.services[0]?.cps).toBe(77);
    expect(entry?.summary.takenAt).toBe(2000);
    expect(entry?.summary.vrrp).toEqual(state.byDirector.d1?.summary.vrrp);
    expect(entry?.cps[service.key]).toEqual([service.rates.cps, 77]);
  });

  it("ignores counters of a director it holds no summary of, and counters older than the summary held", () => {
    const state = summariesFromCluster(cluster([view("d1", 2000)], 2000));
    expect(applyCounters(state, [countDirector(view("d2", 3000))], 3000).byDirector.d2).toBeUndefined();
    const older = applyCounters(state, [countDirector(view("d1", 1000))], 3000);
    expect(older.byDirector.d1?.summary.receivedAt).toBe(2000);
  });
});
