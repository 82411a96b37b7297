import { isIpAddress, fwmarkServiceKey, realServerKeyOf, serviceKeyOf } from "@lvsdeck/protocol";
import type { RealServerKey, ServiceKey } from "@lvsdeck/protocol";

/** Protocol names keepalived prints inside `[addr]:proto:port` (lib/utils.c inet_sockaddrtotrio_r). */
export const checkerProtocols = ["tcp", "udp", "sctp", "none", "?"] as const;
export type CheckerProtocol = (typeof checkerProtocols)[number];

/** A virtual server as keepalived's checker names it: by address, by firewall mark, or by group. */
export type VirtualServerRef =
  | { readonly kind: "address"; readonly address: string; readonly protocol: CheckerProtocol; readonly port: number }
  | { readonly kind: "fwmark"; readonly fwmark: number }
  | { readonly kind: "group"; readonly group: string; readonly port: number };

/** A real server endpoint as keepalived prints it. */
export interface Endpoint {
  readonly address: string;
  readonly protocol: CheckerProtocol;
  readonly port: number;
}

const maxPort = 65535;

function isCheckerProtocol(text: string): text is CheckerProtocol {
  return (checkerProtocols as readonly string[]).includes(text);
}

function parsePort(text: string): number | null {
  const port = Number(text);
  return /^\d{1,5}$/.test(text) && port <= maxPort ? port : null;
}

/** Parses `[addr]:proto:port`; null when it is not exactly that. */
export function parseEndpoint(text: string): Endpoint | null {
  const match = /^\[([^\]]+)\]:([a-z?]+):(\d+)$/.exec(text);
  if (!match?.[1] || !match[2] || !match[3]) return null;
  const port = parsePort(match[3]);
  if (!isIpAddress(match[1]) || !isCheckerProtocol(match[2]) || port === null) return null;
  return { address: match[1], protocol: match[2], port };
}

/** Parses a virtual server token: `[addr]:proto:port`, `FWM <n>` or `[<group>]:<port>`. */
export function parseVirtualServerRef(text: string): VirtualServerRef | null {
  const fwmark = /^FWM (\d{1,10})$/.exec(text);
  if (fwmark?.[1]) return { kind: "fwmark", fwmark: Number(fwmark[1]) };
  const endpoint = parseEndpoint(text);
  if (endpoint) return { kind: "address", ...endpoint };
  // format_vs(): a group is "[name]:port"; the name is not escaped, so take everything up to the last "]:".
  const group = /^\[(.+)\]:(\d+)$/.exec(text);
  const port = group?.[2] === undefined ? null : parsePort(group[2]);
  if (group?.[1] && port !== null) return { kind: "group", group: group[1], port };
  return null;
}

const ipvsProtocolNames = { tcp: "TCP", udp: "UDP", sctp: "SCTP" } as const;

/**
 * The protocol's service key for a virtual server, or null when ipvsadm would name it differently
 * (groups, or a protocol keepalived could not name); fwmarks are assumed IPv4 since the line does not say.
 */
export function serviceKeyOfRef(ref: VirtualServerRef): ServiceKey | null {
  if (ref.kind === "fwmark") return fwmarkServiceKey(ref.fwmark, "inet");
  if (ref.kind === "group" || ref.protocol === "none" || ref.protocol === "?") return null;
  return serviceKeyOf(ipvsProtocolNames[ref.protocol], ref.address, ref.port);
}

/** Prefix of the name a virtual_server_group's checker verdicts are filed under. */
export const GROUP_TARGET_PREFIX = "group ";

/**
 * Where keepalived's verdicts on this virtual server's real servers are filed: its service key, or
 * for a group `group <name>`, since a group's services are known only through the real servers they carry.
 */
export function verdictTargetOfRef(ref: VirtualServerRef): string | null {
  return ref.kind === "group" ? `${GROUP_TARGET_PREFIX}${ref.group}` : serviceKeyOfRef(ref);
}

/** The protocol's real server key for an endpoint. */
export function realServerKeyOfEndpoint(endpoint: Pick<Endpoint, "address" | "port">): RealServerKey {
  return realServerKeyOf(endpoint.address, endpoint.port);
}
