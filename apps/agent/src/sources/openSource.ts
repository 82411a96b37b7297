import type { DirectorId, WeightMode } from "@lvsdeck/protocol";
import type { Logger } from "@lvsdeck/log";
import { createDirectorSource } from "./directorSource";
import { createIpvsadmPart } from "./ipvsadmPart";
import { createKeepalivedPart } from "./keepalivedPart";
import { reloadKeepalived } from "./keepalivedProcess";
import { createParseErrorLog } from "./parseErrorLog";
import type { IpvsPart } from "./parts";
import { createProcfsPart } from "./procfsPart";
import { createWeightsFile } from "./weightsFile";
import { createFailoverFile } from "./failoverFile";

/** The real source kinds that can be combined in `--source`. */
export const realSourceKinds = ["ipvsadm", "procfs", "keepalived"] as const;
export type RealSourceKind = (typeof realSourceKinds)[number];

/** Everything the command line says about the real sources (paths default to Debian's). */
export interface RealSourceConfig {
  director: DirectorId;
  kinds: readonly RealSourceKind[];
  ipvsadm: string;
  procRoot: string;
  procHz?: number;
  ip: string | null;
  keepalivedPidFile: string;
  keepalivedJson: string;
  keepalivedJsonSignal: number;
  keepalivedData: string | null;
  keepalivedDataSignal: number;
  keepalivedFifos: readonly string[];
  keepalivedRefreshMs: number;
  weightMode: WeightMode;
  keepalivedWeightsFile: string | null;
  /** The file keepalived's `track_file lvsdeck_failover` reads: planned failover writes it. */
  failoverFile?: string | null;
  log: Logger;
}

/** Parses `--source ipvsadm,procfs,keepalived`; throws a one-line message naming what is wrong. */
export function parseSourceKinds(text: string): RealSourceKind[] {
  const kinds = text.split(",").map((k) => k.trim());
  const unknown = kinds.filter((k) => !(realSourceKinds as readonly string[]).includes(k));
  if (unknown.length > 0) throw new Error(`unknown --source ${unknown.join(",")} (use sim, or a combination of ${realSourceKinds.join(",")})`);
  if (new Set(kinds).size !== kinds.length) throw new Error(`--source lists a kind twice: ${text}`);
  return kinds as RealSourceKind[];
}

/** Builds the composite director source for the real kinds given. */
export function openRealSource(config: RealSourceConfig) {
  const { log } = config;
  const parseErrors = createParseErrorLog(log);
  const ipvs: IpvsPart[] = [];
  if (config.kinds.includes("ipvsadm")) ipvs.push(createIpvsadmPart({ ipvsadm: config.ipvsadm, log, parseErrors }));
  if (config.kinds.includes("procfs")) {
    ipvs.push(createProcfsPart({ procRoot: config.procRoot, log, parseErrors, ...(config.procHz !== undefined && { hz: config.procHz }) }));
  }
  if (config.weightMode === "keepalived" && config.keepalivedWeightsFile === null) throw new Error("--weight-mode keepalived needs --keepalived-weights-file");
  if (config.weightMode === "keepalived" && !config.kinds.includes("ipvsadm")) throw new Error("--weight-mode keepalived needs ipvsadm in --source");
  const keepalived = config.kinds.includes("keepalived")
    ? createKeepalivedPart({
        pidFile: config.keepalivedPidFile,
        jsonPath: config.keepalivedJson,
        jsonSignal: config.keepalivedJsonSignal,
        dataPath: config.keepalivedData,
        dataSignal: config.keepalivedDataSignal,
        fifoPaths: config.keepalivedFifos,
        ip: config.ip,
        refreshMs: config.keepalivedRefreshMs,
        log,
        parseErrors,
      })
    : null;
  return createDirectorSource({
    director: config.director,
    ipvs,
    keepalived,
    weightMode: config.weightMode,
    weightsFile: config.keepalivedWeightsFile === null ? null : createWeightsFile(config.keepalivedWeightsFile),
    reloadKeepalived: () => reloadKeepalived(config.keepalivedPidFile),
    failoverFile: config.failoverFile == null ? null : createFailoverFile(config.failoverFile),
    log,
  });
}
