// Substitute binaries and files for the real-source tests: recorded real output behind the real interfaces.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, vi } from "vitest";

/** How long the stand-in keepalived may take to write its pid file, or to run a trap for a signal. */
const STANDIN_WAIT_MS = 5_000;
/** The signal the stand-in only counts (SIGRTMIN+6): bash runs pending traps in signal order, so its trap runs after any SIGJSON (36) sent before it. */
const MARKER_SIGNAL = 40;

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root. */
export const repoRoot = join(here, "..", "..", "..");
/** Real ipvsadm / /proc captures from a real IPVS kernel. */
export const ipvsFixtures = join(repoRoot, "packages/ipvs/fixtures/real");
/** Real keepalived 2.2.7 dumps and FIFO lines. */
export const keepalivedFixtures = join(repoRoot, "packages/keepalived/fixtures/real");

/** One invalid ipvsadm command from errors.txt: what it printed and how it exited. */
export interface RecordedFailure {
  command: string;
  stderr: string;
  rc: number;
}

/** Reads errors.txt (`$ cmd`, `stderr:` block, `rc=N`). */
export function recordedFailures(): RecordedFailure[] {
  const text = readFileSync(join(ipvsFixtures, "errors.txt"), "utf8");
  const cases: RecordedFailure[] = [];
  for (const block of text.split(/^\$ /m).slice(1)) {
    const match = /^(.*)\nstderr:\n([\s\S]*?)rc=(\d+)/.exec(block);
    if (match?.[1] !== undefined && match[2] !== undefined && match[3] !== undefined) cases.push({ command: match[1], stderr: match[2], rc: Number(match[3]) });
  }
  return cases;
}

function writeScript(path: string, text: string): string {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
  return path;
}

/** A temp dir holding fake binaries, a fake /proc and state files. */
export interface FakeDirector {
  dir: string;
  ipvsadm: string;
  ip: string;
  procRoot: string;
  /** Every `ipvsadm -e` argv, one array per run. */
  edits(): string[][];
  /** Makes the next `ipvsadm -e` fail the way a recorded failure did. */
  refuseEdits(failure: RecordedFailure): void;
}

/**
 * `/proc/net/ip_vs_conn_sync` for a director without a sync daemon: the rows of its `ip_vs_conn`, each
 * `LOCAL`, in the kernel's format (`%-11s %-6s %7u` after the ports), without PE columns.
 */
export function connSyncOf(ipVsConn: string): string {
  const rows = ipVsConn
    .split("\n")
    .slice(1)
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const t = line.trim().split(/\s+/);
      return `${t.slice(0, 7).join(" ")} ${t[7]!.padEnd(11)} ${"LOCAL".padEnd(6)} ${t[8]!.padStart(7)}`;
    });
  return ["Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Origin Expires", ...rows, ""].join("\n");
}

/** Creates the fake ipvsadm (prints the real captures by argv; -e records argv, then -Ln shows the real after-edit capture), ip and /proc. */
export function createFakeDirector(): FakeDirector {
  const dir = mkdtempSync(join(tmpdir(), "lvsdeck-agent-"));
  const F = ipvsFixtures;
  const ipvsadm = writeScript(
    join(dir, "ipvsadm"),
    `#!/bin/sh
F='${F}'; S='${dir}'
case "$*" in
  "-Ln") if [ -f "$S/edited" ]; then cat "$F/ipvsadm-Ln-after-edit.txt"; else cat "$F/ipvsadm-Ln.txt"; fi ;;
  "-Ln --stats --exact") cat "$F/ipvsadm-Ln-stats-exact.txt" ;;
  "-Ln --rate --exact") cat "$F/ipvsadm-Ln-rate-exact.txt" ;;
  "-Ln --thresholds") cat "$F/ipvsadm-Ln-thresholds.txt" ;;
  "-Ln --persistent-conn") cat "$F/ipvsadm-Ln-persistent-conn.txt" ;;
  "-L --timeout") cat "$F/ipvsadm-Ln-timeout.txt" ;;
  "-Lnc") cat "$F/ipvsadm-Lnc.txt" ;;
  "-L --daemon") if [ -f "$S/daemon.rc" ]; then echo "Memory allocation problem" >&2; exit "$(cat "$S/daemon.rc")"; fi; if [ -f "$S/daemon.txt" ]; then cat "$S/daemon.txt"; fi ;;
  "-e "*)
    first=1; for a in "$@"; do if [ $first = 1 ]; then printf '%s' "$a"; first=0; else printf '\\t%s' "$a"; fi; done >> "$S/edits"; echo >> "$S/edits"
    if [ -f "$S/refuse.rc" ]; then cat "$S/refuse.stderr" >&2; exit "$(cat "$S/refuse.rc")"; fi
    touch "$S/edited" ;;
  *) echo "Try \\\`ipvsadm -h' or 'ipvsadm --help' for more information." >&2; exit 255 ;;
esac
`,
  );
  const ip = writeScript(join(dir, "ip"), `#!/bin/sh\n[ "$*" = "-j addr" ] || exit 1\ncat '${dir}/ip-addr.json'\n`);
  writeFileSync(join(dir, "ip-addr.json"), JSON.stringify(ipAddrJson(["198.51.100.12"])));
  const procRoot = join(dir, "proc");
  mkdirSync(join(procRoot, "net"), { recursive: true });
  for (const name of ["ip_vs", "ip_vs_conn", "ip_vs_stats"]) copyFileSync(join(F, `proc-${name}.txt`), join(procRoot, "net", name));
  writeFileSync(join(procRoot, "net", "ip_vs_conn_sync"), connSyncOf(readFileSync(join(F, "proc-ip_vs_conn.txt"), "utf8")));
  return {
    dir,
    ipvsadm,
    ip,
    procRoot,
    edits: () => (existsSync(join(dir, "edits")) ? readFileSync(join(dir, "edits"), "utf8").trim().split("\n").filter(Boolean).map((l) => l.split("\t")) : []),
    refuseEdits(failure) {
      writeFileSync(join(dir, "refuse.stderr"), failure.stderr);
      writeFileSync(join(dir, "refuse.rc"), String(failure.rc));
    },
  };
}

/** `ip -j addr` output with eth0 holding the given IPv4 addresses (shape as iproute2 prints it). */
export function ipAddrJson(addresses: string[]): unknown {
  return [
    { ifindex: 1, ifname: "lo", flags: ["LOOPBACK", "UP"], addr_info: [{ family: "inet", local: "127.0.0.1", prefixlen: 8, scope: "host", label: "lo" }] },
    {
      ifindex: 2,
      ifname: "eth0",
      flags: ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"],
      addr_info: addresses.map((local) => ({ family: "inet", local, prefixlen: 24, scope: "global", label: "eth0" })),
    },
  ];
}

/** A keepalived stand-in: its pid is in the pid file; on SIGJSON (36) it writes a recorded real dump, half first. */
export interface FakeKeepalived {
  pidFile: string;
  jsonPath: string;
  /** Where SIGUSR1 writes the recorded data dump (when started with `data`). */
  dataPath: string;
  /** SIGJSONs received (answered or not). */
  jsonSignals(): number;
  child: ChildProcess;
  /** Chooses which recorded dump the next SIGJSON writes. */
  useDump(name: string): void;
  /** How long it takes between the half-written and the whole dump (s; 0.1 unless set). */
  slowDumps(seconds: number): void;
  /** How many SIGHUPs it got. */
  reloads(): number;
  /** Resolves once it has run the traps of every signal sent to it before this call. */
  settled(): Promise<void>;
  kill(): Promise<void>;
}

/**
 * Starts the stand-in (bash, since it must trap SIGRTMIN+2 like keepalived). `json: false` plays a
 * keepalived built without JSON (CentOS 7's 1.3.5): it ignores SIGJSON. `data` names the recorded
 * SIGUSR1 data dump it writes.
 */
export async function startFakeKeepalived(dir: string, dump: string, options: { json?: boolean; data?: string } = {}): Promise<FakeKeepalived> {
  const pidFile = join(dir, "keepalived.pid");
  const jsonPath = join(dir, "keepalived.json");
  const dataPath = join(dir, "keepalived.data");
  const answerJson = options.json ?? true;
  const source = join(dir, "dump-source");
  writeFileSync(source, join(keepalivedFixtures, dump));
  const script = writeScript(
    join(dir, "keepalived-standin"),
    `#!/bin/bash
# keepalived 2.2.7 writes the dump non-atomically: show the agent half a file first.
dump() { src=$(cat '${source}'); head -c 200 "$src" > '${jsonPath}'; sleep "$(cat '${dir}/dump-seconds' 2>/dev/null || echo 0.1)"; cat "$src" > '${jsonPath}'; }
trap 'echo J >> "${dir}/json-signals"${answerJson ? "; dump" : ""}' 36
${options.data === undefined ? "" : `trap 'cat "${join(keepalivedFixtures, options.data)}" > "${dataPath}"' USR1`}
trap 'echo HUP >> "${dir}/reloads"' HUP
trap 'echo M >> "${dir}/markers"' ${MARKER_SIGNAL}
# The pid file appears whole and only once every trap is set, as a signal before its trap would kill bash.
echo $$ > '${pidFile}.new' && mv '${pidFile}.new' '${pidFile}'
while :; do sleep 0.05 & wait $!; done
`,
  );
  // A pid file left by an earlier stand-in in the same dir must not pass for this one's.
  rmSync(pidFile, { force: true });
  const child = spawn("bash", [script], { stdio: "ignore" });
  await vi.waitFor(() => expect(existsSync(pidFile), "the stand-in keepalived wrote its pid file").toBe(true), { timeout: STANDIN_WAIT_MS, interval: 20 });
  const lines = (name: string) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), "utf8").trim().split("\n").length : 0);
  return {
    pidFile,
    jsonPath,
    dataPath,
    child,
    jsonSignals: () => lines("json-signals"),
    useDump: (name) => writeFileSync(source, join(keepalivedFixtures, name)),
    slowDumps: (seconds) => writeFileSync(join(dir, "dump-seconds"), String(seconds)),
    reloads: () => lines("reloads"),
    async settled() {
      const markers = lines("markers");
      if (child.pid === undefined) throw new Error("the stand-in keepalived did not start");
      process.kill(child.pid, MARKER_SIGNAL);
      await vi.waitFor(() => expect(lines("markers")).toBe(markers + 1), { timeout: STANDIN_WAIT_MS, interval: 10 });
    },
    kill: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
  };
}
