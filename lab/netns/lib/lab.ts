// Starts the whole netns lab: the hub on the host's 127.0.0.1, the lab network, and per director a
// holder (network namespace + private /tmp), real keepalived, the recorded ipvsadm, a relay to the
// hub and the built agent with `--source ipvsadm,keepalived`. Everything it creates is registered
// with the caller's teardown as soon as it exists, so a failure or a signal half-way removes it too.
import { execFileSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { claimPrefix } from "./claim";
import { AGENT_MAIN, HUB_MAIN, REPO_ROOT, prepareHubData, stageAgent, startHub } from "./hub";
import type { HubClient, LabHub } from "./hub";
import { writeRecordedIpvsadm } from "./ipvsadmScript";
import { FAILOVER_FILE, KEEPALIVED, TRACKED_INTERFACE, createDaemon } from "./keepalived";
import type { Daemon } from "./keepalived";
import { addTrackedInterface, addressesIn, createNetwork, deleteNamespaces, setInterface } from "./network";
import { instancesOf, planLab } from "./plan";
import type { DirectorPlan, LabPlan, PlanOptions } from "./plan";
import { createProcessSet, pollUntil, spawnIn, startHolder, stopChild } from "./processes";
import { startRelay } from "./relay";
import type { Teardown } from "./teardown";

/** The relay run inside each director namespace. */
const RELAY_MAIN = join(REPO_ROOT, "lab/netns/relay.ts");
/** How long a relay may take to listen (tsx compiles it first) (ms). */
const RELAY_START_MS = 20_000;
/** A word in the command line of every lab process (see claim.ts). */
const LAB_MARKER = "lab/netns/";
/** The agents' tick (ms): the agent's default. */
const AGENT_TICK_MS = 1_000;

/** How long a planned MASTER may take to hold its VIPs after its VRRP process starts: three adverts and a skew, with room (ms). */
const MASTER_MS = 20_000;

/** Options for {@link startLab}. */
export interface LabOptions extends Omit<PlanOptions, "hubNamespace"> {
  /** The hub's port on 127.0.0.1 (0: any free port). */
  port: number;
  log: (message: string) => void;
  /** Keep the work folder (logs, configs) after the lab stops. */
  keepWork?: boolean;
  /**
   * Every instance tracks a script and an interface (see keepalived.ts), and the agents read the data
   * dump that says how they fare; the directors then offer `setCheck` and `setUplink`.
   */
  tracks?: boolean;
  /** Run this executable as the agent (an installed package's) instead of the built bundle under Node. */
  agentExecutable?: string;
}

/** One director of a running lab. */
export interface LabDirector {
  plan: DirectorPlan;
  keepalived: Daemon;
  agent: ChildProcess;
  /** Runs a command inside the director's network and mount namespaces; returns its stdout. */
  exec(command: string, args: readonly string[]): string;
  /** With `tracks`: makes the tracked script succeed or fail from its next run. */
  setCheck(ok: boolean): void;
  /** With `tracks`: takes the tracked interface up or down. */
  setUplink(up: boolean): void;
}

/** A running lab. */
export interface Lab {
  plan: LabPlan;
  work: string;
  hub: LabHub;
  admin: { user: string; password: string };
  directors: LabDirector[];
}

/** Why the lab cannot run here, or null when it can. */
export function labProblem(): string | null {
  if (process.getuid?.() !== 0) return "needs root (it creates network namespaces and runs keepalived): run it as root, e.g. with sudo";
  if (!existsSync(KEEPALIVED)) return `no keepalived at ${KEEPALIVED}: apt-get install keepalived (node scripts/ensure.mjs test installs it)`;
  for (const tool of ["/usr/bin/ip", "/usr/bin/nsenter", "/usr/bin/unshare"]) if (!existsSync(tool)) return `no ${tool}: apt-get install iproute2 util-linux`;
  if (!existsSync(HUB_MAIN) || !existsSync(AGENT_MAIN)) return "the hub or agent bundle is missing: run npx turbo run build first";
  return null;
}

function waitForLine(child: ChildProcess, text: string, ms: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${ms} ms`)), ms);
    child.stdout?.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(text)) resolve(clearTimeout(timer));
    });
    child.once("exit", (code) => reject(new Error(`${what} exited (${code}) before starting`)));
  });
}

/** Starts the lab; the caller owns `teardown` and runs it to remove everything. */
export async function startLab(options: LabOptions, teardown: Teardown): Promise<Lab> {
  const plan = planLab(options);
  const { log } = options;
  const work = mkdtempSync(`/var/tmp/${plan.prefix}`);
  teardown.deferSync("remove the work folder", () => {
    if (options.keepWork === true) log(`logs and configs kept in ${work}`);
    else rmSync(work, { recursive: true, force: true });
  });
  const claim = claimPrefix(plan.prefix, work, LAB_MARKER, log);
  teardown.deferSync("release the prefix", () => claim.release());
  teardown.deferSync("delete the namespaces", () => void deleteNamespaces(plan.prefix));
  const processes = createProcessSet();
  teardown.deferSync("kill the lab's processes", () => processes.killAll());

  const credentials = prepareHubData(join(work, "hub"), plan.directors.map((d) => d.id));
  const hub = await startHub({ dataDir: join(work, "hub"), port: options.port, logFile: join(work, "hub.log"), processes });
  if (hub.child.pid !== undefined) claim.recordHub(hub.child.pid);
  teardown.defer("stop the hub", () => hub.stop());
  const hubSocket = join(work, "hub.sock");
  const hostRelay = await startRelay({ listen: { path: hubSocket }, to: { host: "127.0.0.1", port: hub.port } });
  teardown.defer("close the host relay", () => hostRelay.close());

  const agentMain = stageAgent(work);
  createNetwork(plan);
  const logFile = (director: DirectorPlan, what: string) => openSync(join(work, `${director.id}.${what}.log`), "a");
  // A director that is MASTER of none of its instances starts keepalived once their MASTERs' VRRP
  // processes run. Started together, a BACKUP whose keepalived came up first could win the first election
  // and the MASTER then preempt it: a failover nobody caused, which the wall shows for minutes.
  // Per MASTER, settled once its VRRP process runs (or failed to start).
  const vrrpUp = new Map([...new Set(plan.instances.map((instance) => instance.master))].map((id) => {
    let resolve = () => undefined as void;
    let reject = (_err: Error) => undefined as void;
    const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
    // A MASTER no BACKUP waits for (each director of a pair masters one instance): its failure is not unhandled.
    promise.catch(() => undefined);
    return [id, { promise, resolve, reject }] as const;
  }));
  /**
   * Resolves once `director` holds the VIPs of the instances it masters, that is once its keepalived is
   * MASTER. Its BACKUPs start only then: started as soon as its VRRP process was, a BACKUP on a busy
   * machine could reach its own master-down timer first (the priorities' skew differs by tens of ms),
   * be MASTER for a moment and lose it to preemption, a real failover no test asked for.
   */
  const mastering = async (director: DirectorPlan) => {
    const vips = plan.instances.filter((instance) => instance.master === director.id).map((instance) => instance.vip);
    await pollUntil(() => vips.every((vip) => addressesIn(director.ns).includes(vip)), MASTER_MS, () => `keepalived on ${director.id} did not become MASTER (its VIPs ${vips.join(", ")}) within ${MASTER_MS} ms`);
  };
  const mastersOf = (id: string) =>
    plan.instances.filter((instance) => instance.master !== id && instance.members.some((m) => m.director === id)).map((instance) => instance.master);
  const directors = await Promise.all(
    plan.directors.map(async (director): Promise<LabDirector> => {
      const holderPid = await startHolder(director.ns, processes);
      const checkFile = join(work, `${director.id}.check.sh`);
      const setCheck = (ok: boolean) => writeFileSync(checkFile, ok ? "exit 0\n" : "exit 1\n");
      if (options.tracks === true) {
        setCheck(true);
        addTrackedInterface(director.ns, TRACKED_INTERFACE);
      }
      const keepalived = createDaemon({ plan, director, work, holderPid, processes, ...(options.tracks === true && { track: { checkFile } }) });
      teardown.defer(`stop keepalived on ${director.id}`, () => keepalived.stop());
      // Each director's IPVS has services behind the VIPs of its own segment's instances.
      const ipvsadm = writeRecordedIpvsadm(join(work, `${director.id}.ipvs`), instancesOf(plan, director).map((i) => i.vip));
      // The agent's hub URL is the same as the browser's: the relay listens on the hub's port in the namespace.
      const relayLog = logFile(director, "relay");
      const relay = processes.add(spawnIn(holderPid, false, process.execPath, ["--import", "tsx", RELAY_MAIN, `127.0.0.1:${hub.port}`, hubSocket], { cwd: REPO_ROOT, stdio: ["pipe", "pipe", relayLog] }));
      closeSync(relayLog);
      await waitForLine(relay, "relaying", RELAY_START_MS, `the relay in ${director.ns}`);
      const up = vrrpUp.get(director.id);
      if (up === undefined) await Promise.all(mastersOf(director.id).map((id) => vrrpUp.get(id)?.promise));
      keepalived.start();
      if (up !== undefined) keepalived.vrrpStarted().then(() => mastering(director)).then(up.resolve, up.reject);
      const agentArgs = ["run", "--hub", hub.url, "--director", director.id, "--tick-ms", String(AGENT_TICK_MS), "--source", "ipvsadm,keepalived", "--ipvsadm", ipvsadm];
      agentArgs.push("--keepalived-fifo", keepalived.files.vrrpNotifyFifo, "--keepalived-pid-file", keepalived.files.pidFile);
      // The holder's private /tmp is where this director's keepalived writes its data dump.
      if (options.tracks === true) agentArgs.push("--keepalived-data", "/tmp/keepalived.data", "--failover-file", FAILOVER_FILE);
      const agentLog = logFile(director, "agent");
      // The token goes in the environment, not on a command line every local user can read in ps.
      const env = { ...process.env, LVSDECK_AGENT_TOKEN: credentials.agentTokens.get(director.id) ?? "" };
      const [command, args] = options.agentExecutable === undefined ? [process.execPath, [agentMain, ...agentArgs]] : [options.agentExecutable, agentArgs];
      const agent = processes.add(spawnIn(holderPid, true, command, args, { env, stdio: ["ignore", agentLog, agentLog] }));
      closeSync(agentLog);
      teardown.defer(`stop the agent of ${director.id}`, () => stopChild(agent));
      const exec = (command: string, args: readonly string[]) =>
        execFileSync("nsenter", ["-t", String(holderPid), "-m", "-n", "--", command, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      const setUplink = (up: boolean) => setInterface(director.ns, TRACKED_INTERFACE, up);
      return { plan: director, keepalived, agent, exec, setCheck, setUplink };
    }),
  );
  return { plan, work, hub, admin: credentials.admin, directors };
}

/** The planned MASTER of every instance reports MASTER there and every other director BACKUP. */
export function electedAsPlanned(plan: LabPlan, cluster: Awaited<ReturnType<HubClient["cluster"]>>): boolean {
  return plan.instances.every((instance) =>
    instance.members.every((member) => {
      const view = cluster.directors.find((d) => d.id === member.director);
      const state = view?.snapshot?.vrrp.find((i) => i.name === instance.name)?.state;
      return view?.connected === true && !view.stale && state === (member.director === instance.master ? "MASTER" : "BACKUP");
    }),
  );
}
