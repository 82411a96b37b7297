import { MAX_WEIGHT } from "@lvsdeck/protocol";
import type { Family, Forwarding, IpProtocol } from "@lvsdeck/protocol";
import { normalizeAddress } from "./addresses";
import type { TunnelInfo } from "./ipvsTypes";

/** The service part of an edit: what `VirtualService` carries about its identity. */
export interface EditServiceRef {
  family: Family;
  protocol: IpProtocol | null;
  address: string | null;
  port: number | null;
  fwmark: number | null;
}

/** The real server as it is now; every field is re-sent because `ipvsadm -e` resets what is left out. */
export interface EditRealServerRef {
  address: string;
  port: number;
  forwarding: Forwarding;
  upperThreshold: number;
  lowerThreshold: number;
  /** Tunnel settings from `--tun-info`; without them a gue/gre tunnel would fall back to ipip. */
  tunnel?: TunnelInfo | null;
}

/** Input of `buildEditRealServerArgs`. */
export interface EditRealServerInput {
  service: EditServiceRef;
  realServer: EditRealServerRef;
  weight: number;
}

/** Why no argv was built; `field` names the offending input. */
export interface EditArgsError {
  kind: "invalid-input";
  field: string;
  message: string;
}

/** The argv for `execFile('ipvsadm', argv)`, or the reason it could not be built. */
export type EditArgsResult = { ok: true; argv: string[] } | { ok: false; error: EditArgsError };

// ipvsadm reads thresholds with string_to_number(…, 0, INT_MAX).
const MAX_THRESHOLD = 2 ** 31 - 1;
const MAX_FWMARK = 2 ** 32 - 1;
const PROTOCOL_FLAG: Record<IpProtocol, string> = { TCP: "-t", UDP: "-u", SCTP: "--sctp-service" };
const FORWARD_FLAG: Partial<Record<Forwarding, string>> = { Route: "-g", Local: "-g", Masq: "-m", Tunnel: "-i" };

const invalid = (field: string, message: string): EditArgsResult => ({ ok: false, error: { kind: "invalid-input", field, message } });

function isIntIn(value: unknown, min: number, max: number): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

/** Formats an address:port for ipvsadm, accepting only a literal IP address (never a name or an option). */
function endpoint(address: unknown, port: unknown): string | null {
  if (typeof address !== "string" || !isIntIn(port, 0, 65535)) return null;
  const normalized = normalizeAddress(address);
  if (normalized === null) return null;
  return normalized.family === "inet6" ? `[${normalized.address}]:${port}` : `${normalized.address}:${port}`;
}

function serviceArgs(service: EditServiceRef): string[] | EditArgsResult {
  if (service.fwmark !== null) {
    if (!isIntIn(service.fwmark, 1, MAX_FWMARK)) return invalid("service.fwmark", "fwmark must be an integer 1..4294967295");
    return service.family === "inet6" ? ["-f", String(service.fwmark), "-6"] : ["-f", String(service.fwmark)];
  }
  const flag = service.protocol === null ? undefined : PROTOCOL_FLAG[service.protocol];
  if (flag === undefined) return invalid("service.protocol", "protocol must be TCP, UDP or SCTP when there is no fwmark");
  const vip = endpoint(service.address, service.port);
  if (vip === null) return invalid("service.address", "service address must be an IPv4/IPv6 address with a port 0..65535");
  return [flag, vip];
}

/**
 * Builds `-e <service> -r RIP:PORT <-g|-m|-i> -w W -x U -y L [tunnel options]` for a weight
 * edit, re-sending forwarding, thresholds and tunnel options because ipvsadm resets them otherwise.
 */
export function buildEditRealServerArgs(input: EditRealServerInput): EditArgsResult {
  const { service, realServer, weight } = input;
  const svc = serviceArgs(service);
  if (!Array.isArray(svc)) return svc;
  const rip = endpoint(realServer.address, realServer.port);
  if (rip === null) return invalid("realServer.address", "real server address must be an IPv4/IPv6 address with a port 0..65535");
  const forward = FORWARD_FLAG[realServer.forwarding];
  if (forward === undefined) return invalid("realServer.forwarding", `mainline ipvsadm cannot set forwarding '${realServer.forwarding}'`);
  if (!isIntIn(weight, 0, MAX_WEIGHT)) return invalid("weight", `weight must be an integer 0..${MAX_WEIGHT}`);
  if (!isIntIn(realServer.upperThreshold, 0, MAX_THRESHOLD)) return invalid("realServer.upperThreshold", "upper threshold must be an integer 0..2147483647");
  if (!isIntIn(realServer.lowerThreshold, 0, MAX_THRESHOLD)) return invalid("realServer.lowerThreshold", "lower threshold must be an integer 0..2147483647");
  const argv = ["-e", ...svc, "-r", rip, forward, "-w", String(weight), "-x", String(realServer.upperThreshold), "-y", String(realServer.lowerThreshold)];
  const tunnel = realServer.tunnel ?? null;
  if (tunnel !== null) {
    if (realServer.forwarding !== "Tunnel") return invalid("realServer.tunnel", "tunnel options need Tunnel forwarding");
    argv.push("--tun-type", tunnel.type);
    if (tunnel.type === "gue") {
      if (!isIntIn(tunnel.port, 1, 65535)) return invalid("realServer.tunnel.port", "a gue tunnel needs a port 1..65535");
      argv.push("--tun-port", String(tunnel.port));
    }
    if (tunnel.type !== "ipip" && tunnel.checksum !== null) argv.push(`--tun-${tunnel.checksum}`);
  }
  return { ok: true, argv };
}
