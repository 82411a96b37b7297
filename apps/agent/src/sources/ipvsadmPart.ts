import {
  createConnectionAggregator,
  mergeIpvsTables,
  parseIpvsadmDaemon,
  parseIpvsadmList,
  parseIpvsadmPersistentConn,
  parseIpvsadmRate,
  parseIpvsadmStats,
  parseIpvsadmThresholds,
  parseIpvsadmTimeout,
} from "@lvsdeck/ipvs";
import type { IpvsTables, ParseResult } from "@lvsdeck/ipvs";
import type { Logger } from "@lvsdeck/log";
import { createParseErrorLog } from "./parseErrorLog";
import type { ParseErrorLog } from "./parseErrorLog";
import type { IpvsPart, IpvsReading } from "./parts";
import { runFile, streamFile } from "./runFile";
import type { BinaryRef } from "./runFile";
import { setWeightWithIpvsadm } from "./ipvsadmWeight";

/** Where ipvsadm lives on Debian, Ubuntu and CentOS. */
export const DEFAULT_IPVSADM = "/sbin/ipvsadm";
/** Longest a `-Lnc` listing may stream (ms): a million entries take a few seconds to print. */
const CONNECTION_LISTING_TIMEOUT_MS = 60_000;

/** Options for {@link createIpvsadmPart}. */
export interface IpvsadmPartOptions {
  ipvsadm: string;
  log: Logger;
  parseErrors?: ParseErrorLog;
}

/** The argv of each listing one read gathers. */
export const IPVSADM_LISTINGS = {
  list: ["-Ln"],
  stats: ["-Ln", "--stats", "--exact"],
  rates: ["-Ln", "--rate", "--exact"],
  thresholds: ["-Ln", "--thresholds"],
  persistentConn: ["-Ln", "--persistent-conn"],
  timeout: ["-L", "--timeout"],
  daemon: ["-L", "--daemon"],
} as const;

/** Reads the IPVS table with ipvsadm (execFile, never a shell) and edits weights with `ipvsadm -e`. */
export function createIpvsadmPart(options: IpvsadmPartOptions): IpvsPart {
  const binary: BinaryRef = { path: options.ipvsadm, flag: "--ipvsadm" };
  const parseErrors = options.parseErrors ?? createParseErrorLog(options.log);

  // -Ln is required; the other listings only add columns, so their failure is logged and the read goes on.
  const optional = async <T>(args: readonly string[], parse: (text: string) => ParseResult<T>): Promise<{ value?: T; failure?: string }> => {
    try {
      const parsed = parse(await runFile(binary, args));
      parseErrors.report(`ipvsadm ${args.join(" ")}`, parsed.errors);
      return { value: parsed.value };
    } catch (err) {
      return { failure: `ipvsadm ${args.join(" ")}: ${(err as Error).message}` };
    }
  };

  const readTable = async (): Promise<IpvsReading> => {
    const [listText, ...extras] = await Promise.all([
      runFile(binary, IPVSADM_LISTINGS.list),
      optional(IPVSADM_LISTINGS.stats, parseIpvsadmStats),
      optional(IPVSADM_LISTINGS.rates, parseIpvsadmRate),
      optional(IPVSADM_LISTINGS.thresholds, parseIpvsadmThresholds),
      optional(IPVSADM_LISTINGS.persistentConn, parseIpvsadmPersistentConn),
      optional(IPVSADM_LISTINGS.timeout, parseIpvsadmTimeout),
    ]);
    const [stats, rates, thresholds, persistentConn, timeouts] = extras;
    for (const extra of extras) if (extra.failure !== undefined) options.log.warn("an ipvsadm listing failed; its columns are left out", { error: extra.failure });
    const list = parseIpvsadmList(listText);
    parseErrors.report("ipvsadm -Ln", list.errors);
    const tables: IpvsTables = {
      list: list.value,
      ...(stats.value !== undefined && { stats: stats.value }),
      ...(rates.value !== undefined && { rates: rates.value }),
      ...(thresholds.value !== undefined && { thresholds: thresholds.value }),
      ...(persistentConn.value !== undefined && { persistentConn: persistentConn.value }),
    };
    const merged = mergeIpvsTables(tables);
    parseErrors.report("the ipvsadm listings", merged.errors);
    return { services: merged.value, timeouts: timeouts.value ?? null };
  };

  return {
    kind: "ipvsadm",
    readTable,
    streamConnections: (onChunk) => streamFile(binary, ["-Lnc"], onChunk, CONNECTION_LISTING_TIMEOUT_MS),
    async readConnections(serviceKeyOf) {
      const aggregator = createConnectionAggregator(serviceKeyOf === undefined ? {} : { serviceKeyOf });
      await streamFile(binary, ["-Lnc"], (chunk) => aggregator.push(chunk), CONNECTION_LISTING_TIMEOUT_MS);
      const summary = aggregator.finish();
      parseErrors.report("ipvsadm -Lnc", summary.errors);
      return summary;
    },
    async readSyncDaemons() {
      const parsed = parseIpvsadmDaemon(await runFile(binary, IPVSADM_LISTINGS.daemon));
      parseErrors.report("ipvsadm -L --daemon", parsed.errors);
      return parsed.value;
    },
    setWeight: (service, realServer, weight) => setWeightWithIpvsadm(binary, service, realServer, weight),
  };
}
