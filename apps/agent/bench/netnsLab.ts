// The netns lab of the failover bench: a bridge namespace, a hub namespace and one namespace per
// director, each director with a private /tmp (keepalived 2.2.7 always dumps to /tmp/keepalived.json)
// held open by a sleeping process that keepalived and the agent enter with nsenter. Every interface is
// created inside a namespace of ours: the host's network namespace is never changed.
import { execFileSync, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Every namespace of the bench starts with this, so leftovers are easy to find and never clash with the tests'. */
export const NS_PREFIX = "lvsdk-bench-";
const BRIDGE_NS = `${NS_PREFIX}br`;
/** The hub's namespace: the hub and the browser run here, reachable from the directors over the bridge. */
export const HUB_NS = `${NS_PREFIX}hub`;
/** The hub's address on the lab bridge (documentation range, inside our namespaces only). */
export const HUB_ADDRESS = "198.51.100.1";
export const VIP = "198.51.100.100";
export const VRID = 88;
export const INSTANCE = "VI_88";
/** How long a namespace holder may take to mount its private /tmp (ms). */
const HOLDER_READY_MS = 5_000;
/** How long keepalived may take to exit after SIGTERM before it is killed (ms). */
const KEEPALIVED_STOP_MS = 10_000;

/** One director of the lab, as the seed deployment has them: VRID 88, priorities 200/100. */
export interface DirectorSpec {
  id: string;
  ns: string;
  address: string;
  priority: number;
  initialState: "MASTER" | "BACKUP";
}

export const DIRECTORS: readonly DirectorSpec[] = [
  { id: "lvs-bench-d1", ns: `${NS_PREFIX}d1`, address: "198.51.100.11", priority: 200, initialState: "MASTER" },
  { id: "lvs-bench-d2", ns: `${NS_PREFIX}d2`, address: "198.51.100.12", priority: 100, initialState: "BACKUP" },
];
const ALL_NS = [BRIDGE_NS, HUB_NS, ...DIRECTORS.map((d) => d.ns)];

const ip = (...args: string[]) => execFileSync("ip", args, { stdio: "pipe" });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Deletes the lab's namespaces (those that exist); safe to call at any time, also from an exit handler. */
export function deleteNetwork(): void {
  for (const ns of ALL_NS) {
    try {
      ip("netns", "del", ns);
    } catch {
      // not created, or already gone
    }
  }
}

/** Creates the bridge and one veth into each namespace, both ends made inside namespaces of ours. */
export function createNetwork(): void {
  deleteNetwork();
  ip("netns", "add", BRIDGE_NS);
  ip("-n", BRIDGE_NS, "link", "add", "br0", "type", "bridge");
  ip("-n", BRIDGE_NS, "link", "set", "br0", "up");
  const members = [{ ns: HUB_NS, address: HUB_ADDRESS }, ...DIRECTORS];
  members.forEach(({ ns, address }, i) => {
    const port = `vb${i}`;
    ip("netns", "add", ns);
    ip("-n", BRIDGE_NS, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
    ip("-n", BRIDGE_NS, "link", "set", port, "master", "br0", "up");
    ip("-n", ns, "link", "set", "lo", "up");
    ip("-n", ns, "link", "set", "eth0", "up");
    ip("-n", ns, "addr", "add", `${address}/24`, "dev", "eth0");
  });
}

/** Processes the lab started, killed by pid (and only those) when it is torn down. */
export interface ProcessSet {
  add(child: ChildProcess): ChildProcess;
  killAll(): void;
}

export function createProcessSet(): ProcessSet {
  const children = new Set<ChildProcess>();
  return {
    add(child) {
      children.add(child);
      child.once("exit", () => children.delete(child));
      return child;
    },
    killAll() {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    },
  };
}

/** Starts a process that holds `ns` plus a private /tmp; returns its pid, for nsenter. */
export async function startHolder(ns: string, processes: ProcessSet): Promise<number> {
  const script = "mount -t tmpfs lvsdk-bench /tmp && touch /tmp/.ready && exec sleep 2147483647";
  // Neither `ip netns exec` nor `unshare -m` forks: the child's pid ends up as the sleeping holder's.
  const child = processes.add(spawn("ip", ["netns", "exec", ns, "unshare", "-m", "--propagation", "private", "sh", "-c", script], { stdio: "ignore" }));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start the holder of ${ns}`);
  for (const end = Date.now() + HOLDER_READY_MS; !existsSync(`/proc/${pid}/root/tmp/.ready`); await sleep(20)) {
    if (Date.now() > end || child.exitCode !== null) throw new Error(`the holder of ${ns} did not mount its /tmp`);
  }
  return pid;
}

/** One director's keepalived: the FIFO the bench stamps, the FIFO the agent reads, and stop/start. */
export interface Daemon {
  spec: DirectorSpec;
  pidFile: string;
  benchFifo: string;
  agentFifo: string;
  start(): void;
  /** SIGTERM to keepalived's parent, as `systemctl stop` does; resolves once it exited. */
  stop(): Promise<void>;
}

/** keepalived.conf for one director: both notify FIFOs get the same lines, written one after the other. */
function keepalivedConf(spec: DirectorSpec, benchFifo: string, agentFifo: string): string {
  return `global_defs {
  router_id ${spec.id}
  notify_fifo ${benchFifo}
  vrrp_notify_fifo ${agentFifo}
}
vrrp_instance ${INSTANCE} {
  state ${spec.initialState}
  interface eth0
  virtual_router_id ${VRID}
  priority ${spec.priority}
  advert_int 1
  virtual_ipaddress {
    ${VIP}/24
  }
}
`;
}

/** Writes the director's keepalived.conf and FIFOs; keepalived runs inside the holder's namespaces once started. */
export function createDaemon(spec: DirectorSpec, work: string, holderPid: number, processes: ProcessSet): Daemon {
  const file = (suffix: string) => join(work, `${spec.id}.${suffix}`);
  const [conf, pidFile, benchFifo, agentFifo] = [file("conf"), file("pid"), file("bench.fifo"), file("agent.fifo")];
  writeFileSync(conf, keepalivedConf(spec, benchFifo, agentFifo));
  // Made before keepalived starts, so keepalived neither creates nor removes them across restarts.
  execFileSync("mkfifo", ["-m", "0600", benchFifo, agentFifo]);
  let child: ChildProcess | null = null;
  return {
    spec,
    pidFile,
    benchFifo,
    agentFifo,
    start() {
      const args = ["-t", String(holderPid), "-m", "-n", "--", "/usr/sbin/keepalived", "-f", conf, "-p", pidFile, "-r", file("vrrp.pid"), "-c", file("check.pid"), "--dont-fork", "--log-console", "--vrrp"];
      const log = openSync(file("log"), "a");
      child = processes.add(spawn("nsenter", args, { stdio: ["ignore", log, log] }));
      closeSync(log);
    },
    async stop() {
      const current = child;
      if (current === null || current.exitCode !== null || current.signalCode !== null) return;
      const exited = new Promise((r) => current.once("exit", r));
      current.kill("SIGTERM");
      const timer = setTimeout(() => current.kill("SIGKILL"), KEEPALIVED_STOP_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}
