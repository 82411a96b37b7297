// Stamps keepalived's notify FIFO lines on arrival, in a worker thread of its own: the bench's main
// thread drives Playwright and must not delay a stamp. Each line goes to the parent with its Date.now().
import { Worker } from "node:worker_threads";

/** A notify FIFO line and when it was read (Date.now()). */
export interface StampedLine {
  at: number;
  line: string;
}

/** The lines read so far from each FIFO, in order. */
export interface FifoStamper {
  lines(path: string): readonly StampedLine[];
  close(): Promise<void>;
}

// Plain JavaScript, evaluated in the worker (a .ts worker would need the tsx loader there too). FIFOs
// are opened read-write and non-blocking like the agent does, so keepalived's restarts never close them.
const WORKER_SOURCE = `
const { constants, openSync } = require("node:fs");
const { Socket } = require("node:net");
const { parentPort, workerData } = require("node:worker_threads");
for (const path of workerData) {
  const socket = new Socket({ fd: openSync(path, constants.O_RDWR | constants.O_NONBLOCK), readable: true, writable: false });
  let rest = "";
  socket.on("data", (chunk) => {
    const at = Date.now();
    const parts = (rest + chunk.toString("utf8")).split("\\n");
    rest = parts.pop();
    for (const line of parts) if (line.trim() !== "") parentPort.postMessage({ path, at, line: line.trim() });
  });
}
parentPort.postMessage("ready");
`;

interface StampMessage extends StampedLine {
  path: string;
}

/** Starts the worker on `paths` (FIFOs that must exist); resolves once every FIFO is open. */
export function stampFifos(paths: readonly string[]): Promise<FifoStamper> {
  const byPath = new Map<string, StampedLine[]>(paths.map((p) => [p, []]));
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: [...paths] });
  return new Promise((resolve, reject) => {
    worker.once("error", reject);
    worker.on("message", (message: StampMessage | "ready") => {
      if (message === "ready") {
        resolve({ lines: (path) => byPath.get(path) ?? [], close: () => worker.terminate().then(() => undefined) });
        return;
      }
      byPath.get(message.path)?.push({ at: message.at, line: message.line });
    });
  });
}
