import { fwmarkServiceKey, realServerKeyOf, serviceKeyOf } from "@lvsdeck/protocol";
import type { Family, IpProtocol, Persistence } from "@lvsdeck/protocol";
import { parseProcAddress, parseProcPort } from "./addresses";
import { parseIpvsTable } from "./ipvsadmTable";
import type { IpvsadmTable, ListRealServer, ServiceEntry } from "./ipvsTypes";
import { parseHex } from "./numbers";
import type { ParseResult } from "./parseResult";
import { parseForwarding, parseUintColumns } from "./parseServiceLine";
import type { Outcome } from "./parseServiceLine";

/** Debian amd64's CONFIG_HZ; the kernel prints persistence timeouts in jiffies, so seconds = jiffies / HZ. */
export const DEFAULT_HZ = 250;

/** A service of `/proc/net/ip_vs`; it shows no scheduler flags, PE name, thresholds or stats. */
export interface ProcService extends ServiceEntry {
  /** The raw `persistent` value in jiffies, kept because the HZ used to convert it is a guess. */
  persistentJiffies: number | null;
  /** True for fwmark services, whose family /proc does not show; it is taken from the first real server. */
  familyInferred: boolean;
}

/** `/proc/net/ip_vs`. */
export type ProcIpVs = IpvsadmTable<ProcService, ListRealServer>;

/** Options for `parseProcIpVs`. */
export interface ProcIpVsOptions {
  /** The kernel's CONFIG_HZ (check /boot/config-$(uname -r)); defaults to 250. */
  hz?: number;
}

function hexEndpoint(text: string): { address: string; family: Family; port: number } | null {
  const match = /^\[?([0-9A-Fa-f:]+)\]?:([0-9A-Fa-f]{4})$/.exec(text);
  if (match === null) return null;
  const address = parseProcAddress(match[1] ?? "");
  const port = parseProcPort(match[2] ?? "");
  return address === null || port === null ? null : { ...address, port };
}

function procNetmask(hex: string, family: Family): string {
  const value = parseHex(hex, 8) ?? 0;
  if (family === "inet") return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");
  // For IPv6 the kernel stores the prefix length and prints it through ntohl, so swap it back.
  const swapped = (((value & 255) << 24) | (((value >>> 8) & 255) << 16) | (((value >>> 16) & 255) << 8) | (value >>> 24)) >>> 0;
  return swapped <= 128 ? String(swapped) : hex;
}

function parseProcService(tokens: string[], hz: number): Outcome<ProcService> {
  const [proto = "", where = "", scheduler = "", ...rest] = tokens;
  let id: Pick<ServiceEntry, "key" | "family" | "protocol" | "address" | "port" | "fwmark">;
  if (proto === "FWM") {
    const fwmark = parseHex(where, 8);
    if (fwmark === null) return { ok: false, message: `firewall mark '${where}' is not 8 hex digits` };
    id = { key: fwmarkServiceKey(fwmark, "inet"), family: "inet", protocol: null, address: null, port: null, fwmark };
  } else if (proto === "TCP" || proto === "UDP" || proto === "SCTP") {
    const endpoint = hexEndpoint(where);
    if (endpoint === null) return { ok: false, message: `'${where}' is not a hex address:port` };
    const protocol: IpProtocol = proto;
    id = { key: serviceKeyOf(protocol, endpoint.address, endpoint.port), family: endpoint.family, protocol, address: endpoint.address, port: endpoint.port, fwmark: null };
  } else {
    return { ok: false, message: `unknown protocol '${proto}'` };
  }
  if (!/^[a-z][a-z0-9_-]{0,15}$/.test(scheduler)) return { ok: false, message: `'${scheduler}' is not a scheduler name` };
  let onePacket = false;
  let persistentJiffies: number | null = null;
  let persistence: Persistence | null = null;
  for (let i = 0; i < rest.length; i += 1) {
    if (rest[i] === "ops") {
      onePacket = true;
    } else if (rest[i] === "persistent" && /^\d+$/.test(rest[i + 1] ?? "") && parseHex(rest[i + 2], 8) !== null) {
      persistentJiffies = Number(rest[i + 1]);
      persistence = { timeoutSec: Math.round(persistentJiffies / hz), netmask: procNetmask(rest[i + 2] ?? "", id.family) };
      i += 2;
    } else {
      return { ok: false, message: `unexpected '${rest[i] ?? ""}' after the scheduler` };
    }
  }
  return { ok: true, value: { ...id, scheduler, schedulerFlags: [], persistence, onePacket, pe: null, persistentJiffies, familyInferred: proto === "FWM" } };
}

function parseProcRealServer(tokens: string[]): Outcome<ListRealServer> {
  const endpoint = hexEndpoint(tokens[0] ?? "");
  if (endpoint === null) return { ok: false, message: `'${tokens[0] ?? ""}' is not a hex address:port` };
  const forwarding = parseForwarding(tokens[1]);
  if (!forwarding.ok) return forwarding;
  const numbers = parseUintColumns(tokens.slice(2), ["Weight", "ActiveConn", "InActConn"]);
  if (!numbers.ok) return numbers;
  const [weight = 0, activeConns = 0, inactiveConns = 0] = numbers.value;
  const key = realServerKeyOf(endpoint.address, endpoint.port);
  return { ok: true, value: { key, ...endpoint, forwarding: forwarding.value, weight, activeConns, inactiveConns } };
}

/** Parses `/proc/net/ip_vs` (hex addresses and ports, fwmark in hex, persistence in jiffies at `hz`, default 250). */
export function parseProcIpVs(text: string, options: ProcIpVsOptions = {}): ParseResult<ProcIpVs> {
  const hz = options.hz !== undefined && options.hz > 0 ? options.hz : DEFAULT_HZ;
  const result = parseIpvsTable(text, {
    name: "/proc/net/ip_vs",
    serviceTitle: "Prot LocalAddress:Port Scheduler Flags",
    realServerTitle: "-> RemoteAddress:Port Forward Weight ActiveConn InActConn",
    parseService: (tokens) => parseProcService(tokens, hz),
    parseRealServer: parseProcRealServer,
  });
  for (const service of result.value.services) {
    const first = service.realServers[0];
    if (service.fwmark !== null && first !== undefined && first.family === "inet6") {
      service.family = "inet6";
      service.key = fwmarkServiceKey(service.fwmark, "inet6");
    }
  }
  return result;
}
