import { readFile, stat } from "node:fs/promises";
import type { DumpError, ParseResult } from "@lvsdeck/keepalived";

/** keepalived 2.2.7 writes its dumps in well under a second; give up after this long (ms). */
export const DUMP_TIMEOUT_MS = 2_000;
/** Delay between looks at a dump file while keepalived writes it (ms). */
const DUMP_POLL_MS = 20;

/** Identity of a file version: keepalived replaces the file (new inode) or rewrites it (new mtime/size). */
async function versionOf(path: string): Promise<string | null> {
  try {
    const info = await stat(path);
    return `${info.ino}:${info.mtimeMs}:${info.size}`;
  } catch {
    return null;
  }
}

/** keepalived never rewrote the dump file after the signal: it does not handle that signal (or hung). */
export class DumpNotWrittenError extends Error {
  override name = "DumpNotWrittenError";
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Signals keepalived to write a dump (SIGJSON, SIGUSR1), waits for the file to be rewritten and parses
 * it; a half-written file (keepalived 2.2.7 writes non-atomically) is read again until it parses.
 */
export async function requestDump<T>(options: {
  pid: number;
  signal: number | NodeJS.Signals;
  path: string;
  parse: (text: string) => ParseResult<T, DumpError>;
  timeoutMs?: number;
}): Promise<T> {
  const before = await versionOf(options.path);
  process.kill(options.pid, options.signal);
  const deadline = Date.now() + (options.timeoutMs ?? DUMP_TIMEOUT_MS);
  let lastError: string | null = null;
  let lastTried: string | null = before;
  while (Date.now() < deadline) {
    await sleep(DUMP_POLL_MS);
    const now = await versionOf(options.path);
    if (now === null || now === lastTried) continue;
    lastTried = now;
    const parsed = options.parse(await readFile(options.path, "utf8").catch(() => ""));
    if (parsed.ok) return parsed.value;
    lastError = `${options.path}: ${parsed.error.message}`;
  }
  const within = `within ${options.timeoutMs ?? DUMP_TIMEOUT_MS} ms`;
  if (lastError === null) throw new DumpNotWrittenError(`keepalived did not rewrite ${options.path} ${within}`);
  throw new Error(`${lastError} ${within}`);
}
