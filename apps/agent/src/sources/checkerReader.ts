import { dirname, join } from "node:path";
import { parseKeepalivedData } from "@lvsdeck/keepalived";
import type { KeepalivedVirtualServer } from "@lvsdeck/keepalived";
import type { CheckerProcess } from "@lvsdeck/protocol";
import type { Logger } from "@lvsdeck/log";
import { requestDump } from "./keepalivedDump";
import { isProcessAlive, readPidFile } from "./keepalivedProcess";

/** Where keepalived 2.2.7's checker child writes its DATA dump (it always dumps to /tmp). */
export const DEFAULT_CHECK_DATA_PATH = "/tmp/keepalived_check.data";
/** A running checker that answered none of this many dump requests in a row is reported silent. */
export const CHECKER_SILENT_AFTER_REFRESHES = 2;

/** The checker child's pid file beside the parent's: `/run/keepalived.pid` → `/run/checkers.pid`. */
export function checkersPidFileBeside(parentPidFile: string): string {
  return join(dirname(parentPidFile), "checkers.pid");
}

/** What the agent knows of keepalived's checker: its process, and its last dump. */
export interface CheckerReading {
  process: CheckerProcess;
  /** From the last dump that parsed; null before the first one. */
  virtualServers: readonly KeepalivedVirtualServer[] | null;
}

/** Options for {@link createCheckerReader}. */
export interface CheckerReaderOptions {
  pidFile: string;
  path: string;
  signal: number | NodeJS.Signals;
  /** How long to wait for the dump (ms); keepalivedDump's DUMP_TIMEOUT_MS by default. */
  timeoutMs?: number;
  log: Logger;
}

/**
 * Asks keepalived for its checker dump (the DATA signal to the parent, which the checker child answers)
 * and tracks whether the checker is alive and still answering.
 */
export function createCheckerReader(options: CheckerReaderOptions) {
  let checker: CheckerProcess | null = null;
  let virtualServers: readonly KeepalivedVirtualServer[] | null = null;
  let unanswered = 0;

  const lookUp = async (): Promise<CheckerProcess | null> => {
    const pid = await readPidFile(options.pidFile);
    // No pid file: keepalived runs no checker (no virtual_server), or this is not where it writes it.
    if (pid === null) return checker === null ? null : { ...checker, pid: null, running: false, silent: false };
    const running = isProcessAlive(pid);
    if (checker !== null && checker.pid !== pid) unanswered = 0;
    return { pid, running, lastDumpAt: checker?.pid === pid ? checker.lastDumpAt : null, silent: running && unanswered >= CHECKER_SILENT_AFTER_REFRESHES };
  };

  return {
    /** Re-checks the checker's pid (cheap: a pid file and a signal 0). */
    async checkAlive(): Promise<void> {
      checker = await lookUp();
    },
    /** Requests a dump from keepalived's parent `parentPid`; the new dump, or null when the checker did not answer. */
    async refresh(parentPid: number): Promise<readonly KeepalivedVirtualServer[] | null> {
      checker = await lookUp();
      if (checker === null || !checker.running) return null;
      try {
        virtualServers = (await requestDump({ pid: parentPid, signal: options.signal, path: options.path, parse: parseKeepalivedData, ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }) })).virtualServers;
        unanswered = 0;
        checker = { ...checker, lastDumpAt: Date.now(), silent: false };
        return virtualServers;
      } catch (err) {
        unanswered += 1;
        checker = { ...checker, silent: unanswered >= CHECKER_SILENT_AFTER_REFRESHES };
        options.log.warn("keepalived's checker did not answer the dump request", { pid: checker.pid, unanswered, error: (err as Error).message });
        return null;
      }
    },
    reading(): CheckerReading | null {
      return checker === null ? null : { process: checker, virtualServers };
    },
    /** Forgets the last dump: keepalived stopped or restarted, so its checker's view is gone. */
    forget(): void {
      virtualServers = null;
    },
  };
}
