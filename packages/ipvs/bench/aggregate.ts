// `npm run bench` part: a 1,000,000-entry connection table streamed in chunks, as `ipvsadm -Lnc`,
// /proc/net/ip_vs_conn and IPv6 `-Lnc`. The chunks are generated before the clock starts. Measured:
// - the agent's real path: the aggregator folding fwmark traffic as the agent does (`serviceFolder`,
//   cached per service and real server), beside the previous per-entry `serviceKeyOf` and the same
//   fold with every line through the full parser (the old per-line path);
// - the query scan (`createConnectionQuery`), beside the same query with every line through the full
//   parser and the naive query that parses the whole table into an array and filters it.
// The last stdout line is one JSON object; `streamed` is the agent's real path on -Lnc, and
// `baselineParseWholeTable` the naive aggregation (read it all, parse every row, then count).
// Beside them, on the same table written to a file: `wc -l` (the floor of any line scan) and an awk
// one-liner doing the same per-state, per-real-server counts, against the aggregator reading that file
// as a stream; peak memory of each (RSS high-water mark for the tools, heap for the aggregator) at the
// full size and at a tenth of it, to show whether memory grows with the table.
// BENCH_CONNECTIONS, BENCH_RUNS (best and median of that many), BENCH_FORMATS (lnc,proc,lnc6) tune it;
// baselines run BENCH_BASELINE_RUNS times (default 2), on -Lnc only. BENCH_SCANNER=0 skips the
// /proc byte scanner (per-state counts per real server) beside awk and wc -l on the same /proc-format file.
import { spawn } from "node:child_process";
import { closeSync, createReadStream, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAggregator, serviceFolder } from "../src/aggregateConnections";
import { aggregateConnections, connectionMatcher, parseConnections } from "../src/index";
import type { ConnectionAggregatorOptions, ConnectionEntry, ConnectionFilter, FoldService } from "../src/index";
import { createQuery } from "../src/queryConnections";
import { countProcStates } from "../src/procStateCounter";

const ENTRIES = Number(process.env.BENCH_CONNECTIONS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BASELINE_RUNS = Number(process.env.BENCH_BASELINE_RUNS ?? 2);
const FORMATS = (process.env.BENCH_FORMATS ?? "lnc,proc,lnc6").split(",").filter((f): f is Format => f === "lnc" || f === "proc" || f === "lnc6");
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
  const aggregator = createAggregator({ topClients: 10, ...options }, fastPath);
  streamed(chunks, (c) => aggregator.push(c), sample);
  return aggregator.finish().total;
};

/**
 * The agent's fold (apps/agent fwmarkFolder) for this table: VIPs .1-.3 are configured services, .4 is
 * reached through fwmark 7, whose real servers are every fourth one, so a quarter of .4's traffic folds.
 */
function agentFold(format: Format): FoldService {
  const v6 = format === "lnc6";
  const vip = (n: number): string => (format === "lnc6" ? `TCP [2001:db8::${n}]:443` : `TCP 198.51.100.${n}:443`);
  const known = new Set([vip(1), vip(2), vip(3), v6 ? "FWM 7 IPv6" : "FWM 7"]);
  const fwmarkByRealServer = new Map<string, string>();
  for (let rs = 4; rs <= 40; rs += 8) fwmarkByRealServer.set(v6 ? `2001:db8:2::${rs.toString(16)}` : `192.0.2.${rs}`, v6 ? "FWM 7 IPv6" : "FWM 7");
  return (serviceKey, _realServerKey, destination) => (known.has(serviceKey) ? serviceKey : (fwmarkByRealServer.get(destination.address) ?? serviceKey));
}

const perEntry = (fold: FoldService) => (e: ConnectionEntry): string => fold(e.serviceKey, e.realServerKey, e.destination);

const QUERY: { filter: ConnectionFilter; offset: number; limit: number } = { filter: { state: "SYN_RECV", vip: "198.51.100.2:443" }, offset: 10, limit: 100 };

const query = (chunks: readonly string[], fastPath: boolean) => (sample: () => void): number => {
  const q = createQuery(QUERY, fastPath);
  streamed(chunks, (c) => q.push(c), sample);
  const page = q.finish();
  return page.rows.length === Math.min(QUERY.limit, Math.max(0, page.total - QUERY.offset)) ? page.scanned : -1;
};

/** Best and median of `runs` runs; heap growth is the largest seen. */
function repeat(run: (sample: () => void) => number, runs = RUNS): { ms: number; medianMs: number; heapGrowthMiB: number; total: number; runs: number } {
  const results = Array.from({ length: runs }, () => measure(run)).sort((a, b) => a.ms - b.ms);
  const median = results[Math.floor((results.length - 1) / 2)];
  return { ms: results[0]?.ms ?? 0, medianMs: median?.ms ?? 0, heapGrowthMiB: Math.max(...results.map((r) => r.heapGrowthMiB)), total: results[0]?.total ?? 0, runs };
}

const report: Record<string, unknown> = { bench: "connection-aggregation", entries: ENTRIES, runs: RUNS };
for (const format of FORMATS) {
  const chunks = table(format);
  const fold = agentFold(format);
  const baselines = format === "lnc" ? BASELINE_RUNS : 0;
  // Warm-up, untimed: the first figure of a format should not pay for compiling the code it shares.
  const head = chunks.slice(0, 60);
  for (const run of [aggregate(head, true, { serviceKeyOf: serviceFolder(fold) }), aggregate(head, true), query(head, true)]) run(() => undefined);
  const figures: Record<string, unknown> = {
    agentFolded: repeat(aggregate(chunks, true, { serviceKeyOf: serviceFolder(fold) })),
    unfolded: repeat(aggregate(chunks, true)),
    query: repeat(query(chunks, true)),
  };
  if (baselines > 0) {
    figures.baselinePerEntryServiceKeyOf = repeat(aggregate(chunks, true, { serviceKeyOf: perEntry(fold) }), baselines);
    figures.baselineFullParserPerLine = repeat(aggregate(chunks, false, { serviceKeyOf: perEntry(fold) }), baselines);
    figures.baselineQueryFullParserPerLine = repeat(query(chunks, false), baselines);
    figures.baselineQueryParseWholeTable = repeat((sample) => {
      const parsed = parseConnections(chunks.join(""));
      sample();
      const matches = connectionMatcher(QUERY.filter);
      const rows = parsed.value.filter(matches).slice(QUERY.offset, QUERY.offset + QUERY.limit);
      return rows.length > 0 ? parsed.value.length : -1;
    }, 1);
  }
  report[format] = figures;
  if (format === "lnc") report.streamed = figures.agentFolded;
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
/** The awk one-liner an operator would write: connections per (real server, state) from `ipvsadm -Lnc`. */
const AWK_PROGRAM = 'NR > 2 { n[$6 " " $3]++ } END { for (k in n) print k, n[k] }';

interface ToolRun {
  ms: number;
  peakRssMiB: number;
  outputLines: number;
}

/** Runs a tool on the file, timing it and sampling its RSS high-water mark (VmHWM) until it exits. */
function runTool(command: string, args: string[]): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    let hwmKiB = 0;
    const sampleHwm = (): void => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
        if (m?.[1]) hwmKiB = Math.max(hwmKiB, Number(m[1]));
      } catch {
        // exited between samples
      }
    };
    const timer = setInterval(sampleHwm, 5);
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      clearInterval(timer);
      if (code !== 0) return reject(new Error(`${command} exited ${code}`));
      resolve({ ms: Math.round(performance.now() - start), peakRssMiB: Math.round(hwmKiB / 1024), outputLines: out.trim().split("\n").length });
    });
  });
}

/** The aggregator reading the file as a stream (64 KiB reads), as the agent reads ipvsadm's pipe. */
async function aggregateFile(path: string): Promise<{ ms: number; heapGrowthMiB: number; retainedMiB: number | null; total: number; groups: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  let peak = heap0;
  const start = performance.now();
  const aggregator = createAggregator({ topClients: 10 }, true);
  let reads = 0;
  for await (const chunk of createReadStream(path, { encoding: "utf8", highWaterMark: 64 * 1024 })) {
    aggregator.push(chunk as string);
    if (++reads % 20 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
  }
  const ms = Math.round(performance.now() - start);
  // What the aggregator holds once the table is read (after a GC, before finish() builds the answer):
  // the figure that would grow with the table if anything were kept per connection.
  gc?.();
  const retained = gc === undefined ? null : Math.max(0, process.memoryUsage().heapUsed - heap0);
  const result = aggregator.finish();
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  const groups = result.services.reduce((n, s) => n + s.realServers.reduce((m, r) => m + Object.keys(r.byState).length, 0), 0);
  return { ms, heapGrowthMiB: Math.round((peak - heap0) / 1048576), retainedMiB: retained === null ? null : Number((retained / 1048576).toFixed(2)), total: result.total, groups };
}

/** Best of `runs` (by time) for the tools and the file-reading aggregator; memory is the largest seen. */
async function best<T extends { ms: number }>(runs: number, run: () => Promise<T>): Promise<T & { runs: number }> {
  const results: T[] = [];
  for (let i = 0; i < runs; i++) results.push(await run());
  const fastest = [...results].sort((a, b) => a.ms - b.ms)[0] as T;
  const memory = (r: T): number => ("peakRssMiB" in r ? (r.peakRssMiB as number) : "heapGrowthMiB" in r ? (r.heapGrowthMiB as number) : 0);
  const key = "peakRssMiB" in fastest ? "peakRssMiB" : "heapGrowthMiB";
  return { ...fastest, [key]: Math.max(...results.map(memory)), runs };
}

if (process.env.BENCH_TOOLS !== "0") {
  const dir = mkdtempSync(join(tmpdir(), "lvsdeck-bench-"));
  try {
    const tools: Record<string, unknown> = {};
    for (const [label, entries] of [["full", ENTRIES], ["tenth", Math.round(ENTRIES / 10)]] as const) {
      const file = join(dir, `${label}.txt`);
      const chunks = table("lnc");
      const kept = label === "full" ? chunks : [chunks[0] ?? "", ...chunks.slice(1, 1 + Math.ceil(entries / CHUNK_LINES))];
      writeFileSync(file, kept.join(""));
      tools[label] = {
        entries: label === "full" ? ENTRIES : Math.min(ENTRIES, Math.ceil(entries / CHUNK_LINES) * CHUNK_LINES),
        aggregatorFromFile: await best(RUNS, () => aggregateFile(file)),
        wcL: await best(RUNS, () => runTool("wc", ["-l", file])),
        awk: await best(RUNS, () => runTool("awk", [AWK_PROGRAM, file])),
      };
      rmSync(file);
    }
    report.tools = tools;
    const full = tools.full as { aggregatorFromFile: { ms: number }; awk: { ms: number }; wcL: { ms: number } };
    report.speedupOverAwk = Number((full.awk.ms / Math.max(1, full.aggregatorFromFile.ms)).toFixed(2));
    report.awk = "mawk-or-awk on PATH: " + AWK_PROGRAM;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
/** The awk one-liner on /proc/net/ip_vs_conn itself: connections per (real server, port, state). */
const AWK_PROC_PROGRAM = 'NR > 1 { n[$6 " " $7 " " $8]++ } END { for (k in n) print k, n[k] }';

/** The byte scanner reading the file in 1 MiB reads: time, heap growth, and what it counted. */
async function scanFile(path: string): Promise<{ ms: number; heapGrowthMiB: number; entries: number; keys: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const start = performance.now();
  const fd = openSync(path, "r");
  let result: Awaited<ReturnType<typeof countProcStates>>;
  try {
    result = await countProcStates((buffer, offset, length) => readSync(fd, buffer, offset, length, null));
  } finally {
    closeSync(fd);
  }
  const ms = Math.round(performance.now() - start);
  return { ms, heapGrowthMiB: Math.round((Math.max(heap0, process.memoryUsage().heapUsed) - heap0) / 1048576), entries: result.entries, keys: result.counts.length };
}

if (process.env.BENCH_SCANNER !== "0") {
  // The same per-state, per-real-server counts from /proc/net/ip_vs_conn's own format: the byte scanner
  // beside awk and wc -l on the same file, at the full size and a tenth, best of BENCH_RUNS each.
  const dir = mkdtempSync(join(tmpdir(), "lvsdeck-bench-"));
  try {
    const scanner: Record<string, unknown> = {};
    const chunks = table("proc");
    for (const [label, entries] of [["full", ENTRIES], ["tenth", Math.round(ENTRIES / 10)]] as const) {
      const file = join(dir, `${label}.txt`);
      const kept = label === "full" ? chunks : [chunks[0] ?? "", ...chunks.slice(1, 1 + Math.ceil(entries / CHUNK_LINES))];
      writeFileSync(file, kept.join(""));
      const runs: Awaited<ReturnType<typeof scanFile>>[] = [];
      for (let i = 0; i < RUNS; i++) runs.push(await scanFile(file));
      const times = runs.map((r) => r.ms).sort((a, b) => a - b);
      scanner[label] = {
        entries: runs[0]?.entries,
        keys: runs[0]?.keys,
        scannerMs: { best: times[0], median: times[Math.floor(times.length / 2)], worst: times.at(-1) },
        scannerHeapGrowthMiB: Math.max(...runs.map((r) => r.heapGrowthMiB)),
        awk: await best(RUNS, () => runTool("awk", [AWK_PROC_PROGRAM, file])),
        wcL: await best(RUNS, () => runTool("wc", ["-l", file])),
      };
      rmSync(file);
    }
    report.procScanner = scanner;
    const full = scanner.full as { scannerMs: { best: number; median: number }; awk: { ms: number } };
    report.scannerSpeedupOverAwk = Number((full.awk.ms / Math.max(1, full.scannerMs.best)).toFixed(2));
    report.awkProc = "mawk-or-awk on PATH: " + AWK_PROC_PROGRAM;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
process.stdout.write(`${JSON.stringify(report)}\n`);
