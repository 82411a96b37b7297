// keepalived for one director of the lab: its keepalived.conf (modelled on the seed: VRID 88,
// priorities 200/100, advert_int 1), its notify FIFOs, and start / stop (SIGTERM) / kill -9.
import { execFileSync, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { FAILOVER_TRACK_NAME } from "@lvsdeck/protocol";
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DirectorPlan, LabPlan } from "./plan";
import { instancesOf } from "./plan";
import type { ProcessSet } from "./processes";
import { pollUntil, stopChild } from "./processes";

/** Debian's keepalived. */
export const KEEPALIVED = "/usr/sbin/keepalived";
/** How long keepalived may take to exit after SIGTERM before it is killed (ms). */
const KEEPALIVED_STOP_MS = 10_000;
/** How long keepalived may take to write its VRRP child's pid file after start (ms). */
const VRRP_PID_MS = 5_000;

/** Where a director's keepalived writes what the agent (and the bench) read. */
export interface KeepalivedFiles {
  conf: string;
  /** keepalived's own pid (the parent), as the agent's --keepalived-pid-file. */
  pidFile: string;
  /** The VRRP child's pid: it holds the VIPs, so kill -9 must reach it too. */
  vrrpPidFile: string;
  /** `vrrp_notify_fifo`: the agent's. */
  vrrpNotifyFifo: string;
  /** `notify_fifo`: the same lines, written just before; only when asked for (the bench stamps it). */
  notifyFifo: string | null;
  log: string;
}

/** The tracked interface of a lab with tracks: a veth pair inside each director's namespace. */
export const TRACKED_INTERFACE = "uplink";
/** The tracked script's name, and how much its failure lowers the priority: 200 - 150 falls below the BACKUP's 100. */
export const TRACK_SCRIPT = { name: "chk_nginx", weight: -150 } as const;

/**
 * lvsdeck's failover file in a lab with tracks, in the private /tmp keepalived and the agent of one director
 * share (the agent's --failover-file): keepalived tracks it as lvsdeck's docs say, with weight 1.
 */
export const FAILOVER_FILE = "/tmp/lvsdeck-failover";

/** What keepalived tracks in a lab with tracks: a script whose exit code the test sets in `checkFile`, an interface, and lvsdeck's failover file. */
export interface TrackConfig {
  checkFile: string;
}

function trackBlocks(track: TrackConfig | null): { global: string; top: string; instance: string } {
  if (track === null) return { global: "", top: "", instance: "" };
  return {
    global: "  script_user root\n  enable_script_security\n",
    top: `vrrp_script ${TRACK_SCRIPT.name} {
  script "/bin/sh ${track.checkFile}"
  interval 1
  fall 1
  rise 1
  weight ${TRACK_SCRIPT.weight}
}
track_file ${FAILOVER_TRACK_NAME} {
  file "${FAILOVER_FILE}"
  weight 1
  init_file 0 overwrite
}
`,
    instance: `  notify_priority_changes
  track_script {
    ${TRACK_SCRIPT.name}
  }
  track_interface {
    ${TRACKED_INTERFACE}
  }
  track_file {
    ${FAILOVER_TRACK_NAME}
  }
`,
  };
}

/** keepalived.conf of one director: every instance of the plan, with this director's priority in each. */
export function keepalivedConf(plan: LabPlan, director: DirectorPlan, files: Pick<KeepalivedFiles, "vrrpNotifyFifo" | "notifyFifo">, track: TrackConfig | null = null): string {
  const blocks = trackBlocks(track);
  const instances = instancesOf(plan, director).map((instance) => {
    const member = instance.members.find((m) => m.director === director.id);
    if (member === undefined) throw new Error(`${director.id} is not in ${instance.name}`);
    return `vrrp_instance ${instance.name} {
  state ${member.initialState}
  interface eth0
  virtual_router_id ${instance.vrid}
  priority ${member.priority}
  advert_int 1
${blocks.instance}  virtual_ipaddress {
    ${instance.vip}/24
  }
}
`;
  });
  const notify = files.notifyFifo === null ? "" : `  notify_fifo ${files.notifyFifo}\n`;
  return `global_defs {
  router_id ${director.id}
${notify}  vrrp_notify_fifo ${files.vrrpNotifyFifo}
${blocks.global}}
${blocks.top}${instances.join("")}`;
}

/** One director's keepalived. */
export interface Daemon {
  director: DirectorPlan;
  files: KeepalivedFiles;
  running(): boolean;
  /** Starts keepalived in the holder's namespaces (no-op when it runs). */
  start(): void;
  /** Resolves once keepalived's VRRP process runs (it wrote its pid file); rejects after VRRP_PID_MS. */
  vrrpStarted(): Promise<void>;
  /** SIGTERM to keepalived's parent, as `systemctl stop` does; resolves once it exited. */
  stop(): Promise<void>;
  /**
   * SIGKILL to the VRRP child and the parent, as `pkill -9 keepalived` does: nobody removes the VIPs,
   * and the parent cannot restart the child. Resolves once the parent exited.
   */
  kill9(): Promise<void>;
}

/** Options for {@link createDaemon}. */
export interface DaemonOptions {
  plan: LabPlan;
  director: DirectorPlan;
  work: string;
  holderPid: number;
  processes: ProcessSet;
  /** Also write `notify_fifo` (the bench's stamper reads it); default false. */
  notifyFifo?: boolean;
  /** Track a script and an interface in every instance (see {@link TrackConfig}); default none. */
  track?: TrackConfig;
}

function readPid(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isKeepalived(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "keepalived";
  } catch {
    return false;
  }
}

/** Writes the director's keepalived.conf and FIFOs; keepalived runs inside the holder's namespaces once started. */
export function createDaemon(options: DaemonOptions): Daemon {
  const { director, work } = options;
  const file = (suffix: string) => join(work, `${director.id}.${suffix}`);
  const files: KeepalivedFiles = {
    conf: file("keepalived.conf"),
    pidFile: file("keepalived.pid"),
    vrrpPidFile: file("vrrp.pid"),
    vrrpNotifyFifo: file("agent.fifo"),
    notifyFifo: options.notifyFifo === true ? file("notify.fifo") : null,
    log: file("keepalived.log"),
  };
  writeFileSync(files.conf, keepalivedConf(options.plan, director, files, options.track ?? null));
  // Made before keepalived starts, so keepalived neither creates nor removes them across restarts.
  execFileSync("mkfifo", ["-m", "0600", files.vrrpNotifyFifo, ...(files.notifyFifo === null ? [] : [files.notifyFifo])]);
  let child: ChildProcess | null = null;
  const isRunning = () => child !== null && child.exitCode === null && child.signalCode === null;
  const vrrpStarted = () =>
    pollUntil(() => readPid(files.vrrpPidFile) !== null, VRRP_PID_MS, () => `keepalived on ${director.id} started no VRRP process within ${VRRP_PID_MS} ms (see ${files.log})`);
  return {
    director,
    files,
    running: isRunning,
    start() {
      if (isRunning()) return;
      // A kill -9 leaves keepalived's pid files behind: stale pids must not be mistaken for the new ones.
      for (const stale of [files.pidFile, files.vrrpPidFile]) rmSync(stale, { force: true });
      const args = ["-t", String(options.holderPid), "-m", "-n", "--", KEEPALIVED, "-f", files.conf, "-p", files.pidFile, "-r", files.vrrpPidFile, "-c", file("check.pid"), "--dont-fork", "--log-console", "--vrrp"];
      const log = openSync(files.log, "a");
      child = options.processes.add(spawn("nsenter", args, { stdio: ["ignore", log, log] }));
      closeSync(log);
    },
    vrrpStarted,
    async stop() {
      if (child !== null) await stopChild(child, KEEPALIVED_STOP_MS);
    },
    async kill9() {
      const current = child;
      if (current === null || !isRunning()) return;
      const exited = new Promise((r) => current.once("exit", r));
      // The child first: were the parent killed first, the child would get its parent-death signal
      // and shut down cleanly, removing the VIPs. The parent is stopped before: running, it could
      // respawn the child it just lost, and the new child, entering BACKUP, removed the VIPs (CI saw it).
      await vrrpStarted().catch(() => undefined);
      current.kill("SIGSTOP");
      const vrrp = readPid(files.vrrpPidFile);
      if (vrrp !== null && isKeepalived(vrrp)) process.kill(vrrp, "SIGKILL");
      current.kill("SIGKILL");
      await exited;
    },
  };
}
