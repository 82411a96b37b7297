// `npm run lab:cluster`: clustered hubs as a site deploys them, on this machine. PostgreSQL (the record)
// and nats-server with JetStream (the live model) from Debian, N hub processes on both, HAProxy in front
// (leastconn), and simulated directors in VRRP pairs whose agents are given every hub's URL. Prints the
// URL to open, a one-time admin password and each hub's pid, so a `kill -9` shows agents and browsers
// moving to the other hubs. Ctrl-C or SIGTERM stops everything and removes its temp folders.
// Usage: npm run lab:cluster -- [--hubs 3] [--pairs 1] [--port 8090] [--no-build] [--smoke]
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import type { ClusterResponse, HealthResponse } from "@lvsdeck/protocol";
import { parseCommandLine } from "../../scripts/commandLine.mjs";
import { startHaproxy, startNats, startPostgres } from "../../apps/hub/test/services";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const HUB_MAIN = join(ROOT, "apps/hub/dist/main.js");
const AGENT_MAIN = join(ROOT, "apps/agent/dist/main.js");
const ADMIN = "admin";

/** --smoke gives up after this (ms), counted from after the build. */
const SMOKE_LIMIT_MS = 90_000;
/** How long one hub may take to migrate the schema, join the bus and answer /api/health (ms). */
const HUB_READY_MS = 30_000;
/** How long the agents may take to report and each pair to elect a MASTER (ms). */
const CLUSTER_READY_MS = 60_000;
/** How long a process may take to exit after SIGTERM before it gets SIGKILL (ms). */
const STOP_GRACE_MS = 10_000;
const POLL_MS = 200;
/** A signal repeated within this is the same request: npm passes a terminal's Ctrl-C on to us again (ms). */
const REPEAT_SIGNAL_MS = 1_000;
/** Output kept in memory per process: the head holds the hub's "listening on" line, the tail the last words. */
const OUTPUT_KEEP = 16 * 1024;

const log = (message: string) => process.stderr.write(`[lab:cluster] ${message}\n`);

// ---- options ---------------------------------------------------------------------------------

interface Options {
  hubs: number;
  pairs: number;
  port: number;
  build: boolean;
  smoke: boolean;
}

function parseOptions(): Options {
  const values = parseCommandLine(
    "npm run lab:cluster --",
    `usage: npm run lab:cluster -- [--hubs 3] [--pairs 1] [--port 8090] [--no-build] [--smoke]
  (or node --import tsx lab/cluster/run.ts ...)
Clustered hubs on this machine: PostgreSQL and nats-server (JetStream) in temp folders, --hubs hub processes
on both, HAProxy (leastconn) in front on 127.0.0.1:--port, and --pairs VRRP pairs of simulated directors
(lvs-dir-01/02, lvs-dir-03/04, ...) whose agents are given every hub's URL. Prints the URL, a one-time
admin password and the hubs' pids: kill -9 one to see its agents and browsers move to the others.
Ctrl-C or SIGTERM stops everything and removes the temp folders.
  --no-build  use the apps as already built (otherwise: npx turbo run build)
  --smoke     start everything, check through HAProxy that every director reports and each pair has a
              MASTER, print "lab:cluster smoke: ok" and stop (exit 1 on failure or after 90 s)`,
    {
      hubs: { type: "string", default: "3" },
      pairs: { type: "string", default: "1" },
      port: { type: "string", default: "8090" },
      "no-build": { type: "boolean", default: false },
      smoke: { type: "boolean", default: false },
    },
  ) as { hubs: string; pairs: string; port: string; "no-build": boolean; smoke: boolean };
  return {
    hubs: integerOption("--hubs", values.hubs, 1, 9),
    // Director names have two digits: lvs-dir-01 … lvs-dir-40.
    pairs: integerOption("--pairs", values.pairs, 1, 20),
    port: integerOption("--port", values.port, 1, 65_535),
    build: !values["no-build"],
    smoke: values.smoke,
  };
}

function integerOption(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (Number.isInteger(value) && value >= min && value <= max) return value;
  process.stderr.write(`npm run lab:cluster: ${flag} must be an integer from ${min} to ${max}, not ${JSON.stringify(text)}\n`);
  process.exit(2);
}

// ---- stopping --------------------------------------------------------------------------------

const SIGNAL_NUMBERS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;

/** Why the lab stops early: a signal, as opposed to a failure. */
class StopSignal extends Error {
  constructor(readonly signal: keyof typeof SIGNAL_NUMBERS) {
    super(`stopped by ${signal}`);
  }

  get exitCode(): number {
    return 128 + SIGNAL_NUMBERS[this.signal];
  }
}

/** What to undo, newest first; a part registers its stop before it has started (see `part`). */
class Teardown {
  private steps: { name: string; run: () => Promise<unknown> }[] = [];
  running = false;
  failed = false;

  add(name: string, run: () => Promise<unknown>): void {
    this.steps.push({ name, run });
  }

  /** Runs every step; one that fails is reported and the others still run. */
  async run(): Promise<void> {
    this.running = true;
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      try {
        await step.run();
      } catch (error) {
        this.failed = true;
        log(`stopping ${step.name}: ${(error as Error).message}`);
      }
    }
  }
}

/** SIGINT, SIGTERM and SIGHUP abort the start or the run; a second one exits at once. */
function abortOnSignals(abort: AbortController): void {
  let firstAt = 0;
  for (const signal of Object.keys(SIGNAL_NUMBERS) as (keyof typeof SIGNAL_NUMBERS)[]) {
    process.on(signal, () => {
      if (firstAt === 0) {
        firstAt = Date.now();
        log(`${signal}: stopping everything (again to hurry)`);
        abort.abort(new StopSignal(signal));
      } else if (Date.now() - firstAt > REPEAT_SIGNAL_MS) {
        // The children die with this process (pdeathsig); only temp folders may be left in the temp dir.
        log(`${signal} again: exiting now`);
        process.exit(128 + SIGNAL_NUMBERS[signal]);
      }
    });
  }
}

/** `promise`, or the abort's reason as soon as the lab is stopped. */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

// ---- processes -------------------------------------------------------------------------------

/** A hub or agent process, its output in a log file and its first and last words in memory. */
interface Proc {
  name: string;
  pid: number;
  child: ChildProcess;
  logFile: string;
  head: string;
  tail: string;
  /** Set once it exited: "code 1" or "signal SIGKILL". */
  ended: string | null;
  /** Resolves when it exited and its output is written. */
  closed: Promise<void>;
}

/** Starts `node args…` with its output going to `logFile`; `onExit` hears an exit the lab did not ask for. */
function spawnNode(name: string, args: string[], logFile: string, onExit: (proc: Proc) => void): Proc {
  // setpriv execs node in place (the pid printed is node's) and has the kernel SIGKILL it when the lab
  // dies, even by kill -9. detached: a terminal's Ctrl-C reaches only the lab, which stops agents first.
  const child = spawn("setpriv", ["--pdeathsig", "KILL", "--", process.execPath, ...args], { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const file = createWriteStream(logFile, { flags: "a" });
  const proc: Proc = { name, pid: child.pid ?? -1, child, logFile, head: "", tail: "", ended: null, closed: Promise.resolve() };
  const keep = (chunk: Buffer) => {
    file.write(chunk);
    const text = chunk.toString();
    if (proc.head.length < OUTPUT_KEEP) proc.head += text.slice(0, OUTPUT_KEEP - proc.head.length);
    proc.tail = (proc.tail + text).slice(-OUTPUT_KEEP);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  child.once("error", (error) => keep(Buffer.from(`[lab:cluster] could not start: ${error.message}\n`)));
  proc.closed = new Promise((resolve) =>
    child.once("close", (code, signal) => {
      proc.ended = signal === null ? `code ${code}` : `signal ${signal}`;
      file.end(() => resolve());
      onExit(proc);
    }),
  );
  return proc;
}

/** SIGTERM, SIGKILL after STOP_GRACE_MS; resolves once it exited. */
async function stopProc(proc: Proc): Promise<void> {
  if (proc.ended !== null) return;
  proc.child.kill("SIGTERM");
  const timer = setTimeout(() => proc.child.kill("SIGKILL"), STOP_GRACE_MS);
  await proc.closed;
  clearTimeout(timer);
}

/** The last lines a process wrote, for error messages. */
function lastWords(proc: Proc): string {
  return `${proc.name} (pid ${proc.pid}) said last:\n${proc.tail.trimEnd().split("\n").slice(-15).join("\n")}\n(log: ${proc.logFile})`;
}

/**
 * Polls `problem` until it answers null; fails with its last answer at the deadline, and at once when a
 * watched process exits or the lab is stopped.
 */
async function waitUntil(what: string, problem: () => Promise<string | null>, o: { timeoutMs: number; watch: readonly Proc[]; signal: AbortSignal }): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  let left: string | null = "not asked yet";
  for (;;) {
    if (o.signal.aborted) {
      const reason = o.signal.reason as Error;
      // The smoke run's deadline: say what it was still waiting for.
      throw reason instanceof StopSignal ? reason : new Error(`${reason.message}, waiting for ${what}: ${left}`);
    }
    const dead = o.watch.find((p) => p.ended !== null);
    if (dead) throw new Error(`${dead.name} exited (${dead.ended}) while waiting for ${what}; ${lastWords(dead)}`);
    left = await problem().catch((error: Error) => error.message);
    if (left === null) return;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${o.timeoutMs / 1000} s: ${left}`);
    await delay(POLL_MS);
  }
}

/** GET `url` as JSON; an HTTP error, a refused connection or a hang becomes the thrown message. */
async function getJson<T>(url: string, cookie = ""): Promise<T> {
  const response = await fetch(url, { headers: { cookie }, signal: AbortSignal.timeout(5_000) }).catch((error: Error) => {
    throw new Error(`GET ${url}: ${error.message}`);
  });
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

/**
 * Fails unless `port` is free on 127.0.0.1. HAProxy binds with SO_REUSEPORT and so starts even beside
 * another listener, which would then answer half the lab's requests: ask first, before starting anything.
 */
function checkPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(new Error(error.code === "EADDRINUSE" ? `port ${port} on 127.0.0.1 is in use: pick another with --port` : `port ${port}: ${error.message}`)),
    );
    server.listen(port, "127.0.0.1", () => server.close(() => resolve()));
  });
}

/** Asks the kernel for a free loopback UDP port, as the demo does for VRRP. */
function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    socket.bind(0, "127.0.0.1", () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

// ---- the lab ---------------------------------------------------------------------------------

/** What the lab's parts share while starting. */
interface Context {
  options: Options;
  work: string;
  teardown: Teardown;
  signal: AbortSignal;
  /** Tells the user about a hub or agent that exited while the lab runs. */
  onExit: (proc: Proc) => void;
}

interface Hub {
  index: number;
  url: string;
  port: number;
  proc: Proc;
}

interface Director {
  name: string;
  pair: number;
  proc: Proc;
}

interface Lab {
  proxyUrl: string;
  postgresUrl: string;
  natsUrl: string;
  hubs: Hub[];
  directors: Director[];
  password: string;
  cookie: string;
}

/**
 * Starts a server from services.ts. Its stop is registered at once, waiting for the start to settle,
 * so a Ctrl-C during a slow start still stops (and cleans up after) what it started.
 */
function part<T>(ctx: Context, name: string, starting: Promise<T>, stop: (started: T) => Promise<void>): Promise<T> {
  ctx.teardown.add(name, async () => {
    const started = await starting.catch(() => undefined);
    if (started !== undefined) await stop(started);
  });
  return unlessAborted(starting, ctx.signal).catch((error: Error) => {
    throw error instanceof StopSignal ? error : new Error(`starting ${name}: ${error.message}`);
  });
}

async function startLab(ctx: Context): Promise<Lab> {
  await checkPortFree(ctx.options.port);
  log("starting PostgreSQL");
  const postgres = await part(ctx, "PostgreSQL", startPostgres(), (p) => p.stop());
  log("starting nats-server (JetStream)");
  const nats = await part(ctx, "nats-server", startNats(), (n) => n.dispose());
  // One fleet-wide agent token, known to every hub. Its prefix keeps it from starting with "-", which
  // an option parser takes for the next option (1 random token in 64 did, and a hub refused to start).
  const agentToken = `fleet_${randomBytes(18).toString("base64url")}`;
  const hubs = await startHubs(ctx, postgres.url, nats.url, agentToken);
  const password = await addAdmin(postgres.url, ctx.signal);
  log("starting HAProxy");
  const proxy = await part(ctx, "HAProxy", startHaproxy(hubs.map((h) => h.port), { balance: "leastconn", port: ctx.options.port }), (h) => h.stop());
  const directors = await startDirectors(ctx, hubs, agentToken);
  const cookie = await signIn(proxy.url, password);
  log("waiting for every director to report and each pair to elect a MASTER");
  await waitUntil("the directors", () => clusterProblem(proxy.url, cookie, directors), {
    timeoutMs: CLUSTER_READY_MS,
    watch: [...hubs.map((h) => h.proc), ...directors.map((d) => d.proc)],
    signal: ctx.signal,
  });
  return { proxyUrl: proxy.url, postgresUrl: postgres.url, natsUrl: nats.url, hubs, directors, password, cookie };
}

/** Starts the hubs one after another, each with its own data folder and a port the kernel picks. */
async function startHubs(ctx: Context, postgresUrl: string, natsUrl: string, agentToken: string): Promise<Hub[]> {
  const procs: Proc[] = [];
  ctx.teardown.add("hubs", () => Promise.all(procs.map(stopProc)));
  const hubs: Hub[] = [];
  for (let index = 1; index <= ctx.options.hubs; index++) {
    const data = join(ctx.work, `hub${index}`);
    await mkdir(data);
    // --port 0: the hub binds a free port itself and prints it, so no other process can take it first.
    const args = [HUB_MAIN, "--port", "0", "--host", "127.0.0.1", "--data", data, "--postgres", postgresUrl, "--nats", natsUrl, `--agent-token=${agentToken}`];
    const proc = spawnNode(`hub ${index}`, args, join(ctx.work, `hub${index}.log`), ctx.onExit);
    procs.push(proc);
    const wait = { timeoutMs: HUB_READY_MS, watch: [proc], signal: ctx.signal };
    await waitUntil(`hub ${index} to listen`, async () => (listeningPort(proc) === null ? "no 'listening on' line yet" : null), wait);
    const port = listeningPort(proc) as number;
    const url = `http://127.0.0.1:${port}`;
    await waitUntil(`hub ${index} to answer /api/health`, () => getJson<HealthResponse>(`${url}/api/health`).then(() => null), wait);
    log(`hub ${index} up: ${url} (pid ${proc.pid})`);
    hubs.push({ index, url, port, proc });
  }
  return hubs;
}

function listeningPort(proc: Proc): number | null {
  const match = /listening on https?:\/\/[^:\s]+:(\d+)/.exec(proc.head);
  return match?.[1] === undefined ? null : Number(match[1]);
}

/** Creates the admin with the hub's CLI against the shared database, as an operator would; returns the password. */
async function addAdmin(postgresUrl: string, signal: AbortSignal): Promise<string> {
  const password = randomBytes(12).toString("base64url");
  const child = spawn(process.execPath, [HUB_MAIN, "user", "add", ADMIN, "--role", "admin", "--postgres", postgresUrl], { cwd: ROOT, stdio: ["pipe", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(`${password}\n`);
  const code = await unlessAborted(new Promise<number | null>((resolve) => child.once("close", resolve)), signal);
  if (code !== 0) throw new Error(`lvsdeck-hub user add ${ADMIN} failed (${code}): ${stderr.trim()}`);
  return password;
}

/**
 * Starts two agents per pair, simulated directors electing a MASTER over loopback UDP as in
 * scripts/demo.mjs. Agent i lists the hubs starting at hub i % N, so the agents start spread over them.
 */
async function startDirectors(ctx: Context, hubs: readonly Hub[], agentToken: string): Promise<Director[]> {
  const directors: Director[] = [];
  ctx.teardown.add("agents", () => Promise.all(directors.map((d) => stopProc(d.proc))));
  for (let pair = 0; pair < ctx.options.pairs; pair++) {
    const ports = [await freeUdpPort(), await freeUdpPort()];
    for (const side of [0, 1]) {
      const i = pair * 2 + side;
      const name = `lvs-dir-${String(i + 1).padStart(2, "0")}`;
      const hubList = hubs.map((_, k) => (hubs[(i + k) % hubs.length] as Hub).url).join(",");
      // One seed per pair: the sim draws its clients from the seed alone, so both directors of a pair
      // see the same clients (as behind one VIP), and the pairs differ from each other.
      const args = [
        AGENT_MAIN, "--hub", hubList, "--director", name, `--token=${agentToken}`, "--source", "sim", "--seed", String(pair + 1),
        "--vrrp-listen", `127.0.0.1:${ports[side]}`, "--vrrp-peer", `127.0.0.1:${ports[1 - side]}`,
      ];
      directors.push({ name, pair, proc: spawnNode(name, args, join(ctx.work, `${name}.log`), ctx.onExit) });
    }
  }
  log(`started ${directors.length} agents: ${directors.map((d) => `${d.name} (pid ${d.proc.pid})`).join(", ")}`);
  return directors;
}

/** Signs in through `url` and returns the session cookie. */
async function signIn(url: string, password: string): Promise<string> {
  const response = await fetch(`${url}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: ADMIN, password }),
    signal: AbortSignal.timeout(5_000),
  }).catch((error: Error) => {
    throw new Error(`signing in as ${ADMIN} through ${url}: ${error.message}`);
  });
  if (!response.ok) throw new Error(`signing in as ${ADMIN} through ${url} failed: HTTP ${response.status}`);
  return (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}

/** What keeps the lab from being ready, as /api/cluster shows it: null once every director reports fresh data and each pair has one MASTER. */
async function clusterProblem(url: string, cookie: string, directors: readonly Director[]): Promise<string | null> {
  const cluster = await getJson<ClusterResponse>(`${url}/api/cluster`, cookie);
  for (const d of directors) {
    const view = cluster.directors.find((v) => v.id === d.name);
    if (view === undefined) return `${d.name} is not in /api/cluster`;
    if (view.snapshot === null || view.stale) return `${d.name} has no fresh snapshot`;
  }
  for (const pair of pairsOf(directors)) {
    const masters = mastersIn(cluster, pair);
    if (masters.length !== 1) return `pair ${pair.map((d) => d.name).join("/")} has ${masters.length === 0 ? "no" : masters.length} MASTER${masters.length > 1 ? "s" : ""}`;
  }
  return null;
}

function pairsOf(directors: readonly Director[]): Director[][] {
  const pairs = new Map<number, Director[]>();
  for (const d of directors) pairs.set(d.pair, [...(pairs.get(d.pair) ?? []), d]);
  return [...pairs.values()];
}

function mastersIn(cluster: ClusterResponse, pair: readonly Director[]): string[] {
  return pair.filter((d) => cluster.directors.find((v) => v.id === d.name)?.snapshot?.vrrp.some((i) => i.state === "MASTER")).map((d) => d.name);
}

/** The summary a user needs: where to go, how to sign in, and what to kill to see a failover. */
async function printSummary(lab: Lab, work: string): Promise<void> {
  const cluster = await getJson<ClusterResponse>(`${lab.proxyUrl}/api/cluster`, lab.cookie);
  const hubLines = await Promise.all(
    lab.hubs.map(async (h) => {
      const health = await getJson<HealthResponse>(`${h.url}/api/health`).catch(() => null);
      return `  hub ${h.index}  ${h.url}  pid ${h.proc.pid}  agents connected: ${health?.connectedAgents ?? "?"}`;
    }),
  );
  const pairs = pairsOf(lab.directors).map((p) => `${p.map((d) => d.name).join("/")} (MASTER ${mastersIn(cluster, p).join(", ")})`);
  const shared = vridsAcrossPairs(cluster, lab.directors);
  // Every pair simulates the same seed cluster; the hub cannot tell the pairs apart and says so.
  const note = shared.length === 0 ? "" : `note: the pairs all simulate the same seed cluster (VRID ${shared.join(", ")}, same VIPs), so the hub sees one VRRP network and alerts a split brain across the pairs (--pairs 1 has none)\n`;
  process.stdout.write(`
lvsdeck cluster lab running (Ctrl-C stops everything and removes its temp folders)
open ${lab.proxyUrl} in a browser (HAProxy, leastconn over ${lab.hubs.length} hubs)
sign in as ${ADMIN} with the one-time password ${lab.password}
hubs:
${hubLines.join("\n")}
directors: ${pairs.join(", ")}
PostgreSQL ${lab.postgresUrl}, NATS ${lab.natsUrl}; logs in ${work}
failover: kill -9 a hub (pids ${lab.hubs.map((h) => h.proc.pid).join(" ")}): its agents move to the other hubs and its browsers reconnect through HAProxy
${note}`);
}

/** The VRIDs of the hub's VRRP groups whose members come from more than one of the lab's pairs. */
function vridsAcrossPairs(cluster: ClusterResponse, directors: readonly Director[]): number[] {
  const pairOf = new Map(directors.map((d) => [d.name as string, d.pair]));
  return cluster.health.groups
    .filter((g) => g.vrid !== null && new Set(g.members.map((m) => pairOf.get(m.director))).size > 1)
    .map((g) => g.vrid as number);
}

// ---- main ------------------------------------------------------------------------------------

function build(): void {
  const result = spawnSync("npx", ["turbo", "run", "build", "--output-logs=errors-only"], { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0) {
    log(`the build failed (${result.status ?? result.signal})`);
    process.exit(1);
  }
}

/** Waits for a signal; the timer keeps Node running even if every child has gone. */
async function runUntilStopped(signal: AbortSignal): Promise<never> {
  const keepAlive = setInterval(() => undefined, 1 << 30);
  try {
    return await unlessAborted(new Promise<never>(() => undefined), signal);
  } finally {
    clearInterval(keepAlive);
  }
}

async function main(): Promise<number> {
  const options = parseOptions();
  if (options.build) build();
  const abort = new AbortController();
  abortOnSignals(abort);
  // The smoke run's clock starts after the build, which takes as long as it takes.
  const limit = options.smoke ? setTimeout(() => abort.abort(new Error(`not done within ${SMOKE_LIMIT_MS / 1000} s`)), SMOKE_LIMIT_MS) : undefined;
  const teardown = new Teardown();
  const work = await mkdtemp(join(tmpdir(), "lvsdeck-lab-cluster-"));
  teardown.add("the temp folder", () => rm(work, { recursive: true, force: true }));
  const onExit = (proc: Proc) => {
    if (teardown.running || abort.signal.aborted) return;
    const hint = proc.name.startsWith("hub") ? ": its agents move to the next hub in their lists" : "";
    log(`${proc.name} (pid ${proc.pid}) exited (${proc.ended})${hint}; log: ${proc.logFile}`);
  };
  let code = 0;
  try {
    const lab = await startLab({ options, work, teardown, signal: abort.signal, onExit });
    await printSummary(lab, work);
    if (options.smoke) process.stdout.write("lab:cluster smoke: ok\n");
    else await runUntilStopped(abort.signal);
  } catch (error) {
    if (error instanceof StopSignal) code = error.exitCode;
    else {
      log(`${options.smoke ? "smoke: " : ""}failed: ${(error as Error).message}`);
      code = 1;
    }
  } finally {
    clearTimeout(limit);
    log("stopping what it started");
    await teardown.run();
  }
  if (teardown.failed && code === 0) code = 1;
  log(teardown.failed ? `stopped, not cleanly (see above); exit ${code}` : `everything stopped, temp folders removed; exit ${code}`);
  return code;
}

process.exit(await main());
