// The series tiers and the snapshot history as every database behind them must keep them, written
// against the interfaces only; storeSuite.ts runs them on SQLite and on PostgreSQL.
import { expect, it } from "vitest";
import type { DirectorSnapshot } from "@lvsdeck/protocol";
import { sampleSnapshot } from "@lvsdeck/protocol/testFixtures";
import type { SeriesRetention, SeriesStore } from "../src/store/seriesStore";
import { SNAPSHOT_HISTORY_INTERVAL_MS, SNAPSHOT_HISTORY_RETENTION_MS, type SnapshotHistory } from "../src/store/snapshotHistory";

const base = Date.UTC(2026, 10, 26, 3, 0, 0);
const service = sampleSnapshot("d1", base).services[0]!;
const rs = service.realServers[0]!.key;
const SHORT: SeriesRetention = { raw: 60_000, tenSeconds: 600_000, minute: 3_600_000 };

/** A snapshot whose first service's real servers each hold `active` connections. */
function withActive(snapshot: DirectorSnapshot, active: number): DirectorSnapshot {
  const svc = snapshot.services[0]!;
  return { ...snapshot, services: [{ ...svc, realServers: svc.realServers.map((r) => ({ ...r, activeConns: active })) }] };
}

/** A snapshot at `t` carrying per-state counts taken at `countedAt`: the first real server's, the second's. */
function counted(t: number, countedAt: number, first: Record<string, number>, second: Record<string, number>): DirectorSnapshot {
  const snapshot = sampleSnapshot("d1", t);
  const svc = snapshot.services[0]!;
  const states = [first, second];
  return { ...snapshot, services: [{ ...svc, connectionStates: { countedAt, templates: 0 }, realServers: svc.realServers.map((r, i) => ({ ...r, states: states[i] ?? {} })) }] };
}

/** Series store tests; `open` gives a store on the test's database (each call another store on the same one). */
export function seriesStoreTests(open: (retention?: SeriesRetention) => SeriesStore): void {
  it("keeps one-second samples per real server and per service", async () => {
    const store = open();
    for (let s = 0; s < 5; s++) store.record(withActive(sampleSnapshot("d1", base + s * 1000), s));
    await store.flush(base + 5000);
    const one = await store.query({ service: service.key, realServer: rs, from: base, to: base + 5000, now: base + 5000 });
    expect(one.resolution).toBe("1s");
    expect(one.points.map((p) => [p.t - base, p.active])).toEqual([[0, 0], [1000, 1], [2000, 2], [3000, 3], [4000, 4]]);
    const svc = await store.query({ service: service.key, from: base, to: base + 5000, now: base + 5000 });
    expect(svc.points.map((p) => p.active)).toEqual([0, 2, 4, 6, 8]);
    expect(svc.points[0]).toEqual({ t: base, active: 0, inactive: expect.any(Number), cps: expect.any(Number), inPps: expect.any(Number), outPps: expect.any(Number), inBps: expect.any(Number), outBps: expect.any(Number) });
  });

  it("sums directors so a series follows traffic through a failover, and keeps each director's own", async () => {
    const store = open();
    store.record(withActive(sampleSnapshot("d1", base), 3));
    store.record(withActive(sampleSnapshot("d2", base), 0));
    store.record(withActive(sampleSnapshot("d1", base + 1000), 0));
    store.record(withActive(sampleSnapshot("d2", base + 1000), 5));
    await store.flush(base + 2000);
    const q = { service: service.key, realServer: rs, from: base, to: base + 2000, now: base + 2000 };
    const both = await store.query(q);
    expect(both.points.map((p) => p.active)).toEqual([3, 5]);
    expect(both.directors.map((d) => [d.director, d.points.map((p) => p.active)])).toEqual([["d1", [3, 0]], ["d2", [0, 5]]]);
    expect((await store.query({ ...q, director: "d2" })).points.map((p) => p.active)).toEqual([0, 5]);
  });

  it("writes a second again as the newest sample says, whichever store writes it (an agent that moved between hubs)", async () => {
    const first = open();
    const second = open();
    first.record(withActive(sampleSnapshot("d1", base), 1));
    await first.flush(base + 1000);
    second.record(withActive(sampleSnapshot("d1", base + 400), 9));
    await second.flush(base + 1000);
    const found = await first.query({ service: service.key, realServer: rs, from: base, to: base + 1000, now: base + 1000 });
    expect(found.points.map((p) => [p.t, p.active])).toEqual([[base, 9]]);
  });

  it("stores each per-state count once, per real server and summed for the service, and averages them into the coarser tiers", async () => {
    const store = open();
    await store.flush(base);
    // Counted at +0 s and +2 s; the snapshot at +1 s carries the +0 s count again and adds nothing.
    store.record(counted(base, base, { ESTABLISHED: 10, SYN_RECV: 2 }, { ESTABLISHED: 4 }));
    store.record(counted(base + 1000, base, { ESTABLISHED: 10, SYN_RECV: 2 }, { ESTABLISHED: 4 }));
    store.record(counted(base + 2000, base + 2000, { ESTABLISHED: 20, SYN_RECV: 6 }, { TIME_WAIT: 3 }));
    await store.flush(base + 25_000);
    const one = await store.queryStates({ service: service.key, realServer: rs, director: "d1", from: base, to: base + 5000, now: base + 5000 });
    expect(one).toEqual({ resolution: "1s", points: [{ t: base, states: { ESTABLISHED: 10, SYN_RECV: 2 } }, { t: base + 2000, states: { ESTABLISHED: 20, SYN_RECV: 6 } }] });
    const svc = await store.queryStates({ service: service.key, director: "d1", from: base, to: base + 5000, now: base + 5000 });
    expect(svc.points.map((p) => p.states)).toEqual([{ ESTABLISHED: 14, SYN_RECV: 2 }, { ESTABLISHED: 20, SYN_RECV: 6, TIME_WAIT: 3 }]);
    expect((await store.queryStates({ service: service.key, director: "d2", from: base, to: base + 5000, now: base + 5000 })).points).toEqual([]);
    // Two hours later the range is read from the 10 s tier: the two counts averaged.
    const later = await store.queryStates({ service: service.key, realServer: rs, director: "d1", from: base, to: base + 7_200_000, now: base + 7_200_000 });
    expect(later).toEqual({ resolution: "10s", points: [{ t: base, states: { ESTABLISHED: 15, SYN_RECV: 4 } }] });
  });

  it("averages closed buckets into the 10 s and 1 min tiers and prunes each tier by its retention", async () => {
    const store = open(SHORT);
    await store.flush(base);
    for (let s = 0; s < 130; s++) {
      store.record(withActive(sampleSnapshot("d1", base + s * 1000), s < 60 ? 10 : 20));
      if (s % 10 === 9) await store.flush(base + (s + 1) * 1000);
    }
    await store.flush(base + 130_000);
    // The raw samples older than the raw retention are gone: the range is read from the 10 s tier.
    const raw = await store.query({ service: service.key, realServer: rs, from: base, to: base + 60_000, now: base + 130_000 });
    expect(raw.resolution).toBe("10s");
    expect(raw.points[0]).toMatchObject({ t: base, active: 10 });
    expect(raw.points.at(-1)).toMatchObject({ t: base + 60_000, active: 20 });
    const stillRaw = await store.query({ service: service.key, realServer: rs, from: base + 71_000, to: base + 129_000, now: base + 129_000 });
    expect(stillRaw.resolution).toBe("1s");
    expect(stillRaw.points.map((p) => p.t)).toEqual(Array.from({ length: 59 }, (_, i) => base + 71_000 + i * 1000));
    const minutes = await store.query({ service: service.key, realServer: rs, from: base - 11 * 60_000, to: base + 120_000, now: base + 130_000 });
    expect(minutes.resolution).toBe("1m");
    expect(minutes.points.map((p) => p.active)).toEqual([10, 20]);
    // An hour on, past the 10 s retention, only the minutes are left; past theirs, nothing.
    await store.flush(base + 130_000 + SHORT.tenSeconds);
    const tens = await store.query({ service: service.key, realServer: rs, from: base, to: base + 120_000, now: base + 130_000 });
    expect(tens.resolution).toBe("10s");
    expect(tens.points).toEqual([]);
    const twoMinutes = { service: service.key, realServer: rs, from: base - 11 * 60_000, to: base + 60_000, now: base + 130_000 };
    expect((await store.query(twoMinutes)).points.map((p) => p.active)).toEqual([10, 20]);
    await store.flush(base + 130_000 + SHORT.minute);
    expect((await store.query(twoMinutes)).points).toEqual([]);
  });

  it("writes and answers the same when flushing in the background, and writes what is left on close", async () => {
    const store = open();
    for (let s = 0; s < 3; s++) store.record(withActive(sampleSnapshot("d1", base + s * 1000), s + 1));
    await store.flushInBackground(base + 3000);
    store.record(withActive(sampleSnapshot("d1", base + 3000), 4));
    await store.close(base + 4000);
    const found = await store.query({ service: service.key, realServer: rs, from: base, to: base + 4000, now: base + 4000 });
    expect(found.points.map((p) => p.active)).toEqual([1, 2, 3, 4]);
  });
}

/** Snapshot history tests on the test's database. */
export function snapshotHistoryTests(history: () => SnapshotHistory): void {
  /** A snapshot of `director` at `t` whose first real server has `weight`. */
  const weighted = (director: string, t: number, weight: number): DirectorSnapshot => {
    const snapshot = sampleSnapshot(director, t);
    const svc = snapshot.services[0]!;
    return { ...snapshot, services: [{ ...svc, realServers: svc.realServers.map((r, i) => (i === 0 ? { ...r, weight } : r)) }] };
  };
  const weightOf = (snapshots: DirectorSnapshot[], director: string) => snapshots.find((s) => s.director === director)?.services[0]?.realServers[0]?.weight;

  it("answers the newest kept snapshot of every director at or before a moment", async () => {
    const h = history();
    h.offer(weighted("d1", base, 1));
    h.offer(weighted("d2", base + 500, 1));
    h.offer(weighted("d1", base + 1000, 2));
    await h.flush();
    expect(await h.at(base - 1)).toEqual([]);
    const early = await h.at(base + 999);
    expect(early.map((s) => s.director).sort()).toEqual(["d1", "d2"]);
    expect(weightOf(early, "d1")).toBe(1);
    expect(early.find((s) => s.director === "d1")).toEqual(weighted("d1", base, 1));
    expect(weightOf(await h.at(base + 1000), "d1")).toBe(2);
  });

  it("keeps a snapshot of the same shape only once per interval", async () => {
    const h = history();
    h.offer(weighted("d1", base, 1));
    h.offer(weighted("d1", base + 1000, 1));
    h.offer(weighted("d1", base + SNAPSHOT_HISTORY_INTERVAL_MS, 1));
    await h.flush();
    expect((await h.at(base + 1000)).map((s) => s.takenAt)).toEqual([base]);
    expect((await h.at(base + SNAPSHOT_HISTORY_INTERVAL_MS)).map((s) => s.takenAt)).toEqual([base + SNAPSHOT_HISTORY_INTERVAL_MS]);
  });

  it("prunes snapshots past the retention", async () => {
    const h = history();
    h.offer(weighted("d1", base, 1));
    h.offer(weighted("d1", base + 60_000, 2));
    await h.flush();
    await h.prune(base + 30_000 + SNAPSHOT_HISTORY_RETENTION_MS);
    expect(await h.at(base + 1000)).toEqual([]);
    expect(weightOf(await h.at(base + 60_000), "d1")).toBe(2);
  });
}
