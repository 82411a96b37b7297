import { execFile, spawn } from "node:child_process";

/** Longest any helper binary may run before it is killed (ms): ipvsadm and ip answer in milliseconds. */
export const COMMAND_TIMEOUT_MS = 10_000;
/** Largest stdout kept from a buffered command (bytes); listings of 200 services are ~100 KB. */
export const COMMAND_MAX_BUFFER = 32 * 1024 * 1024;
/** Most stderr kept from a streamed command (chars): enough for any error message. */
const STREAM_STDERR_LIMIT = 4096;

/** A helper binary and the flag that configures its path, for error messages. */
export interface BinaryRef {
  path: string;
  /** e.g. `--ipvsadm`. */
  flag: string;
}

/** A helper binary that ran and failed; `exitCode` is null when it was killed by a signal. */
export class CommandFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(message);
    this.name = "CommandFailure";
  }
}

function nameOf(path: string): string {
  return path.split("/").pop() ?? path;
}

/** Turns spawn errors (ENOENT, EACCES) into a one-line message naming the flag to fix. */
export function describeSpawnError(binary: BinaryRef, err: NodeJS.ErrnoException): Error {
  if (err.code === "ENOENT") return new Error(`${nameOf(binary.path)} not found at ${binary.path} (set ${binary.flag})`);
  if (err.code === "EACCES") return new Error(`permission denied running ${binary.path} (set ${binary.flag} or check its mode)`);
  return new Error(`${binary.path}: ${err.message}`);
}

/** Runs a binary with argv (never a shell) and returns stdout; a non-zero exit becomes a CommandFailure. */
export function runFile(binary: BinaryRef, args: readonly string[], timeoutMs = COMMAND_TIMEOUT_MS): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary.path, args, { timeout: timeoutMs, maxBuffer: COMMAND_MAX_BUFFER, encoding: "utf8" }, (err, stdout, stderr) => {
      if (err === null) return resolve(stdout);
      const code = (err as NodeJS.ErrnoException).code;
      if (typeof code === "string") return reject(describeSpawnError(binary, err as NodeJS.ErrnoException));
      const exitCode = typeof code === "number" ? code : null;
      const status = exitCode === null ? `killed (${err.signal ?? "timeout"})` : `exit ${exitCode}`;
      reject(new CommandFailure(`${binary.path} ${args.join(" ")}: ${stderr.trim().split("\n")[0] ?? ""} (${status})`, exitCode, stderr));
    });
  });
}

/**
 * Runs a binary and hands its stdout to `onChunk` as it arrives, so a million-line connection table is
 * never held in memory; resolves when it exits 0.
 */
export function streamFile(binary: BinaryRef, args: readonly string[], onChunk: (chunk: string) => void, timeoutMs = COMMAND_TIMEOUT_MS): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary.path, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    let failed = false;
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => onChunk(chunk));
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      if (stderr.length < STREAM_STDERR_LIMIT) stderr += chunk.slice(0, STREAM_STDERR_LIMIT - stderr.length);
    });
    child.on("error", (err) => {
      failed = true;
      clearTimeout(timer);
      reject(describeSpawnError(binary, err));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (failed) return;
      if (code === 0) return resolve();
      const status = code === null ? `killed (${signal ?? "timeout"})` : `exit ${code}`;
      reject(new CommandFailure(`${binary.path} ${args.join(" ")}: ${stderr.trim().split("\n")[0] ?? ""} (${status})`, code, stderr));
    });
  });
}
