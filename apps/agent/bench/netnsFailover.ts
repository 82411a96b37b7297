// `npm run bench` part (group "failover"): how long a real VRRP transition takes from keepalived writing
// it to its notify FIFO to the browser showing the new MASTER. Two keepalived 2.2.7 daemons elect a
// MASTER in network namespaces; each has its agent (the built bundle, --source keepalived) in its own
// namespace, streaming to the built hub in a third; Debian's Chromium shows the topology page and the
// wall. keepalived writes each line to notify_fifo (stamped here) and then vrrp_notify_fifo (the agent's).
// The bench alternates SIGTERM to the MASTER's keepalived (the BACKUP takes over) and a restart (it
// preempts back). Baseline in the same run: a page polling /api/cluster every BENCH_POLL_MS.
// Root only; prints one JSON line (`skipped` with a reason when it cannot run).
// BENCH_FAILOVERS (20) transitions to MASTER; BENCH_POLL_MS (5000); BENCH_KEEP_WORK=1 keeps the logs.
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openBrowserProbe } from "./browserProbe";
import type { BrowserProbe } from "./browserProbe";
import { figuresOf, summarize } from "./failoverFigures";
import type { Transition } from "./failoverFigures";
import { stampFifos } from "./fifoStamper";
import type { FifoStamper, StampedLine } from "./fifoStamper";
import { stageAgent } from "../../../lab/netns/lib/hub";
import { createDaemon } from "../../../lab/netns/lib/keepalived";
import type { Daemon } from "../../../lab/netns/lib/keepalived";
import { createNetwork, deleteNamespaces } from "../../../lab/netns/lib/network";
import { planLab } from "../../../lab/netns/lib/plan";
import { createProcessSet, startHolder } from "../../../lab/netns/lib/processes";
import type { ProcessSet } from "../../../lab/netns/lib/processes";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const HUB_MAIN = join(root, "apps/hub/dist/main.js");
const AGENT_MAIN = join(root, "apps/agent/dist/main.js");
const KEEPALIVED = "/usr/sbin/keepalived";
const CHROMIUM = "/usr/bin/chromium";
const FAILOVERS = Number(process.env.BENCH_FAILOVERS ?? 20);
const POLL_MS = Number(process.env.BENCH_POLL_MS ?? 5_000);
const HUB_PORT = 8080;
/** The netns lab's layout (lab/netns/lib), under the bench's own names: the hub in a namespace of its own. */
const PLAN = planLab({ prefix: "lvsdk-bench-", hubNamespace: true, directorId: (i) => `lvs-bench-d${i}` });
const { ns: HUB_NS, address: HUB_ADDRESS } = PLAN.hub ?? { ns: "", address: "" };
const { name: INSTANCE, vip: VIP } = PLAN.instances[0] ?? { name: "", vip: "" };
const USER = "bench";
const PASSWORD = "bench-viewer-password";
/** keepalived needs 3 x advert_int plus skew to elect; this is far beyond it (ms). */
const ELECTION_TIMEOUT_MS = 15_000;
/** How long the pages may take to show a transition before it counts as missed (ms). */
const SHOW_TIMEOUT_MS = 10_000;
/** The first election, agents connecting and pages loading (ms). */
const STARTUP_TIMEOUT_MS = 45_000;
/** How long the hub may take to listen (ms). */
const HUB_START_MS = 20_000;
/** Least pause after each transition was seen everywhere, so the next one starts from a quiet system (ms). */
const SETTLE_MS = 500;

/** mulberry32: the same pauses on every run, so runs differ only in what they measure. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seededRandom(3);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const emit = (result: object) => process.stdout.write(`${JSON.stringify({ bench: "netns-failover", ...result })}\n`);

function skipReason(): string | null {
  if (!Number.isInteger(FAILOVERS) || FAILOVERS < 1) throw new Error("BENCH_FAILOVERS must be a positive integer");
  if (!Number.isInteger(POLL_MS) || POLL_MS < 100) throw new Error("BENCH_POLL_MS must be an integer >= 100");
  if (process.getuid?.() !== 0) return "needs root (network namespaces, keepalived)";
  if (!existsSync(KEEPALIVED)) return `no keepalived at ${KEEPALIVED} (apt-get install keepalived)`;
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (apt-get install chromium)`;
  if (!existsSync(HUB_MAIN) || !existsSync(AGENT_MAIN)) return "hub or agent bundle missing: run npx turbo run build first";
  return null;
}

/** Runs an administrative hub command on the data folder; returns its stdout. */
function hubCli(dataDir: string, args: string[], input = ""): string {
  const result = spawnSync(process.execPath, [HUB_MAIN, ...args, "--data", dataDir], { input, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`lvsdeck-hub ${args.join(" ")}: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

/** Resolves once the child printed `text` on stdout; rejects when it exits or the time is up. */
function waitForOutput(child: ChildProcess, text: string, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`no "${text}" within ${ms} ms: ${seen}`)), ms);
    child.stdout?.on("data", (d: Buffer) => {
      seen += d.toString();
      if (seen.includes(text)) resolve(clearTimeout(timer));
    });
    child.once("exit", (code) => reject(new Error(`exited (${code}) before "${text}": ${seen}`)));
  });
}

/** The notify_fifo the bench stamps (the daemons are created with one). */
function benchFifo(daemon: Daemon): string {
  if (daemon.files.notifyFifo === null) throw new Error(`${daemon.director.id} has no notify_fifo`);
  return daemon.files.notifyFifo;
}

/** The first `INSTANCE "…" MASTER` line stamped at or after `since`. */
async function masterLine(stamper: FifoStamper, daemon: Daemon, since: number): Promise<StampedLine> {
  const wanted = `INSTANCE "${INSTANCE}" MASTER `;
  for (const end = Date.now() + ELECTION_TIMEOUT_MS; Date.now() < end; await sleep(10)) {
    const line = stamper.lines(benchFifo(daemon)).find((l) => l.at >= since && l.line.startsWith(wanted));
    if (line !== undefined) return line;
  }
  throw new Error(`${daemon.director.id} wrote no MASTER line within ${ELECTION_TIMEOUT_MS} ms`);
}

async function run(work: string, processes: ProcessSet, cleanups: Array<() => Promise<void> | void>) {
  const dataDir = join(work, "hub");
  // The agents run in mount namespaces with a private /tmp, where a checkout under /tmp is not visible.
  const agentMain = stageAgent(work);
  mkdirSync(dataDir);
  hubCli(dataDir, ["user", "add", USER, "--role", "viewer"], `${PASSWORD}\n`);
  const wallToken = hubCli(dataDir, ["token", "add-wall", "bench-wall"]);
  const tokens = PLAN.directors.map((d) => hubCli(dataDir, ["token", "add-agent", d.id]));
  createNetwork(PLAN);
  const hubUrl = `http://${HUB_ADDRESS}:${HUB_PORT}`;
  const hub = processes.add(
    spawn("ip", ["netns", "exec", HUB_NS, process.execPath, HUB_MAIN, "--host", HUB_ADDRESS, "--port", String(HUB_PORT), "--data", dataDir], { stdio: ["ignore", "pipe", openSync(join(work, "hub.log"), "a")] }),
  );
  await waitForOutput(hub, "listening", HUB_START_MS);
  const holders = new Map<Daemon, number>();
  for (const director of PLAN.directors) {
    const holder = await startHolder(director.ns, processes);
    const daemon = createDaemon({ plan: PLAN, director, work, holderPid: holder, processes, notifyFifo: true });
    holders.set(daemon, holder);
    cleanups.push(() => daemon.stop());
  }
  const daemons = [...holders.keys()];
  const stamper = await stampFifos(daemons.map(benchFifo));
  cleanups.push(() => stamper.close());
  for (const [i, daemon] of daemons.entries()) {
    daemon.start();
    const agentArgs = ["--hub", hubUrl, "--director", daemon.director.id, "--source", "keepalived", "--keepalived-fifo", daemon.files.vrrpNotifyFifo, "--keepalived-pid-file", daemon.files.pidFile];
    const log = openSync(join(work, `${daemon.director.id}.agent.log`), "a");
    // The token goes in the environment, not on a command line every local user can read in ps.
    const env = { ...process.env, LVSDECK_AGENT_TOKEN: tokens[i] ?? "" };
    processes.add(spawn("nsenter", ["-t", String(holders.get(daemon)), "-m", "-n", "--", process.execPath, agentMain, "run", ...agentArgs], { stdio: ["ignore", "ignore", log], env }));
  }
  const probe: BrowserProbe = await openBrowserProbe({ hubUrl, ns: HUB_NS, work, user: USER, password: PASSWORD, wallToken, vip: VIP, pollMs: POLL_MS });
  cleanups.push(() => probe.close());
  const [primary, secondary] = daemons as [Daemon, Daemon];
  if (!(await probe.waitForSettled(primary.director.id, STARTUP_TIMEOUT_MS))) throw new Error(`the pages never showed ${primary.director.id} as the MASTER`);

  const transitions: Transition[] = [];
  for (let i = 0; i < FAILOVERS; i++) {
    const kind = i % 2 === 0 ? "takeover" : "preempt";
    const target = kind === "takeover" ? secondary : primary;
    const actionAt = Date.now();
    if (kind === "takeover") await primary.stop();
    else primary.start();
    const line = await masterLine(stamper, target, actionAt);
    transitions.push({ kind, director: target.director.id, actionAt, stampAt: line.at });
    await probe.waitForMaster(target.director.id, actionAt, SHOW_TIMEOUT_MS);
    // Hold the new state until the poller saw it too, so the baseline gets a figure for every transition.
    await probe.waitForPoll(target.director.id, actionAt, POLL_MS + SHOW_TIMEOUT_MS);
    await probe.waitForSettled(target.director.id, SHOW_TIMEOUT_MS);
    // A random pause puts the next transition at a random point of the poller's period: without it
    // the bench's rhythm would lock onto the poller's and flatter or punish the baseline.
    await sleep(SETTLE_MS + random() * POLL_MS);
    process.stderr.write(`[failover] ${i + 1}/${FAILOVERS} ${kind} to ${target.director.id}: election ${line.at - actionAt} ms\n`);
  }
  const [seen, events] = await Promise.all([probe.records(), probe.transitions()]);
  const figures = transitions.map((t) => figuresOf(t, seen, events));
  for (const f of figures) process.stderr.write(`[failover] ${JSON.stringify(f)}\n`);
  return { failovers: FAILOVERS, pollMs: POLL_MS, keepalived: "2.2.7", advertIntSec: 1, ...summarize(figures) };
}

async function main(): Promise<void> {
  const skip = skipReason();
  if (skip !== null) {
    process.stderr.write(`[failover] skipped: ${skip}\n`);
    emit({ skipped: true, reason: skip });
    return;
  }
  const work = mkdtempSync("/var/tmp/lvsdk-bench-");
  const processes = createProcessSet();
  const cleanups: Array<() => Promise<void> | void> = [];
  let failed = true;
  const cleanUp = async () => {
    for (const step of cleanups.splice(0).reverse()) await Promise.resolve().then(step).catch(() => undefined);
    processes.killAll();
    deleteNamespaces(PLAN.prefix);
    if (failed || process.env.BENCH_KEEP_WORK === "1") process.stderr.write(`[failover] logs kept in ${work}\n`);
  };
  // Namespaces and daemons go away on Ctrl-C, on kill and on any exit, not only after a clean run.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(signal, () => void cleanUp().finally(() => process.exit(130)));
  process.once("exit", () => {
    processes.killAll();
    deleteNamespaces(PLAN.prefix);
  });
  try {
    const result = await run(work, processes, cleanups);
    failed = false;
    emit(result);
  } finally {
    await cleanUp();
    if (!failed && process.env.BENCH_KEEP_WORK !== "1") rmSync(work, { recursive: true, force: true });
  }
}

await main();
