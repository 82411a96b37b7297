import { readFile } from "node:fs/promises";

/** Debian's and Ubuntu's keepalived parent pid file (`--runstatedir=/run`); CentOS uses /var/run, the same place. */
export const DEFAULT_KEEPALIVED_PID_FILE = "/run/keepalived.pid";

/** The parent pid in keepalived's pid file, or null when the file is missing or unreadable as a pid. */
export async function readPidFile(path: string): Promise<number | null> {
  try {
    const pid = Number((await readFile(path, "utf8")).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** True when a process with this pid exists (EPERM means it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Sends keepalived its reload signal, so it re-reads its configuration (and the agent's weights file). */
export async function reloadKeepalived(pidFile: string): Promise<void> {
  const pid = await readPidFile(pidFile);
  if (pid === null || !isProcessAlive(pid)) throw new Error(`keepalived is not running (no live pid in ${pidFile}); cannot reload it`);
  process.kill(pid, "SIGHUP");
}
