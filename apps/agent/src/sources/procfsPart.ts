import { createReadStream } from "node:fs";
import { open, readFile } from "node:fs/promises";
import { join } from "node:path";
import { countProcStates, createConnectionAggregator, createSyncOriginCounter, mergeIpvsTables, parseProcIpVs, parseProcIpVsStats } from "@lvsdeck/ipvs";
import type { Logger } from "@lvsdeck/log";
import { createParseErrorLog } from "./parseErrorLog";
import type { ParseErrorLog } from "./parseErrorLog";
import type { IpvsPart } from "./parts";

/** Options for {@link createProcfsPart}. */
export interface ProcfsPartOptions {
  /** The /proc mount to read (`--proc-root`); tests point it at recorded files. */
  procRoot: string;
  /** The kernel's CONFIG_HZ, to turn persistence jiffies into seconds. */
  hz?: number;
  log: Logger;
  parseErrors?: ParseErrorLog;
}

/** Explains why a /proc file could not be read, naming the flag or the missing module. */
function describeReadError(path: string, err: NodeJS.ErrnoException): Error {
  if (err.code === "ENOENT") return new Error(`${path} does not exist (is the ip_vs module loaded? set --proc-root)`);
  if (err.code === "EACCES") return new Error(`permission denied reading ${path}`);
  return new Error(`${path}: ${err.message}`);
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    throw describeReadError(path, err as NodeJS.ErrnoException);
  }
}

/**
 * Reads IPVS from `/proc/net/ip_vs*`: readable without root; weights and connection counts but no
 * per-service stats, rates or thresholds (those come from ipvsadm when both sources are given).
 */
export function createProcfsPart(options: ProcfsPartOptions): IpvsPart {
  const parseErrors = options.parseErrors ?? createParseErrorLog(options.log);
  const path = (name: string) => join(options.procRoot, "net", name);
  const streamFile = (name: string, onChunk: (chunk: string) => void) =>
    new Promise<void>((resolve, reject) => {
      const file = path(name);
      const stream = createReadStream(file, { encoding: "utf8" });
      stream.on("data", (chunk) => onChunk(chunk as string));
      stream.on("error", (err) => reject(describeReadError(file, err)));
      stream.on("end", () => resolve());
    });
  const streamConnections = (onChunk: (chunk: string) => void) => streamFile("ip_vs_conn", onChunk);
  return {
    kind: "procfs",
    async readTable() {
      const parsed = parseProcIpVs(await readText(path("ip_vs")), options.hz === undefined ? {} : { hz: options.hz });
      parseErrors.report(path("ip_vs"), parsed.errors);
      const merged = mergeIpvsTables({ list: parsed.value });
      parseErrors.report(path("ip_vs"), merged.errors);
      return { services: merged.value, timeouts: null };
    },
    streamConnections,
    async readConnections(serviceKeyOf) {
      const aggregator = createConnectionAggregator(serviceKeyOf === undefined ? {} : { serviceKeyOf });
      const file = path("ip_vs_conn");
      await streamConnections((chunk) => aggregator.push(chunk));
      const summary = aggregator.finish();
      parseErrors.report(file, summary.errors);
      return summary;
    },
    async countStates(serviceKeyOf) {
      const file = path("ip_vs_conn");
      let handle;
      try {
        handle = await open(file, "r");
      } catch (err) {
        throw describeReadError(file, err as NodeJS.ErrnoException);
      }
      try {
        // Reads in 1 MiB pieces, each awaited: the event loop keeps serving between them.
        return await countProcStates(async (buffer, offset, length) => (await handle.read(buffer, offset, length, null)).bytesRead, serviceKeyOf === undefined ? {} : { serviceKeyOf });
      } finally {
        await handle.close();
      }
    },
    async countSyncOrigins() {
      const counter = createSyncOriginCounter();
      await streamFile("ip_vs_conn_sync", (chunk) => counter.push(chunk));
      const count = counter.finish();
      if (count.unreadable > 0) parseErrors.report(path("ip_vs_conn_sync"), [{ line: 0, text: count.firstUnreadable ?? "", message: `${count.unreadable} entries without a readable origin` }]);
      return count;
    },
    async readTotals() {
      const parsed = parseProcIpVsStats(await readText(path("ip_vs_stats")));
      parseErrors.report(path("ip_vs_stats"), parsed.errors);
      return parsed.value;
    },
  };
}
