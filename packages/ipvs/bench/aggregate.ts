// `npm run bench` part: aggregating a 1,000,000-entry connection table streamed in chunks, as
// `ipvsadm -Lnc` and as /proc/net/ip_vs_conn, and scanning it with a query. The chunks are generated
// before the clock starts. Beside each figure: the same stream with every line through the full parser
// (`parseConnectionLine`, the pre-fast-path cost), and the naive baseline that parses the whole table
// into an array first. Prints one JSON line; BENCH_CONNECTIONS and BENCH_RUNS (best and median) tune it.
import { createAggregator } from "../src/aggregateConnections";
import { aggregateConnections, createConnectionQuery, parseConnections } from "../src/index";
import type { ConnectionAggregatorOptions } from "../src/index";

const ENTRIES = Number(process.env.BENCH_CONNECTIONS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CHUNK_LINES = 2_000;
const STATES = ["ESTABLISHED", "ESTABLISHED", "ESTABLISHED", "FIN_WAIT", "TIME_WAIT", "SYN_RECV", "CLOSE"];
const LNC_HEADER = "IPVS connection entries\npro expire state       source             virtual            destination\n";
const PROC_HEADER = "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n";

type Format = "lnc" | "proc" | "lnc6";
const hex = (n: number, digits: number): string => n.toString(16).toUpperCase().padStart(digits, "0");
const v4hex = (a: number, b: number, c: number, d: number): string => hex(((a << 24) >>> 0) + (b << 16) + (c << 8) + d, 8);

/** Row i of the table: 65,536 clients, 4 VIPs, 40 real servers, as ipvsadm or /proc prints it. */
function row(format: Format, i: number): string {
  const state = STATES[i % STATES.length] ?? "CLOSE";
  const [c3, c4, port, vip, rs] = [(i >> 8) & 255, i & 255, 1024 + (i % 60000), 1 + (i % 4), 1 + (i % 40)];
  if (format === "proc") {
    return `TCP ${v4hex(203, 0, c3, c4)} ${hex(port, 4)} ${v4hex(198, 51, 100, vip)} 01BB ${v4hex(192, 0, 2, rs)} 01BB ${state.padEnd(11)} ${String(840 + (i % 60)).padStart(7)}`;
  }
  const client = format === "lnc" ? `203.0.${c3}.${c4}:${port}` : `[2001:db8:${c3.toString(16)}::${c4.toString(16)}]:${port}`;
  const [v, d] = format === "lnc" ? [`198.51.100.${vip}:443`, `192.0.2.${rs}:443`] : [`[2001:db8::${vip}]:443`, `[2001:db8:2::${rs}]:443`];
  return `TCP 14:${String(i % 60).padStart(2, "0")}  ${state.padEnd(11)} ${client.padEnd(18)} ${v.padEnd(18)} ${d}`;
}

/** The table in chunks of text, as a pipe from ipvsadm would deliver them. */
function table(format: Format): string[] {
  const chunks = [format === "proc" ? PROC_HEADER : LNC_HEADER];
  for (let i = 0; i < ENTRIES; i += CHUNK_LINES) {
    const lines: string[] = [];
    for (let j = i; j < Math.min(ENTRIES, i + CHUNK_LINES); j++) lines.push(row(format, j));
    chunks.push(`${lines.join("\n")}\n`);
  }
  return chunks;
}

interface Run {
  ms: number;
  heapGrowthMiB: number;
  total: number;
}

/** Runs `run`, which calls `sample()` where memory is at its height, after a GC when one is exposed. */
function measure(run: (sample: () => void) => number): Run {
  (globalThis as { gc?: () => void }).gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  let peak = heap0;
  const sample = (): void => void (peak = Math.max(peak, process.memoryUsage().heapUsed));
  const start = performance.now();
  const total = run(sample);
  sample();
  return { ms: Math.round(performance.now() - start), heapGrowthMiB: Math.round((peak - heap0) / 1048576), total };
}

function streamed(chunks: readonly string[], push: (chunk: string) => void, sample: () => void): void {
  for (let i = 0; i < chunks.length; i++) {
    push(chunks[i] ?? "");
    if (i % 50 === 0) sample();
  }
}

const aggregate = (chunks: readonly string[], fastPath: boolean, options: ConnectionAggregatorOptions = {}) => (sample: () => void): number => {
  const aggregator = createAggregator(options, fastPath);
  streamed(chunks, (c) => aggregator.push(c), sample);
  return aggregator.finish().total;
};

const query = (chunks: readonly string[]) => (sample: () => void): number => {
  const q = createConnectionQuery({ filter: { state: "SYN_RECV", vip: "198.51.100.2:443" }, offset: 10, limit: 100 });
  streamed(chunks, (c) => q.push(c), sample);
  return q.finish().scanned;
};

/** Best and median of RUNS runs; heap growth is the largest seen. */
function repeat(run: (sample: () => void) => number, runs = RUNS): { bestMs: number; medianMs: number; heapGrowthMiB: number; total: number } {
  const results = Array.from({ length: runs }, () => measure(run)).sort((a, b) => a.ms - b.ms);
  const median = results[Math.floor((results.length - 1) / 2)];
  return { bestMs: results[0]?.ms ?? 0, medianMs: median?.ms ?? 0, heapGrowthMiB: Math.max(...results.map((r) => r.heapGrowthMiB)), total: results[0]?.total ?? 0 };
}

const report: Record<string, unknown> = { bench: "connection-aggregation", entries: ENTRIES, runs: RUNS };
for (const format of ["lnc", "proc", "lnc6"] as const) {
  const chunks = table(format);
  report[format] = {
    fastPath: repeat(aggregate(chunks, true)),
    withServiceKeyOf: repeat(aggregate(chunks, true, { serviceKeyOf: (e) => e.serviceKey })),
    fullParserPerLine: repeat(aggregate(chunks, false), format === "lnc" ? RUNS : 1),
    query: repeat(query(chunks)),
  };
}
if (process.env.BENCH_NAIVE !== "0") {
  const chunks = table("lnc");
  // The naive baseline reads the whole table, parses every row into an object, then counts.
  report.baselineParseWholeTable = repeat((sample) => {
    const parsed = parseConnections(chunks.join(""));
    sample();
    return aggregateConnections(chunks.join("")).total === parsed.value.length ? parsed.value.length : -1;
  }, 1);
}
process.stdout.write(`${JSON.stringify(report)}\n`);
