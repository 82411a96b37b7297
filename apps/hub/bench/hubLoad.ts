// `npm run bench` part: the hub fed by 200 simulated directors (100 real servers each, 1 s ticks) and
// 500 browser sockets, once as lvsdeck runs (coalesced pushes, summary/full subscriptions) and once as
// the naive baseline (every full snapshot rebroadcast to every browser). Prints one JSON line.
// Besides latency it reports where time goes: the transition's two legs (agent -> hub receive, hub receive ->
// browser), the hub's event-loop delay and utilization and its own part of the second leg (from its /metrics:
// a transition's arrival until handed to every browser's socket), the hub's write system calls a second,
// the CPU of the load generator, which shares the machine, and the machine's speed before and after each
// run (a fixed piece of work timed on each core, see coreProbeMs). Knobs: BENCH_DIRECTORS, BENCH_REAL_SERVERS, BENCH_BROWSERS,
// BENCH_FULL_BROWSERS, BENCH_HUB_MODES, BENCH_WARMUP_MS, BENCH_MEASURE_MS, BENCH_BROWSER_THREADS, BENCH_BROWSER_CLIENT=ws|lean, BENCH_CPU_PROF=<dir>, BENCH_HUB_NODE_ARGS, BENCH_HUB_LOG=<file>,
// BENCH_PIN=1 (the hub on core 0 and the load generators on core 1, with taskset, so the figure is the hub's).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { coreProbeMs, cpuSeconds, fanoutBetween, freePort, hubLoop, rssMiB, writeCalls } from "./processFigures";

const here = fileURLToPath(new URL(".", import.meta.url));
/** With BENCH_PIN=1, each process is started under `taskset -c <core>`. */
const PIN = process.env.BENCH_PIN === "1";
const pinned = (core: number, args: string[]): [string, string[]] => (PIN ? ["taskset", ["-c", String(core), process.execPath, ...args]] : [process.execPath, args]);
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const DIRECTORS = env("BENCH_DIRECTORS", 200);
const REAL_SERVERS = env("BENCH_REAL_SERVERS", 100);
const BROWSERS = env("BENCH_BROWSERS", 500);
const FULL_BROWSERS = env("BENCH_FULL_BROWSERS", 50);
const TICK_MS = 1000;
const WARMUP_MS = env("BENCH_WARMUP_MS", 10_000);
const MEASURE_MS = env("BENCH_MEASURE_MS", 30_000);
const TOKEN = "bench-token";
/** Browsers per sign-in: under the hub's limit of live sockets per credential (16). */
const BROWSERS_PER_SESSION = 10;
const PASSWORD = "bench-viewer-password";

function runChild(script: string, args: (string | number)[]): { pid: number; done: Promise<Record<string, unknown>> } {
  // A larger young generation for the load generators: fewer of their own collections stalling the fake
  // browsers, whose hub -> browser figure includes every stall of their thread.
  const generatorArgs = (process.env.BENCH_GENERATOR_NODE_ARGS ?? "--max-semi-space-size=64").split(" ").filter(Boolean);
  const child = spawn(...pinned(1, [...generatorArgs, "--import", "tsx", join(here, script), ...args.map(String)]), { stdio: ["ignore", "pipe", "inherit"] });
  const done = new Promise<Record<string, unknown>>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", () => { try { resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "{}")); } catch (e) { reject(e); } });
  });
  return { pid: child.pid!, done };
}

/**
 * The hub's Node.js flags. Pinned, by default, those docs/scale.md gives for a hub confined to one core:
 * `--single-threaded-gc`, so V8 collects on the event loop's thread instead of starting helper threads
 * that can only wait for the same core (in three pairs of pinned runs, p99 361, 222 and 150 ms against
 * 597, 239 and 441 ms without). Unpinned, none.
 */
const HUB_NODE_ARGS = (process.env.BENCH_HUB_NODE_ARGS ?? (PIN ? "--single-threaded-gc" : "")).split(" ").filter(Boolean);

/** The probe (see coreProbeMs) on the hub's core and the generators', or on any core when not pinned. */
const probeCores = () => ({ hubCore: coreProbeMs((args) => pinned(0, args)), generatorCore: coreProbeMs((args) => pinned(1, args)) });

async function run(mode: "coalesce" | "rebroadcast") {
  // The machine's speed just before and just after the run: this one's cores vary by half from hour to hour.
  const probeBefore = probeCores();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), "lvsdeck-bench-"));
  // Browsers sign in like real ones: a viewer created with the hub's own CLI.
  spawnSync(process.execPath, [join(here, "../dist/main.js"), "user", "add", "bench", "--role", "viewer", "--data", dataDir], { input: `${PASSWORD}\n` });
  // BENCH_CPU_PROF=<dir>: the hub writes a V8 CPU profile there when it exits.
  const prof = process.env.BENCH_CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_CPU_PROF, "--cpu-prof-name", `hub-${mode}.cpuprofile`] : [];
  // BENCH_HUB_NODE_ARGS: Node.js flags for the hub (e.g. --trace-gc); BENCH_HUB_LOG=<file>: its output.
  const hubLog = process.env.BENCH_HUB_LOG ? openSync(`${process.env.BENCH_HUB_LOG}.${mode}`, "w") : "ignore";
  const hub = spawn(...pinned(0, [...prof, ...HUB_NODE_ARGS, join(here, "../dist/main.js"), "--port", String(port), "--host", "127.0.0.1",
    "--data", dataDir, "--agent-token", TOKEN, "--ui-push-mode", mode]), { stdio: ["ignore", hubLog, hubLog] });
  for (let i = 0; i < 100; i++) { try { if ((await fetch(`${url}/api/health`)).ok) break; } catch { await new Promise((r) => setTimeout(r, 100)); } }
  // One session per BROWSERS_PER_SESSION browsers: the hub holds each credential to 16 live sockets.
  const cookies: string[] = [];
  for (let i = 0; i < Math.ceil(BROWSERS / BROWSERS_PER_SESSION); i++) {
    const login = await fetch(`${url}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "bench", password: PASSWORD }) });
    cookies.push((login.headers.get("set-cookie") ?? "").split(";")[0] ?? "");
  }
  const cookie = cookies.join(",");
  const total = WARMUP_MS + MEASURE_MS;
  const agents = runChild("fakeDirectors.ts", [url, TOKEN, DIRECTORS, REAL_SERVERS, TICK_MS, total + 2000]);
  const browsers = runChild("fakeBrowsers.ts", [url, BROWSERS, FULL_BROWSERS, DIRECTORS, WARMUP_MS, MEASURE_MS, cookie]);
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  const t0 = Date.now();
  const cpu0 = cpuSeconds(hub.pid!);
  const writes0 = writeCalls(hub.pid!);
  const gen0 = cpuSeconds(agents.pid) + cpuSeconds(browsers.pid);
  // Starts the hub's event-loop window; not awaited, since an overloaded hub answers late.
  const loopStart = process.env.BENCH_NO_FIRST_SCRAPE !== "1" ? hubLoop(url) : null;
  let peakRss = 0;
  const rssTimer = setInterval(() => {
    // A hub that died mid-run is reported by its missing figures, not by crashing the bench.
    if (hub.exitCode === null && hub.signalCode === null) peakRss = Math.max(peakRss, rssMiB(hub.pid!));
  }, 1000);
  // Sampled a little before the browsers finish, so every figure covers (nearly) the same window.
  await new Promise((r) => setTimeout(r, MEASURE_MS - 2000));
  const cpu1 = cpuSeconds(hub.pid!);
  const writes1 = writeCalls(hub.pid!);
  const gen1 = cpuSeconds(agents.pid) + cpuSeconds(browsers.pid);
  const seconds = (Date.now() - t0) / 1000;
  const { fanout, ...loop } = await hubLoop(url);
  const hubFanout = fanoutBetween((await loopStart)?.fanout ?? [], fanout);
  const browserResult = await browsers.done;
  clearInterval(rssTimer);
  const agentResult = await agents.done;
  const exited = new Promise((r) => hub.once("exit", r));
  hub.kill(prof.length > 0 ? "SIGTERM" : "SIGKILL");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  hub.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
  const probeAfter = probeCores();
  return { mode, hubNodeArgs: HUB_NODE_ARGS.join(" "), machineProbeMs: { before: probeBefore, after: probeAfter }, hubCpuCores: Number(((cpu1 - cpu0) / seconds).toFixed(2)),
    hubWriteCallsPerSecond: Math.round((writes1 - writes0) / seconds), hubPeakRssMiB: peakRss, hubEventLoop: loop, hubTransitionFanout: hubFanout,
    generatorCpuCores: Number(((gen1 - gen0) / seconds).toFixed(2)), ...browserResult, agentFramesSent: agentResult.sent, agentFrames: agentResult.frames, agentEventLoopUtilization: agentResult.eventLoopUtilization, agentEventLoopDelayMs: agentResult.eventLoopDelayMs };
}

/** BENCH_HUB_MODES=coalesce runs lvsdeck alone (quicker when comparing changes); both by default. */
const MODES = (process.env.BENCH_HUB_MODES ?? "coalesce,rebroadcast").split(",").filter((m): m is "coalesce" | "rebroadcast" => m === "coalesce" || m === "rebroadcast");
const results = [];
for (const mode of MODES) results.push(await run(mode));
process.stdout.write(`${JSON.stringify({ bench: "hub-load", directors: DIRECTORS, realServersPerDirector: REAL_SERVERS, browsers: BROWSERS, fullBrowsers: FULL_BROWSERS, measureSeconds: MEASURE_MS / 1000, pinned: PIN, browserParse: process.env.BENCH_BROWSER_PARSE === "all" ? "every frame" : `every event's timing fields (read from its text) and the times of 1 in ${process.env.BENCH_BROWSER_SAMPLE ?? 10} other frames (read from their bytes; a frame laid out otherwise parsed whole)`, results })}\n`);
