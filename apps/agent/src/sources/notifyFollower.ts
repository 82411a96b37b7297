import { constants, openSync } from "node:fs";
import { open, stat } from "node:fs/promises";
import { Socket } from "node:net";
import { createLineSplitter } from "@lvsdeck/keepalived";
import type { Logger } from "@lvsdeck/log";

/** How often the FIFO path is checked for being re-created by a keepalived reload or restart (ms). */
export const FIFO_CHECK_MS = 1_000;
/** How often a regular notify file is checked for appended lines (ms): tests and `notify` scripts that append. */
export const FILE_POLL_MS = 50;
/** Most bytes read from an appended file per poll, so a huge file cannot stall the agent. */
const FILE_READ_LIMIT = 1024 * 1024;

/** Follows keepalived's notify FIFO (or a file being appended to) and hands over whole lines as they arrive. */
export interface NotifyFollower {
  close(): void;
}

/** Options for {@link followNotify}. */
export interface NotifyFollowerOptions {
  path: string;
  onLine: (line: string, receivedAt: number) => void;
  log: Logger;
}

/**
 * Follows a notify FIFO: it is opened read-write and non-blocking, so no writer is needed to open it and
 * keepalived's restarts never produce an EOF; when keepalived re-creates the FIFO (reload) the new one is
 * opened. A regular file is tailed from its end instead.
 */
export function followNotify(options: NotifyFollowerOptions): NotifyFollower {
  const splitter = createLineSplitter();
  let socket: Socket | null = null;
  let inode: number | null = null;
  let fileOffset: number | null = null;
  let polling = false;
  let firstPoll = true;
  let closed = false;
  // The last problem reported: a FIFO the agent may not open (a non-root agent, a root-owned FIFO) fails
  // at every poll, and one warning says it.
  let lastProblem: string | null = null;
  const deliver = (chunk: string | Uint8Array) => {
    const now = Date.now();
    for (const line of splitter.push(chunk)) if (line.trim() !== "") options.onLine(line, now);
  };

  const openFifo = (ino: number) => {
    socket?.destroy();
    const fd = openSync(options.path, constants.O_RDWR | constants.O_NONBLOCK);
    socket = new Socket({ fd, readable: true, writable: false });
    socket.on("data", deliver);
    socket.on("error", (err) => options.log.warn("notify FIFO read error; reopening", { path: options.path, error: err.message }));
    inode = ino;
    options.log.info("following keepalived notify FIFO", { path: options.path });
  };

  const tailFile = async (ino: number, size: number) => {
    if (inode !== ino || fileOffset === null || size < fileOffset) {
      // Lines already in the file when the agent starts are history; a file that appears, is replaced or
      // truncated later is read from its start.
      fileOffset = firstPoll ? size : 0;
      inode = ino;
    }
    if (size <= fileOffset) return;
    const handle = await open(options.path, "r");
    try {
      const length = Math.min(size - fileOffset, FILE_READ_LIMIT);
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, fileOffset);
      fileOffset += bytesRead;
      deliver(buffer.subarray(0, bytesRead));
    } finally {
      await handle.close();
    }
  };

  const poll = async () => {
    if (polling || closed) return;
    polling = true;
    try {
      const info = await stat(options.path);
      if (info.isFIFO()) {
        if (inode !== info.ino) openFifo(info.ino);
      } else if (info.isFile()) {
        await tailFile(info.ino, info.size);
      }
      lastProblem = null;
    } catch (err) {
      const problem = (err as Error).message;
      if ((err as NodeJS.ErrnoException).code !== "ENOENT" && problem !== lastProblem) {
        const hint = (err as NodeJS.ErrnoException).code === "EACCES" ? "the FIFO is opened read-write: run as its owner (keepalived's `vrrp_notify_fifo PATH USER`) or as root" : undefined;
        options.log.warn("cannot follow the notify FIFO", { path: options.path, error: problem, hint });
      }
      lastProblem = problem;
    } finally {
      polling = false;
      firstPoll = false;
    }
  };

  void poll();
  const fifoTimer = setInterval(() => {
    if (socket !== null) void poll();
  }, FIFO_CHECK_MS);
  const fileTimer = setInterval(() => {
    if (socket === null) void poll();
  }, FILE_POLL_MS);
  return {
    close() {
      closed = true;
      clearInterval(fifoTimer);
      clearInterval(fileTimer);
      socket?.destroy();
      socket = null;
    },
  };
}
