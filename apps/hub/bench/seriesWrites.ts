// Series storage: what a second of samples costs to write, and what a chart costs to read, in the tiers
// keyed by time first (lvsdeck) and, as the baseline in the same run, in the tiers keyed by series first
// (the schema before it). Both run the hub's own SQLite statements on a file database, on this thread.
// Env: BENCH_SERIES_DIRECTORS (200), BENCH_SERIES_REAL_SERVERS (100 per director), BENCH_SERIES_PREFILL_SECONDS
// (60: seconds already in the tier), BENCH_SERIES_MEASURE_SECONDS (20). Prints one JSON line.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../src/store/database";
import { SERIES_BY_TIME_VERSION } from "../src/store/migrations";
import { DEFAULT_RETENTION, createSeriesStore } from "../src/store/seriesStore";
import { SERVICES, benchSnapshot, withTraffic } from "./benchFleet";

const DIRECTORS = Number(process.env.BENCH_SERIES_DIRECTORS ?? 200);
const REAL_SERVERS = Number(process.env.BENCH_SERIES_REAL_SERVERS ?? 100);
const PREFILL_SECONDS = Number(process.env.BENCH_SERIES_PREFILL_SECONDS ?? 60);
const MEASURE_SECONDS = Number(process.env.BENCH_SERIES_MEASURE_SECONDS ?? 20);
const QUERIES = 50;

/** Director `index` at time `t`, its counters moved on by the second. */
const snapshotOf = (index: number, t: number) => withTraffic(benchSnapshot(index, REAL_SERVERS, t), Math.floor(t / 1000), t);

const quantile = (xs: number[], q: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1));
};
const cpuMs = (from: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1000;
};

/** Writes the prefill, then measures each further second's flush and a chart's read. */
async function measure(layout: string, schemaVersion: number | undefined) {
  const dir = mkdtempSync(join(tmpdir(), "lvsdeck-series-bench-"));
  // The hub's own settings, at the schema asked for.
  const db = openDatabase(dir, schemaVersion);
  const store = createSeriesStore(db, DEFAULT_RETENTION);
  const t0 = Math.floor(Date.now() / 60_000) * 60_000;
  const second = async (s: number) => {
    for (let d = 0; d < DIRECTORS; d++) store.record(snapshotOf(d, t0 + s * 1000));
    const cpu = process.cpuUsage();
    const wall = performance.now();
    await store.flush(t0 + (s + 1) * 1000);
    return { cpu: cpuMs(cpu), wall: performance.now() - wall };
  };
  for (let s = 0; s < PREFILL_SECONDS; s++) await second(s);
  const seconds: { cpu: number; wall: number }[] = [];
  for (let s = PREFILL_SECONDS; s < PREFILL_SECONDS + MEASURE_SECONDS; s++) seconds.push(await second(s));
  // A chart: one real server of one service, summed over directors, over every second written.
  const snapshot = snapshotOf(7, t0);
  const service = snapshot.services[2]!;
  const queryMs: number[] = [];
  let points = 0;
  for (let i = 0; i < QUERIES; i++) {
    const started = performance.now();
    const answer = await store.query({ service: service.key, realServer: service.realServers[3]!.key, from: t0, to: t0 + (PREFILL_SECONDS + MEASURE_SECONDS) * 1000, now: t0 + (PREFILL_SECONDS + MEASURE_SECONDS) * 1000 });
    queryMs.push(performance.now() - started);
    points = answer.points.length;
  }
  await store.close(t0 + (PREFILL_SECONDS + MEASURE_SECONDS + 1) * 1000);
  // Every attached file (the series have their own from SERIES_FILE_VERSION on), checkpointed and summed.
  db.pragma("wal_checkpoint(TRUNCATE)");
  const files = (db.pragma("database_list") as { file: string }[]).map((d) => d.file).filter((f) => f !== "");
  const fileMiB = Number((files.reduce((sum, f) => sum + statSync(f).size, 0) / 2 ** 20).toFixed(1));
  db.close();
  rmSync(dir, { recursive: true, force: true });
  const cpu = seconds.map((x) => x.cpu);
  const wall = seconds.map((x) => x.wall);
  return {
    layout,
    cpuMsPerSecond: { mean: Number((cpu.reduce((a, b) => a + b, 0) / cpu.length).toFixed(1)), p50: quantile(cpu, 0.5), max: quantile(cpu, 1) },
    wallMsPerSecond: { mean: Number((wall.reduce((a, b) => a + b, 0) / wall.length).toFixed(1)), p50: quantile(wall, 0.5), max: quantile(wall, 1) },
    chartQueryMs: { p50: quantile(queryMs, 0.5), max: quantile(queryMs, 1), points },
    fileMiB,
  };
}

const results = [await measure("time-first (lvsdeck)", undefined), await measure("series-first (baseline: the schema before)", SERIES_BY_TIME_VERSION - 1)];
console.log(JSON.stringify({
  bench: "series-writes",
  directors: DIRECTORS,
  samplesPerSecond: DIRECTORS * (Math.ceil(REAL_SERVERS / SERVICES) * SERVICES + SERVICES),
  prefillSeconds: PREFILL_SECONDS,
  measureSeconds: MEASURE_SECONDS,
  results,
}));
