// The processes a lab starts, and the "holder" of each director: a sleeping process in the director's
// network namespace with a private /tmp (keepalived 2.2.7 always dumps to /tmp/keepalived.json, so
// daemons sharing one /tmp overwrite each other). keepalived and the agent enter it with nsenter.
import { spawn } from "node:child_process";
import type { ChildProcess, SpawnOptions } from "node:child_process";
import { existsSync } from "node:fs";

/** How long a namespace holder may take to mount its private /tmp (ms). */
const HOLDER_READY_MS = 5_000;
/** How long a process may take to exit after SIGTERM before it gets SIGKILL (ms). */
export const STOP_GRACE_MS = 5_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves once `done()` holds, checked every 50 ms; after `ms` without it, fails with `failure()`. */
export async function pollUntil(done: () => boolean, ms: number, failure: () => string): Promise<void> {
  for (const end = Date.now() + ms; !done(); await sleep(50)) {
    if (Date.now() >= end) throw new Error(failure());
  }
}

/** Processes the lab started, killed by pid (and only those) when it is torn down. */
export interface ProcessSet {
  add(child: ChildProcess): ChildProcess;
  /** SIGKILL to every one still running; synchronous, for exit handlers. */
  killAll(): void;
  /** SIGTERM to every one still running, SIGKILL to those still there after `graceMs`. */
  stopAll(graceMs?: number): Promise<void>;
}

const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child exited. */
export async function stopChild(child: ChildProcess, graceMs = STOP_GRACE_MS): Promise<void> {
  if (!running(child)) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
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
      for (const child of children) if (running(child)) child.kill("SIGKILL");
    },
    async stopAll(graceMs = STOP_GRACE_MS) {
      await Promise.all([...children].map((child) => stopChild(child, graceMs)));
    },
  };
}

/** Starts `command` inside the holder's namespaces: network only, or network and mount (private /tmp). */
export function spawnIn(holderPid: number, mounts: boolean, command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  // nsenter without --fork execs the command: the child's pid is the command's own.
  return spawn("nsenter", ["-t", String(holderPid), ...(mounts ? ["-m"] : []), "-n", "--", command, ...args], options);
}

/** Starts a process that holds `ns` plus a private /tmp; returns its pid, for nsenter. */
export async function startHolder(ns: string, processes: ProcessSet): Promise<number> {
  const script = "mount -t tmpfs lvsdk-holder /tmp && touch /tmp/.ready && exec sleep 2147483647";
  // Neither `ip netns exec` nor `unshare -m` forks: the child's pid ends up as the sleeping holder's.
  const child = processes.add(spawn("ip", ["netns", "exec", ns, "unshare", "-m", "--propagation", "private", "sh", "-c", script], { stdio: "ignore" }));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start the holder of ${ns}`);
  for (const end = Date.now() + HOLDER_READY_MS; !existsSync(`/proc/${pid}/root/tmp/.ready`); await sleep(20)) {
    if (Date.now() > end || !running(child)) throw new Error(`the holder of ${ns} did not mount its /tmp`);
  }
  return pid;
}
