import { fwmarkServiceKey, serviceKeyOf } from "@lvsdeck/protocol";
import type { Family, Forwarding, IpProtocol } from "@lvsdeck/protocol";
import { parseAddressPort } from "./addresses";
import type { RealServerId, ServiceEntry, ServiceId, TunnelInfo, TunnelType } from "./ipvsTypes";
import { tunnelTypes } from "./ipvsTypes";
import { parseUint } from "./numbers";
import { lineError } from "./parseResult";
import type { ParseError, ParseResult } from "./parseResult";
import { parseRealServerId, parseServiceOptions } from "./parseServiceLine";
import type { Outcome } from "./parseServiceLine";
import { isBlank, splitLines, tokenize } from "./textLines";

/** A `-a` rule of `ipvsadm -Sn`; thresholds are null when not saved (1.31 never saves them). */
export interface SavedRealServer extends RealServerId {
  forwarding: Forwarding;
  weight: number;
  upperThreshold: number | null;
  lowerThreshold: number | null;
  tunnel: TunnelInfo | null;
}

/** `ipvsadm -Sn`: `-A` service rules, each with the `-a` rules that follow for it. */
export interface IpvsadmSave {
  services: Array<ServiceEntry & { line: number; realServers: Array<SavedRealServer & { line: number }> }>;
}

const SERVICE_FLAGS: Record<string, IpProtocol> = { "-t": "TCP", "--tcp-service": "TCP", "-u": "UDP", "--udp-service": "UDP", "--sctp-service": "SCTP" };
const FORWARD_FLAGS: Record<string, Forwarding> = { "-g": "Route", "--gatewaying": "Route", "-m": "Masq", "--masquerading": "Masq", "-i": "Tunnel", "--ipip": "Tunnel" };
const CHECKSUM_FLAGS = { "--tun-nocsum": "nocsum", "--tun-csum": "csum", "--tun-remcsum": "remcsum" } as const;
// Options that take a value; everything else in a rule is a bare flag.
const WITH_VALUE = new Set(["-t", "--tcp-service", "-u", "--udp-service", "--sctp-service", "-f", "--fwmark-service", "-s", "--scheduler", "-p", "--persistent", "-M", "--netmask", "--pe", "-b", "--sched-flags", "-r", "--real-server", "-w", "--weight", "-x", "--u-threshold", "-y", "--l-threshold", "--tun-type", "--tun-port"]);

function readOptions(tokens: readonly string[]): Outcome<Map<string, string>> {
  const options = new Map<string, string>();
  for (let i = 1; i < tokens.length; i += 1) {
    const flag = tokens[i] ?? "";
    const value = WITH_VALUE.has(flag) ? tokens[i + 1] : "";
    if (value === undefined) return { ok: false, message: `option ${flag} has no value` };
    if (!flag.startsWith("-")) return { ok: false, message: `unexpected '${flag}'` };
    if (options.has(flag)) return { ok: false, message: `option ${flag} given twice` };
    options.set(flag, value);
    if (WITH_VALUE.has(flag)) i += 1;
  }
  return { ok: true, value: options };
}

function readServiceId(options: Map<string, string>): Outcome<ServiceId> {
  const family: Family = options.has("-6") ? "inet6" : "inet";
  const mark = options.get("-f") ?? options.get("--fwmark-service");
  if (mark !== undefined) {
    const fwmark = parseUint(mark, 2 ** 32 - 1);
    if (fwmark === null) return { ok: false, message: `firewall mark '${mark}' is not a number` };
    return { ok: true, value: { key: fwmarkServiceKey(fwmark, family), family, protocol: null, address: null, port: null, fwmark } };
  }
  for (const [flag, protocol] of Object.entries(SERVICE_FLAGS)) {
    const text = options.get(flag);
    if (text === undefined) continue;
    const ap = parseAddressPort(text);
    if (ap === null) return { ok: false, message: `'${text}' is not a numeric address:port (use -Sn)` };
    return { ok: true, value: { key: serviceKeyOf(protocol, ap.address, ap.port), family: ap.family, protocol, address: ap.address, port: ap.port, fwmark: null } };
  }
  return { ok: false, message: "no -t, -u, --sctp-service or -f service" };
}

function readService(options: Map<string, string>, id: ServiceId): Outcome<ServiceEntry> {
  // Rebuild the -Ln tail so both formats share one reader of scheduler, persistence and flags.
  const tail = [options.get("-s") ?? options.get("--scheduler") ?? "wlc"];
  const flags = options.get("-b") ?? options.get("--sched-flags");
  if (flags !== undefined) tail.push(`(${flags})`);
  const timeout = options.get("-p") ?? options.get("--persistent");
  if (timeout !== undefined) tail.push("persistent", timeout);
  const mask = options.get("-M") ?? options.get("--netmask");
  if (mask !== undefined) tail.push("mask", mask);
  const pe = options.get("--pe");
  if (pe !== undefined) tail.push("pe", pe);
  if (options.has("-o") || options.has("--ops")) tail.push("ops");
  return parseServiceOptions(id, tail);
}

function readRealServer(options: Map<string, string>): Outcome<SavedRealServer> {
  const id = parseRealServerId(options.get("-r") ?? options.get("--real-server"));
  if (!id.ok) return id;
  const forwardFlags = Object.keys(FORWARD_FLAGS).filter((flag) => options.has(flag));
  if (forwardFlags.length > 1) return { ok: false, message: "more than one forwarding method" };
  const forwarding = FORWARD_FLAGS[forwardFlags[0] ?? "-g"] ?? "Route";
  const numeric = (flags: string[], max: number): number | null | "bad" => {
    const text = flags.map((f) => options.get(f)).find((v) => v !== undefined);
    if (text === undefined) return null;
    return parseUint(text, max) ?? "bad";
  };
  const weight = numeric(["-w", "--weight"], 2 ** 31 - 1);
  const upper = numeric(["-x", "--u-threshold"], 2 ** 31 - 1);
  const lower = numeric(["-y", "--l-threshold"], 2 ** 31 - 1);
  if (weight === "bad" || upper === "bad" || lower === "bad") return { ok: false, message: "a weight or threshold is not a number" };
  let tunnel: TunnelInfo | null = null;
  const type = options.get("--tun-type");
  if (type !== undefined) {
    if (!(tunnelTypes as readonly string[]).includes(type)) return { ok: false, message: `unknown tunnel type '${type}'` };
    const port = numeric(["--tun-port"], 65535);
    if (port === "bad") return { ok: false, message: "--tun-port is not a port" };
    const checksumFlag = Object.keys(CHECKSUM_FLAGS).find((flag) => options.has(flag)) as keyof typeof CHECKSUM_FLAGS | undefined;
    tunnel = { type: type as TunnelType, port, checksum: checksumFlag === undefined ? null : CHECKSUM_FLAGS[checksumFlag] };
  }
  return { ok: true, value: { ...id.value, forwarding, weight: weight ?? 1, upperThreshold: upper, lowerThreshold: lower, tunnel } };
}

/** Parses `ipvsadm -Sn` rules (`-A` services and `-a` real servers; hostnames from `-S` without `-n` are errors). */
export function parseIpvsadmSave(text: string): ParseResult<IpvsadmSave> {
  const errors: ParseError[] = [];
  const value: IpvsadmSave = { services: [] };
  for (const { line, text: raw } of splitLines(text)) {
    if (isBlank(raw)) continue;
    const tokens = tokenize(raw);
    const options = readOptions(tokens);
    const id = options.ok ? readServiceId(options.value) : options;
    if (!options.ok || !id.ok) {
      errors.push(lineError(line, raw, options.ok ? (id.ok ? "" : id.message) : options.message));
      continue;
    }
    if (tokens[0] === "-A") {
      const service = readService(options.value, id.value);
      if (service.ok) value.services.push({ ...service.value, line, realServers: [] });
      else errors.push(lineError(line, raw, service.message));
    } else if (tokens[0] === "-a") {
      const service = value.services.find((s) => s.key === id.value.key);
      const realServer = readRealServer(options.value);
      if (service === undefined) errors.push(lineError(line, raw, `real server of ${id.value.key}, which no -A rule above defines`));
      else if (!realServer.ok) errors.push(lineError(line, raw, realServer.message));
      else service.realServers.push({ ...realServer.value, line });
    } else {
      errors.push(lineError(line, raw, `expected an -A or -a rule, found '${tokens[0] ?? ""}'`));
    }
  }
  return { value, errors };
}
