// What the benches read off the processes they start: free ports, CPU and RSS from /proc, and the hub's
// own event-loop figures from its /metrics. Shared by hubLoad.ts and clusterLoad.ts.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const CLOCK_TICKS = 100; // USER_HZ on Linux
/**
 * How long the bench waits for the hub's /metrics. An overloaded hub answers late, not never: 5 s gave
 * null figures exactly when they mattered, so the scrape may take as long as the run; its own time
 * (`scrapeMs`) is then a figure of how far the hub's loop had fallen behind.
 */
const SCRAPE_TIMEOUT_MS = 60_000;

/** A free loopback TCP port (the tests' helper). */
export { freePort } from "../test/services";

/** CPU seconds a process has used (user + system, all threads), from /proc; 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
/**
 * Write system calls a process has made, all threads (`syscw` in /proc/<pid>/io: write and writev to
 * sockets and pwrite to files alike), 0 once it is gone. A hub makes one per browser per turn of its
 * event loop that has frames for it, so this counts what its largest cost under load depends on.
 */
export function writeCalls(pid: number): number {
  try {
    return Number(/^syscw: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}
/** A process's resident memory now (MiB), from /proc; 0 once it is gone. */
export function rssMiB(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"));
    return Math.round(Number(line?.split(/\s+/)[1] ?? 0) / 1024);
  } catch {
    return 0;
  }
}

/** The hub's own view of its event loop, from /metrics: delay quantiles since the previous scrape and utilization. */
export async function hubLoop(url: string) {
  const started = Date.now();
  let text = "";
  try {
    text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) })).text();
  } catch {
    // Timed out: the figures stay null.
  }
  const scrapeMs = Date.now() - started;
  const value = (name: string) => Number(new RegExp(`^${name} ([0-9.e+-]+)`, "m").exec(text)?.[1] ?? NaN);
  const ms = (name: string) => (Number.isNaN(value(name)) ? null : Math.round(value(name) * 1000));
  // Cumulative counts per upper bound (seconds) of the hub's transition fan-out histogram.
  const fanout = [...text.matchAll(/^lvsdeck_hub_transition_fanout_seconds_bucket\{le="([^"]+)"\} (\d+)/gm)].map(
    (m): [number, number] => [m[1] === "+Inf" ? Infinity : Number(m[1]), Number(m[2])],
  );
  return { delayP50Ms: ms("nodejs_eventloop_lag_p50_seconds"), delayP99Ms: ms("nodejs_eventloop_lag_p99_seconds"), delayMaxMs: ms("nodejs_eventloop_lag_max_seconds"),
    utilization: text ? Number(value("lvsdeck_hub_event_loop_utilization").toFixed(2)) : null, scrapeMs, fanout };
}

/**
 * The hub's own transition fan-out between two scrapes (its arrival until handed to every browser's
 * socket): how many, and the histogram bucket that holds the p50 and the p99, as its upper bound in ms
 * (a p99 of 40 reads "at most 40 ms"). Null when either scrape has no histogram.
 */
export function fanoutBetween(start: [number, number][], end: [number, number][]) {
  if (start.length === 0 || end.length !== start.length) return null;
  const counts = end.map(([le, n], i) => [le, n - (start[i]?.[1] ?? 0)] as const);
  const total = counts.at(-1)?.[1] ?? 0;
  const bound = (q: number) => {
    const le = counts.find(([, n]) => n >= q * total)?.[0];
    return le === undefined || total === 0 ? null : le === Infinity ? "over" : Math.round(le * 1000);
  };
  return { count: total, p50AtMostMs: bound(0.5), p99AtMostMs: bound(0.99) };
}

/**
 * The machine's speed just now: a fixed piece of work (JSON and SHA-256, as the hub's own work is
 * mostly), timed in a process of its own started by `launch` (the command that runs Node.js with these
 * arguments on the core to probe, as the bench starts its own processes), the median of three, in ms.
 * Every run does the same work, so a run whose probe is slow had a slower machine, whatever the code.
 */
export function coreProbeMs(launch: (nodeArgs: string[]) => [string, string[]]): number {
  const work = `const { createHash } = require("node:crypto");
    const started = process.hrtime.bigint();
    const doc = { directors: Array.from({ length: 2000 }, (_, i) => ({ key: "203.0.113." + (i % 250) + ":80", weight: i % 100, rates: [i, i * 2, i * 3] })) };
    let n = 0;
    for (let i = 0; i < 100; i++) n += JSON.parse(JSON.stringify(doc)).directors.length;
    const hash = createHash("sha256");
    const block = Buffer.alloc(1 << 20, n % 251);
    for (let i = 0; i < 64; i++) hash.update(block);
    hash.digest();
    console.log(Number(process.hrtime.bigint() - started) / 1e6);`;
  const once = () => {
    const out = spawnSync(...launch(["-e", work]));
    return Number(String(out.stdout).trim());
  };
  const times = [once(), once(), once()].sort((a, b) => a - b);
  return Math.round(times[1]!);
}
