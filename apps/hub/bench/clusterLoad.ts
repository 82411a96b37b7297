// The cost of clustering, on one load, back to back: (1) one hub as it runs alone (SQLite), (2) one hub
// in clustered mode (PostgreSQL + NATS JetStream, one hub: the shared record and the bus alone), (3) two
// clustered hubs on the same PostgreSQL and NATS, half the simulated directors and half the browsers on
// each. Fake directors (fakeDirectors.ts) and browsers (fakeBrowsers.ts) as in hubLoad.ts; PostgreSQL and
// nats-server are real throwaway Debian processes (test/services.ts), fresh for each clustered config.
// Prints one JSON line. Per config: directors each hub holds, each hub's CPU (cores, from /proc/<pid>/stat)
// and peak RSS, nats-server's CPU, PostgreSQL's CPU (the postmaster and its children: the live ones'
// own time plus what the postmaster reaped), transition latency from the agent's send to the browser's
// receipt, overall and, with two hubs, for a director and browser on the same hub vs on different hubs
// (the transition crossed the bus), transitions expected vs received, browsers dropped; and the machine's
// CPU over the window (from /proc/stat) with the part this bench's processes did not take (anything else
// running: the bench shares the machine).
// Nothing is pinned: hubs, servers and generators share the machine's cores.
// Knobs (as hubLoad.ts): BENCH_DIRECTORS (100), BENCH_REAL_SERVERS (50), BENCH_BROWSERS (200),
// BENCH_FULL_BROWSERS (20), BENCH_WARMUP_MS (10000), BENCH_MEASURE_MS (20000), and
// BENCH_CLUSTER_CONFIGS=single,clustered1,clustered2 (which to run, in that order).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { startNats, startPostgres, type NatsServer, type PostgresServer } from "../test/services";
import { cpuSeconds, freePort, hubLoop, rssMiB } from "./processFigures";

const here = fileURLToPath(new URL(".", import.meta.url));
const HUB_MAIN = join(here, "../dist/main.js");
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const DIRECTORS = env("BENCH_DIRECTORS", 100);
const REAL_SERVERS = env("BENCH_REAL_SERVERS", 50);
const BROWSERS = env("BENCH_BROWSERS", 200);
const FULL_BROWSERS = env("BENCH_FULL_BROWSERS", 20);
const TICK_MS = 1000;
/** Each fake director fails over every 10 s (fakeDirectors.ts). */
const TRANSITION_EVERY_MS = 10_000;
const WARMUP_MS = env("BENCH_WARMUP_MS", 10_000);
const MEASURE_MS = env("BENCH_MEASURE_MS", 20_000);
const TOKEN = "bench-token";
/** Browsers per sign-in: under the hub's limit of live sockets per credential (16). */
const BROWSERS_PER_SESSION = 10;
const PASSWORD = "bench-viewer-password";
const CLOCK_TICKS = 100; // USER_HZ on Linux
const READY_TIMEOUT_MS = 60_000;
const POLL_MS = 100;
/**
 * Transitions are counted (expected vs received) when sent in [start of measuring, its end - this):
 * each has at least this long to reach every browser before the browsers stop.
 */
const WINDOW_GRACE_MS = 3_000;

type Config = "single" | "clustered1" | "clustered2";
const CONFIGS = (process.env.BENCH_CLUSTER_CONFIGS ?? "single,clustered1,clustered2").split(",").filter((c): c is Config => c === "single" || c === "clustered1" || c === "clustered2");
const HUB_NAMES = ["A", "B"];

// ---- processes ---------------------------------------------------------------------------------

/** Every child this bench started and has not seen exit: killed when the bench exits, however. */
const children = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));

/** Starts a process through `setpriv --pdeathsig KILL` (it execs, so the pid is the command's): it dies with this bench. */
function start(command: string, args: string[], stdio: "ignore" | number | "pipe"): ChildProcess {
  const child = spawn("setpriv", ["--pdeathsig", "KILL", "--", command, ...args], { stdio: ["ignore", stdio, stdio === "pipe" ? "inherit" : stdio] });
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

function runChild(script: string, args: (string | number)[]): { child: ChildProcess; pid: number; done: Promise<Record<string, unknown>> } {
  const child = start(process.execPath, ["--import", "tsx", join(here, script), ...args.map(String)], "pipe");
  const done = new Promise<Record<string, unknown>>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d) => (out += d));
    child.on("exit", (code, signal) => {
      try {
        resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "") as Record<string, unknown>);
      } catch {
        reject(new Error(`${script} exited (${code ?? signal}) without a result line`));
      }
    });
  });
  return { child, pid: child.pid!, done };
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill(signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

// ---- /proc -------------------------------------------------------------------------------------

/** The fields of /proc/<pid>/stat after the command name: [0] state, [1] ppid, [11] utime, [12] stime, [13] cutime, [14] cstime. */
function stat(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  } catch {
    return null; // Gone meanwhile.
  }
}
function processes(): { pid: number; ppid: number; comm: string }[] {
  const list = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const f = stat(Number(name));
    let comm = "";
    try {
      comm = readFileSync(`/proc/${name}/comm`, "utf8").trim();
    } catch {
      continue;
    }
    if (f) list.push({ pid: Number(name), ppid: Number(f[1]), comm });
  }
  return list;
}
/** This bench's own child named `comm` (nats-server, the postmaster): test/services.ts starts them from here. */
function ownChild(comm: string): number {
  const found = processes().find((p) => p.ppid === process.pid && p.comm === comm);
  if (!found) throw new Error(`no ${comm} process started by this bench`);
  return found.pid;
}
/**
 * PostgreSQL's CPU seconds: the postmaster's own and its reaped children's (cutime, cstime), plus its live
 * children's (backends, checkpointer, walwriter, autovacuum…), so a backend that ends mid-window still counts.
 */
function postgresCpu(postmaster: number): { seconds: number; processes: number } {
  const f = stat(postmaster);
  if (!f) return { seconds: 0, processes: 0 };
  let ticks = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  let count = 1;
  for (const p of processes()) {
    if (p.ppid !== postmaster) continue;
    const c = stat(p.pid);
    if (c) {
      ticks += Number(c[11]) + Number(c[12]);
      count++;
    }
  }
  return { seconds: ticks / CLOCK_TICKS, processes: count };
}
/** Bytes a process read and wrote through system calls (sockets and files alike), from /proc/<pid>/io. */
function ioBytes(pid: number): { read: number; write: number } {
  try {
    const text = readFileSync(`/proc/${pid}/io`, "utf8");
    const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)`, "m").exec(text)?.[1] ?? 0);
    return { read: field("rchar"), write: field("wchar") };
  } catch {
    return { read: 0, write: 0 };
  }
}

/**
 * The whole machine's CPU seconds (every core), from /proc/stat: `process` is user + nice + system (what
 * processes are charged with, comparable to /proc/<pid>/stat), `irq` hard and soft interrupts (loopback
 * traffic's network stack runs largely there, charged to no process).
 */
function machineSeconds(): { process: number; irq: number } {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  return { process: (f[0]! + f[1]! + f[2]!) / CLOCK_TICKS, irq: (f[5]! + f[6]!) / CLOCK_TICKS };
}
const ownCpuSeconds = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };

// ---- hubs --------------------------------------------------------------------------------------

async function health(url: string): Promise<{ directors: number; connectedAgents: number } | null> {
  try {
    const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5_000) });
    return res.ok ? ((await res.json()) as { directors: number; connectedAgents: number }) : null;
  } catch {
    return null;
  }
}

interface Hub {
  name: string;
  url: string;
  child: ChildProcess;
  pid: number;
  log: string;
}

function hubAlive(hub: Hub): boolean {
  return hub.child.exitCode === null && hub.child.signalCode === null;
}

/** Polls until `ready` holds; fails at the deadline or as soon as a hub has exited. */
async function waitFor(what: string, hubs: Hub[], ready: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  for (;;) {
    const dead = hubs.find((h) => !hubAlive(h));
    if (dead) throw new Error(`hub ${dead.name} exited while waiting for ${what}:\n${tail(dead.log)}`);
    if (await ready()) return Date.now() - started;
    if (Date.now() - started > READY_TIMEOUT_MS) throw new Error(`${what}: not within ${READY_TIMEOUT_MS} ms`);
    await sleep(POLL_MS);
  }
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, "utf8").trim().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/** The hub's warn and error log lines: count and the distinct messages. */
function logIssues(file: string) {
  let warn = 0;
  let error = 0;
  const messages = new Set<string>();
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const level = /"level":"(warn|error)"/.exec(line)?.[1];
    if (!level) continue;
    if (level === "warn") warn++;
    else error++;
    messages.add(`${level}: ${/"message":"((?:[^"\\]|\\.)*)"/.exec(line)?.[1] ?? line.slice(0, 200)}`);
  }
  return { warn, error, messages: [...messages].slice(0, 5) };
}

const sha = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex").slice(0, 12);
/** CPU seconds over a window as cores, to 3 places (the clock ticks at 100 Hz: over 18 s, 0.0006 of a core). */
const cores = (seconds: number, elapsed: number) => Number((seconds / elapsed).toFixed(3));

// ---- one config --------------------------------------------------------------------------------

async function run(config: Config) {
  const hubCount = config === "clustered2" ? 2 : 1;
  const clustered = config !== "single";
  const work = mkdtempSync(join(tmpdir(), "lvsdeck-cluster-bench-"));
  const hubs: Hub[] = [];
  let postgres: PostgresServer | undefined;
  let nats: NatsServer | undefined;
  let agents: ReturnType<typeof runChild> | undefined;
  let browsers: ReturnType<typeof runChild> | undefined;
  let failed = false;
  try {
    if (clustered) {
      [postgres, nats] = await Promise.all([startPostgres(), startNats()]);
    }
    const bundle = sha(HUB_MAIN);
    // Browsers sign in like real ones: a viewer created with the hub's own CLI (in PostgreSQL when clustered, so on every hub).
    const record = postgres ? ["--postgres", postgres.url] : ["--data", join(work, "hub-A")];
    const added = spawnSync(process.execPath, [HUB_MAIN, "user", "add", "bench", "--role", "viewer", ...record], { input: `${PASSWORD}\n`, encoding: "utf8" });
    if (added.status !== 0) throw new Error(`user add failed (${added.status}): ${added.stderr}`);
    for (let h = 0; h < hubCount; h++) {
      const name = HUB_NAMES[h]!;
      const port = await freePort();
      const log = join(work, `hub-${name}.log`);
      const cluster = postgres && nats ? ["--postgres", postgres.url, "--nats", nats.url] : [];
      const fd = openSync(log, "w");
      const child = start(process.execPath, [HUB_MAIN, "--port", String(port), "--host", "127.0.0.1", "--data", join(work, `hub-${name}`), "--agent-token", TOKEN, ...cluster], fd);
      closeSync(fd);
      hubs.push({ name, url: `http://127.0.0.1:${port}`, child, pid: child.pid!, log });
    }
    const hubsUpMs = await waitFor("the hubs' /api/health", hubs, async () => (await Promise.all(hubs.map((h) => health(h.url)))).every((x) => x !== null));
    // One session per BROWSERS_PER_SESSION browsers (the hub holds each credential to 16 live sockets),
    // signed in on each hub in turn; a clustered hub's session serves on every hub.
    const cookies: string[] = [];
    for (let i = 0; i < Math.ceil(BROWSERS / BROWSERS_PER_SESSION); i++) {
      const hub = hubs[i % hubs.length]!;
      const login = await fetch(`${hub.url}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "bench", password: PASSWORD }) });
      if (!login.ok) throw new Error(`sign-in on hub ${hub.name}: ${login.status} ${await login.text()}`);
      cookies.push((login.headers.get("set-cookie") ?? "").split(";")[0] ?? "");
    }
    // Director d goes to hub floor(d * hubs / N) (fakeDirectors.ts): these are each hub's first index and share.
    const starts = hubs.map((_, h) => Math.ceil((h * DIRECTORS) / hubCount));
    const held = hubs.map((_, h) => (starts[h + 1] ?? DIRECTORS) - starts[h]!);
    const urls = hubs.map((h) => h.url).join(",");
    // The agents run until told to stop (SIGTERM): their share of the readiness wait is not known ahead.
    agents = runChild("fakeDirectors.ts", [urls, TOKEN, DIRECTORS, REAL_SERVERS, TICK_MS, 3_600_000, "times"]);
    const agentsStartedAt = Date.now();
    // Ready: each hub holds its agents and has every director in its live model (the others' over the bus).
    const agentsReadyMs = await waitFor("the agents", hubs, async () => {
      const all = await Promise.all(hubs.map((h) => health(h.url)));
      return all.every((x, h) => x !== null && x.connectedAgents === held[h] && x.directors === DIRECTORS);
    });
    const browsersStartedAt = Date.now();
    const window = { from: browsersStartedAt + WARMUP_MS, to: browsersStartedAt + WARMUP_MS + MEASURE_MS - WINDOW_GRACE_MS };
    browsers = runChild("fakeBrowsers.ts", [urls, BROWSERS, FULL_BROWSERS, DIRECTORS, WARMUP_MS, MEASURE_MS, cookies.join(","), starts.join(","), `${window.from},${window.to}`]);
    await sleep(WARMUP_MS);

    const natsPid = nats ? ownChild("nats-server") : null;
    const postmaster = postgres ? ownChild("postgres") : null;
    const generatorCpu = () => cpuSeconds(agents!.pid) + cpuSeconds(browsers!.pid);
    const t0 = Date.now();
    const hubCpu0 = hubs.map((h) => cpuSeconds(h.pid));
    const gen0 = generatorCpu();
    const nats0 = natsPid === null ? 0 : cpuSeconds(natsPid);
    const natsIo0 = natsPid === null ? null : ioBytes(natsPid);
    const pg0 = postmaster === null ? null : postgresCpu(postmaster);
    const machine0 = machineSeconds();
    const own0 = ownCpuSeconds();
    // Starts each hub's event-loop window; not awaited, since an overloaded hub answers late.
    for (const h of hubs) void hubLoop(h.url);
    const peakRss = hubs.map(() => 0);
    let natsPeakRss = 0;
    const rssTimer = setInterval(() => {
      hubs.forEach((h, i) => {
        if (hubAlive(h)) peakRss[i] = Math.max(peakRss[i]!, rssMiB(h.pid));
      });
      if (natsPid !== null) natsPeakRss = Math.max(natsPeakRss, rssMiB(natsPid));
    }, 1000);
    // Sampled a little before the browsers finish, as hubLoad.ts does.
    await sleep(MEASURE_MS - 2000);
    const hubCpu1 = hubs.map((h) => cpuSeconds(h.pid));
    const gen1 = generatorCpu();
    const nats1 = natsPid === null ? 0 : cpuSeconds(natsPid);
    const natsIo1 = natsPid === null ? null : ioBytes(natsPid);
    const pg1 = postmaster === null ? null : postgresCpu(postmaster);
    const machine1 = machineSeconds();
    const own1 = ownCpuSeconds();
    const seconds = (Date.now() - t0) / 1000;
    // What this bench's processes took (hubs, servers, generators, the bench itself) and what the machine as a whole did.
    const benchSeconds = hubCpu1.reduce((n, x, i) => n + x - hubCpu0[i]!, 0) + (gen1 - gen0) + (nats1 - nats0) + (pg1 && pg0 ? pg1.seconds - pg0.seconds : 0) + (own1 - own0);
    const [loops, healthAtEnd] = await Promise.all([Promise.all(hubs.map((h) => hubLoop(h.url))), Promise.all(hubs.map((h) => health(h.url)))]);
    const b = await browsers.done;
    clearInterval(rssTimer);
    await stopChild(agents.child, "SIGTERM");
    const a = await agents.done;
    const agentSeconds = (Date.now() - agentsStartedAt) / 1000;

    // Every transition sent in the window should reach every browser once (an amended copy is the same transition).
    const sentInWindow = ((a.transitionTimes as number[] | undefined) ?? []).filter((t) => t >= window.from && t < window.to).length;
    const byBrowserHub = (b.byBrowserHub ?? {}) as Record<string, { opened: number; disconnects: number; windowTransitions: number }>;
    const browsersOn = (h: number) => Math.floor(BROWSERS / hubCount) + (h < BROWSERS % hubCount ? 1 : 0);
    const received = Object.values(byBrowserHub).reduce((n, x) => n + x.windowTransitions, 0);
    const snapshotsPerSecond = Number((DIRECTORS * (1000 / TICK_MS + 1000 / TRANSITION_EVERY_MS)).toFixed(1));
    const natsCpu = natsPid === null ? null : (nats1 - nats0) / seconds;
    return {
      config,
      hubs: hubCount,
      record: clustered ? "postgresql" : "sqlite",
      bus: clustered ? "nats" : null,
      hubBundleSha256: bundle,
      hubsUpMs,
      agentsReadyMs,
      perHub: hubs.map((h, i) => ({
        hub: h.name,
        directorsHeld: healthAtEnd[i]?.connectedAgents ?? null,
        directorsInModel: healthAtEnd[i]?.directors ?? null,
        browsers: browsersOn(i),
        cpuCores: cores(hubCpu1[i]! - hubCpu0[i]!, seconds),
        peakRssMiB: peakRss[i],
        eventLoop: loops[i],
        log: logIssues(h.log),
      })),
      hubsCpuCores: cores(hubCpu1.reduce((n, x) => n + x, 0) - hubCpu0.reduce((n, x) => n + x, 0), seconds),
      natsCpuCores: natsCpu === null ? null : Number(natsCpu.toFixed(3)),
      natsPeakRssMiB: natsPid === null ? null : natsPeakRss,
      // nats-server's read/write system calls (client sockets and its JetStream files), MB/s.
      natsReadMBps: natsIo0 && natsIo1 ? Number(((natsIo1.read - natsIo0.read) / seconds / 1e6).toFixed(2)) : null,
      natsWriteMBps: natsIo0 && natsIo1 ? Number(((natsIo1.write - natsIo0.write) / seconds / 1e6).toFixed(2)) : null,
      postgresCpuCores: pg0 && pg1 ? cores(pg1.seconds - pg0.seconds, seconds) : null,
      postgresProcesses: pg1?.processes ?? null,
      generatorCpuCores: cores(gen1 - gen0, seconds),
      // The machine's CPU over the window (all cores), and the part not taken by this bench's processes: anything else running.
      machineCpuCores: cores(machine1.process - machine0.process, seconds),
      otherCpuCores: cores(machine1.process - machine0.process - benchSeconds, seconds),
      machineIrqCpuCores: cores(machine1.irq - machine0.irq, seconds),
      // The agents' nominal rate: one delta a second and one transition every 10 s per director, each a
      // snapshot the holding hub publishes on the bus when clustered.
      snapshotsPerSecond,
      natsCpuMsPerSnapshot: natsCpu === null ? null : Number(((natsCpu * 1000) / snapshotsPerSecond).toFixed(3)),
      transition: b.transition,
      transitionFirstCopy: b.transitionFirstCopy,
      stages: b.stages,
      sameHub: b.sameHub,
      crossHub: b.crossHub,
      byHubPair: b.byHubPair,
      transitionsSentInWindow: sentInWindow,
      transitionsExpected: sentInWindow * BROWSERS,
      transitionsReceivedInWindow: received,
      transitionsWindowMs: window.to - window.from,
      transitionFramesMeasured: b.transitionsReceived,
      browsersConnected: Object.values(byBrowserHub).reduce((n, x) => n + x.opened, 0),
      browsersDropped: b.disconnects,
      byBrowserHub: Object.fromEntries(Object.entries(byBrowserHub).map(([h, x]) => [HUB_NAMES[Number(h)] ?? h, { ...x, expected: sentInWindow * browsersOn(Number(h)) }])),
      tick: b.tick,
      frames: b.frames,
      bytes: b.bytes,
      agentFramesSent: a.sent,
      agentFramesPerSecond: Number((Number(a.sent) / agentSeconds).toFixed(1)),
      agentEventLoopUtilization: a.eventLoopUtilization,
      agentEventLoopDelayMs: a.eventLoopDelayMs,
      browserGenerator: b.generator,
    };
  } catch (error) {
    failed = true;
    for (const h of hubs) process.stderr.write(`--- hub ${h.name} log (${h.log}):\n${tail(h.log)}\n`);
    throw error;
  } finally {
    for (const child of [browsers?.child, agents?.child]) if (child) await stopChild(child, "SIGKILL");
    await Promise.all(hubs.map((h) => stopChild(h.child, "SIGKILL")));
    await nats?.dispose();
    await postgres?.stop();
    if (failed) process.stderr.write(`clusterLoad: ${config} failed; its hubs' logs are kept in ${work}\n`);
    else rmSync(work, { recursive: true, force: true });
  }
}

const startedAt = new Date().toISOString();
const load = loadavg().map((x) => Number(x.toFixed(2)));
const results = [];
try {
  for (const config of CONFIGS) results.push(await run(config));
} catch (error) {
  process.stderr.write(`clusterLoad: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
}
process.stdout.write(`${JSON.stringify({
  bench: "cluster-load", startedAt, loadAverageAtStart: load, cores: cpus().length,
  directors: DIRECTORS, realServersPerDirector: REAL_SERVERS, browsers: BROWSERS, fullBrowsers: FULL_BROWSERS,
  warmupSeconds: WARMUP_MS / 1000, measureSeconds: MEASURE_MS / 1000,
  pinned: false, note: "nothing is pinned: hubs, nats-server, postgres and the load generators share every core",
  browserParse: process.env.BENCH_BROWSER_PARSE === "all" ? "every frame" : `every event, the times of 1 in ${process.env.BENCH_BROWSER_SAMPLE ?? 10} other frames (read from their bytes)`,
  results,
})}\n`);
process.exit(0);
