// One lab per namespace prefix at a time: a small record in /run says which process runs it, which
// hub it started and where its files are, so a lab killed with SIGKILL (no handler runs) is cleaned
// up by the next start of the same prefix instead of leaving a hub behind.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deleteNamespaces } from "./network";

const CLAIM_DIR = "/run/lvsdeck-lab";

interface ClaimRecord {
  pid: number;
  hubPid: number | null;
  work: string;
}

/** The claim on a prefix. */
export interface Claim {
  /** Notes the hub's pid, to be killed by a later start should this lab die without cleaning up. */
  recordHub(pid: number): void;
  release(): void;
}

const cmdline = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
  } catch {
    return null;
  }
};

function readClaim(file: string): ClaimRecord | null {
  if (!existsSync(file)) return null;
  try {
    const record = JSON.parse(readFileSync(file, "utf8")) as Partial<ClaimRecord>;
    if (typeof record.pid === "number" && typeof record.work === "string" && record.work.startsWith("/var/tmp/")) return { pid: record.pid, hubPid: record.hubPid ?? null, work: record.work };
  } catch {
    // a torn write: nothing to trust in it
  }
  return null;
}

/**
 * Claims `prefix` for this process: refuses when a live lab holds it; removes what a dead one left
 * (its hub, namespaces and work folder). `marker` is a word in the command line of every lab process.
 */
export function claimPrefix(prefix: string, work: string, marker: string, log: (message: string) => void): Claim {
  mkdirSync(CLAIM_DIR, { recursive: true, mode: 0o700 });
  const file = join(CLAIM_DIR, `${prefix}lab.json`);
  const old = readClaim(file);
  if (old !== null) {
    if (old.pid !== process.pid && cmdline(old.pid)?.includes(marker) === true) {
      throw new Error(`a lab with namespaces ${prefix}* is already running (pid ${old.pid}); stop it first`);
    }
    // Only a hub started on that work folder is killed: the pid may have been reused meanwhile.
    if (old.hubPid !== null && cmdline(old.hubPid)?.includes(old.work) === true) process.kill(old.hubPid, "SIGKILL");
    rmSync(old.work, { recursive: true, force: true });
    log(`removed what an earlier lab (pid ${old.pid}) left behind`);
  }
  const deleted = deleteNamespaces(prefix);
  if (deleted.length > 0) log(`deleted leftover namespaces ${deleted.join(" ")}`);
  const record: ClaimRecord = { pid: process.pid, hubPid: null, work };
  writeFileSync(file, JSON.stringify(record));
  return {
    recordHub(pid) {
      record.hubPid = pid;
      writeFileSync(file, JSON.stringify(record));
    },
    release: () => rmSync(file, { force: true }),
  };
}
