import { describe, expect, it } from "vitest";
import { countDirector, summarizeDirector } from "@lvsdeck/protocol";
import { applyCounters, applySummaries, summariesFromCluster } from "./summaries";
import { cluster, view, withSecondService } from "../test/fixtures";

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
    const moved = { ...later, snapshot: { ...later.snapshot!, services: later.snapshot!.services.with(0, { ...service, rates: { ...service.rates, cps: 77 } }) } };
    const { state: next, unmatched } = applyCounters(state, [countDirector(moved)], 2000);
    expect(unmatched).toEqual([]);
    const entry = next.byDirector.d1;
    expect(entry?.summary.services[0]?.cps).toBe(77);
    expect(entry?.summary.takenAt).toBe(2000);
    expect(entry?.summary.vrrp).toEqual(state.byDirector.d1?.summary.vrrp);
    expect(entry?.cps[service.key]).toEqual([service.rates.cps, 77]);
  });

  it("ignores counters of a director it holds no summary of, and counters older than the summary held", () => {
    const state = summariesFromCluster(cluster([view("d1", 2000)], 2000));
    expect(applyCounters(state, [countDirector(view("d2", 3000))], 3000).state.byDirector.d2).toBeUndefined();
    const older = applyCounters(state, [countDirector(view("d1", 1000))], 3000).state;
    expect(older.byDirector.d1?.summary.receivedAt).toBe(2000);
  });

  it("writes counters by position only into a summary of the same services in the same order, and names the directors it could not", () => {
    const state = summariesFromCluster(cluster([withSecondService(view("d1", 1000)), view("d2", 1000)], 1000));
    const later = withSecondService(view("d1", 2000));
    const services = later.snapshot!.services;
    const d2 = countDirector(view("d2", 2000));
    for (const other of [services.toReversed(), services.slice(1), [...services, { ...services[0]!, key: "TCP 203.0.113.99:443" as (typeof services)[0]["key"] }]]) {
      const { state: next, unmatched } = applyCounters(state, [countDirector({ ...later, snapshot: { ...later.snapshot!, services: other } }), d2], 2000);
      expect(unmatched).toEqual(["d1"]);
      // d1's summary is left as it was, not written with another service's counters; d2 still gets its own.
      expect(next.byDirector.d1).toEqual(state.byDirector.d1);
      expect(next.byDirector.d2?.summary.takenAt).toBe(2000);
    }
  });
});
