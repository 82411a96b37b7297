// `npm run bench` part: aggregating a 1,000,000-entry `ipvsadm -Lnc` table in a stream, beside the
// naive baseline that parses the whole table into an array first. Prints one JSON line.
import { aggregateConnections, createConnectionAggregator, parseConnections } from "../src/index";

const ENTRIES = Number(process.env.BENCH_CONNECTIONS ?? 1_000_000);
const CHUNK_LINES = 2_000;
const STATES = ["ESTABLISHED", "ESTABLISHED", "ESTABLISHED", "FIN_WAIT", "TIME_WAIT", "SYN_RECV", "CLOSE"];

/** Yields the table in chunks of text, as a pipe from ipvsadm would deliver it. */
function* table(): Generator<string> {
  yield "IPVS connection entries\npro expire state       source             virtual            destination\n";
  let lines: string[] = [];
  for (let i = 0; i < ENTRIES; i++) {
    const client = `203.0.${(i >> 8) & 255}.${i & 255}:${1024 + (i % 60000)}`;
    const vip = `198.51.100.${1 + (i % 4)}:443`;
    const rs = `192.0.2.${1 + (i % 40)}:443`;
    lines.push(`TCP 14:${String(i % 60).padStart(2, "0")}  ${STATES[i % STATES.length]!.padEnd(11)} ${client.padEnd(18)} ${vip.padEnd(18)} ${rs}`);
    if (lines.length === CHUNK_LINES) {
      yield `${lines.join("\n")}\n`;
      lines = [];
    }
  }
  if (lines.length > 0) yield `${lines.join("\n")}\n`;
}

/** Runs `run`, which calls `sample()` at points where memory is at its height. */
function measure<T>(run: (sample: () => void) => T): { ms: number; heapGrowthMiB: number; result: T } {
  const heap0 = process.memoryUsage().heapUsed;
  let peak = heap0;
  const sample = () => void (peak = Math.max(peak, process.memoryUsage().heapUsed));
  const start = performance.now();
  const result = run(sample);
  sample();
  return { ms: Math.round(performance.now() - start), heapGrowthMiB: Math.round((peak - heap0) / 1048576), result };
}

const streamed = measure((sample) => {
  const aggregator = createConnectionAggregator();
  let chunks = 0;
  for (const chunk of table()) {
    aggregator.push(chunk);
    if (++chunks % 50 === 0) sample();
  }
  return aggregator.finish().total;
});
// The baseline reads the whole table, parses every row into an object, then counts.
const naive = measure((sample) => {
  const chunks: string[] = [];
  for (const chunk of table()) chunks.push(chunk);
  const parsed = parseConnections(chunks.join(""));
  sample();
  return aggregateConnections(chunks.join("")).total === parsed.value.length ? parsed.value.length : -1;
});
process.stdout.write(
  `${JSON.stringify({
    bench: "connection-aggregation",
    entries: ENTRIES,
    streamed: { ms: streamed.ms, heapGrowthMiB: streamed.heapGrowthMiB, total: streamed.result },
    baselineParseWholeTable: { ms: naive.ms, heapGrowthMiB: naive.heapGrowthMiB, total: naive.result },
  })}\n`,
);
