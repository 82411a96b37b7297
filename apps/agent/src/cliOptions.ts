import type { ParseArgsConfig } from "node:util";
import { weightModeSchema } from "@lvsdeck/protocol";
import type { DirectorId } from "@lvsdeck/protocol";
import type { Logger } from "@lvsdeck/log";
import { DEFAULT_IPVSADM } from "./sources/ipvsadmPart";
import { DEFAULT_DATA_SIGNAL, DEFAULT_JSON_SIGNAL, DEFAULT_REFRESH_MS } from "./sources/keepalivedPart";
import { DEFAULT_KEEPALIVED_PID_FILE } from "./sources/keepalivedProcess";
import type { RealSourceConfig, RealSourceKind } from "./sources/openSource";
import { DEFAULT_IP } from "./sources/vipPresence";

/** Where keepalived 2.2.7 writes its SIGJSON dump (`$TMPDIR` or /tmp). */
const DEFAULT_KEEPALIVED_JSON = "/tmp/keepalived.json";

/**
 * Options of `lvsdeck-agent`, on the command line as `--name value` and in a `--config` file as
 * `name = value`. Defaults live in {@link optionDefaults}, so a config file can tell an option the
 * command line left out from one it set.
 */
export const cliOptions = {
  config: { type: "string" },
  hub: { type: "string", multiple: true },
  "hub-ca": { type: "string" },
  director: { type: "string" },
  token: { type: "string" },
  "token-file": { type: "string" },
  source: { type: "string" },
  "tick-ms": { type: "string" },
  seed: { type: "string" },
  "vrrp-listen": { type: "string" },
  "vrrp-peer": { type: "string", multiple: true },
  "sim-flap-ms": { type: "string" },
  "states-budget": { type: "string" },
  "sim-services": { type: "string" },
  "sim-real-servers": { type: "string" },
  ipvsadm: { type: "string" },
  "proc-root": { type: "string" },
  "proc-hz": { type: "string" },
  ip: { type: "string" },
  "no-ip": { type: "boolean" },
  "keepalived-fifo": { type: "string", multiple: true },
  "keepalived-pid-file": { type: "string" },
  "keepalived-json": { type: "string" },
  "keepalived-json-signal": { type: "string" },
  "keepalived-data": { type: "string" },
  "keepalived-data-signal": { type: "string" },
  "keepalived-refresh-ms": { type: "string" },
  "weight-mode": { type: "string" },
  "keepalived-weights-file": { type: "string" },
  "failover-file": { type: "string" },
  help: { type: "boolean" },
} as const satisfies ParseArgsConfig["options"];

/** The long name of an option (`tick-ms`), as written after `--` and as a config file key. */
export type OptionName = keyof typeof cliOptions;

/** Option values as parsed: a list for repeatable options, a boolean for flags, otherwise text. */
export type OptionValues = { [K in OptionName]?: (typeof cliOptions)[K] extends { multiple: true } ? string[] : (typeof cliOptions)[K]["type"] extends "boolean" ? boolean : string };

/** What an option is when neither the command line nor the config file sets it. */
export const optionDefaults = {
  source: "sim",
  ipvsadm: DEFAULT_IPVSADM,
  "proc-root": "/proc",
  ip: DEFAULT_IP,
  "keepalived-pid-file": DEFAULT_KEEPALIVED_PID_FILE,
  "keepalived-json": DEFAULT_KEEPALIVED_JSON,
  "keepalived-json-signal": String(DEFAULT_JSON_SIGNAL),
  "keepalived-data-signal": String(DEFAULT_DATA_SIGNAL),
  "keepalived-refresh-ms": String(DEFAULT_REFRESH_MS),
  "weight-mode": "runtime",
} as const satisfies OptionValues;

/**
 * The options in effect: the command line over the config file over the defaults. A repeatable option
 * given on the command line replaces the file's list rather than adding to it.
 */
export function resolveOptions(commandLine: OptionValues, configFile: OptionValues): OptionValues {
  return { ...optionDefaults, ...configFile, ...commandLine };
}

/** The usage text printed by `--help` and after a command-line error. */
export const usage = `usage: lvsdeck-agent [run] --hub URL[,URL...] --director NAME --token-file PATH [--source KINDS] [--tick-ms 1000]
       lvsdeck-agent [run] --config /etc/lvsdeck/agent.conf [--flag value ...]
       lvsdeck-agent snapshot --director NAME [--source KINDS]     print one snapshot as JSON
       lvsdeck-agent details --director NAME [--source KINDS]      print per-state connection counts as JSON
  --config PATH      options as \`name = value\` lines, one per line, named like the flags (# comments);
                     flags on the command line win over the file
  token:      --token-file PATH (the token alone, mode 600 or 640) | --token T | env LVSDECK_AGENT_TOKEN
  --hub URL          the hub (http:// or https://); several hubs of a cluster as a list or repeated flags:
                     the agent moves to the next when the one it is connected to fails
  --hub-ca PATH      PEM certificate(s) to trust for an https:// hub (an internal CA); default: the system's
  --source sim | any of ipvsadm,procfs,keepalived (comma-separated)      default sim
  sim:        [--seed N] [--vrrp-listen HOST:PORT] [--vrrp-peer HOST:PORT ...] [--sim-flap-ms N (stop/start keepalived every N ms)]
              [--sim-services N (0-250 more services, VIPs 203.0.113.1…) [--sim-real-servers M (1-200 each, default 20)]]
  ipvsadm:    [--ipvsadm /sbin/ipvsadm]
  procfs:     [--proc-root /proc] [--proc-hz 250]
  keepalived: [--keepalived-fifo PATH ...] [--keepalived-pid-file /run/keepalived.pid]
              [--keepalived-json /tmp/keepalived.json] [--keepalived-json-signal 36]
              [--keepalived-data /tmp/keepalived.data] [--keepalived-data-signal 10]
              [--keepalived-refresh-ms 5000] [--ip /sbin/ip | --no-ip]
  weights:    [--weight-mode runtime|keepalived] [--keepalived-weights-file PATH]
  failover:   [--failover-file PATH]  the file keepalived's track_file lvsdeck_failover reads (weight 1):
                     lets operators move VRRP off this director from lvsdeck (planned failover)
  --states-budget PERCENT  share of one core the per-state connection counts may take (default 5;
                     0 turns them off): every tick while cheap, less often on a large table`;

function integer(values: OptionValues, name: "proc-hz" | "keepalived-json-signal" | "keepalived-data-signal" | "keepalived-refresh-ms", min: number): number {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer >= ${min}`);
  return value;
}

/** Builds the real sources' configuration from parsed flags; throws a one-line message on a bad value. */
export function realSourceConfig(values: OptionValues, director: DirectorId, kinds: RealSourceKind[], log: Logger): RealSourceConfig {
  const weightMode = weightModeSchema.safeParse(values["weight-mode"]);
  if (!weightMode.success) throw new Error(`--weight-mode must be runtime or keepalived, not ${values["weight-mode"]}`);
  return {
    director,
    kinds,
    ipvsadm: values.ipvsadm ?? DEFAULT_IPVSADM,
    procRoot: values["proc-root"] ?? "/proc",
    ...(values["proc-hz"] !== undefined && { procHz: integer(values, "proc-hz", 1) }),
    ip: values["no-ip"] === true ? null : (values.ip ?? DEFAULT_IP),
    keepalivedPidFile: values["keepalived-pid-file"] ?? DEFAULT_KEEPALIVED_PID_FILE,
    keepalivedJson: values["keepalived-json"] ?? DEFAULT_KEEPALIVED_JSON,
    keepalivedJsonSignal: integer(values, "keepalived-json-signal", 1),
    keepalivedData: values["keepalived-data"] ?? null,
    keepalivedDataSignal: integer(values, "keepalived-data-signal", 1),
    keepalivedFifos: values["keepalived-fifo"] ?? [],
    keepalivedRefreshMs: integer(values, "keepalived-refresh-ms", 100),
    weightMode: weightMode.data,
    keepalivedWeightsFile: values["keepalived-weights-file"] ?? null,
    failoverFile: values["failover-file"] ?? null,
    log,
  };
}

/**
 * The hub URLs of `--hub` flags, each one URL or a comma-separated list; an error names a value that is not
 * an http:// or https:// URL, or says none was given.
 */
export function parseHubUrls(flags: readonly string[] | undefined): { urls: string[] } | { error: string } {
  const urls = (flags ?? []).flatMap((flag) => flag.split(",")).map((url) => url.trim()).filter((url) => url !== "");
  if (urls.length === 0) return { error: "--hub is required" };
  for (const url of urls) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return { error: `--hub ${url}: not a URL (e.g. http://hub.example:8080)` };
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return { error: `--hub ${url}: the hub is reached over http:// or https://` };
  }
  return { urls: [...new Set(urls)] };
}
