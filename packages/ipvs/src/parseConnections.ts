import { fwmarkServiceKey, realServerKeyOf, serviceKeyOf } from "@lvsdeck/protocol";
import type { Family } from "@lvsdeck/protocol";
import { fwmarkFromAddress, parseAddressPort, parseProcAddress, parseProcPort } from "./addresses";
import type { AddressPort } from "./addresses";
import { connectionActivity, isTemplate } from "./connectionState";
import type { ConnectionActivity } from "./connectionState";
import { lineError } from "./parseResult";
import type { ParseError, ParseResult } from "./parseResult";
import { parseUint } from "./numbers";
import { isBlank, splitLines, tokenize } from "./textLines";

/** One connection-table entry from `ipvsadm -Lnc` or `/proc/net/ip_vs_conn`, decoded to the same shape. */
export interface ConnectionEntry {
  /** `TCP`, `UDP`, `SCTP`, `IP` (fwmark templates), `ICMP`…, as printed. */
  protocol: string;
  family: Family;
  client: AddressPort;
  /** For fwmark templates this is the mark dressed as an address (`0.0.0.100`, `0:c8::`). */
  virtual: AddressPort;
  destination: AddressPort;
  state: string;
  expiresSec: number;
  peName: string | null;
  peData: string | null;
  /** `LOCAL` or `SYNC` from `/proc/net/ip_vs_conn_sync`; null elsewhere. */
  origin: "LOCAL" | "SYNC" | null;
  template: boolean;
  activity: ConnectionActivity;
  /** The firewall mark of a fwmark template, read from its virtual address. */
  fwmark: number | null;
  /** `TCP 10.0.0.100:80`, `FWM 100` for fwmark templates; other protocols use their own name. */
  serviceKey: string;
  realServerKey: string;
}

/** What one line of a connection listing turned out to be. */
export type ConnectionLine = { kind: "header" } | { kind: "entry"; entry: ConnectionEntry } | { kind: "error"; message: string };

const HEADER_STARTS = ["IPVS connection entries", "pro expire state", "Pro FromIP FPrt"];
const STATE = /^[A-Z?][A-Z0-9_!?-]{0,15}$/;
const PROTOCOL = /^[A-Z][A-Za-z0-9_]{0,11}$/;

/** True for a protocol column as the kernel prints it. */
export const isProtocolName = (text: string): boolean => PROTOCOL.test(text);

/** True for a state column as the kernel prints it. */
export const isStateName = (text: string): boolean => STATE.test(text);

/** The parts of an entry that follow from its protocol, virtual and destination alone. */
export type ConnectionTarget = Pick<ConnectionEntry, "fwmark" | "serviceKey" | "realServerKey">;

/** Keys an entry's service (a fwmark template's by its mark) and real server. */
export function connectionTarget(protocol: string, virtual: AddressPort, destination: AddressPort): ConnectionTarget {
  const fwmark = protocol === "IP" ? fwmarkFromAddress(virtual.address, virtual.family) : null;
  const serviceKey = fwmark !== null ? fwmarkServiceKey(fwmark, virtual.family) : serviceKeyOf(protocol, virtual.address, virtual.port);
  return { fwmark, serviceKey, realServerKey: realServerKeyOf(destination.address, destination.port) };
}

function buildEntry(protocol: string, client: AddressPort, virtual: AddressPort, destination: AddressPort, state: string, expiresSec: number, extras: Pick<ConnectionEntry, "peName" | "peData" | "origin">): ConnectionEntry {
  const template = isTemplate(protocol, client.port, state);
  const { fwmark, serviceKey, realServerKey } = connectionTarget(protocol, virtual, destination);
  return {
    protocol, family: client.family, client, virtual, destination, state, expiresSec, ...extras,
    template, activity: connectionActivity(protocol, state, template), fwmark, serviceKey, realServerKey,
  };
}

function parseIpvsadmRow(tokens: readonly string[]): ConnectionLine {
  const [protocol = "", expire = "", state = "", source = "", virtualText = "", destinationText = ""] = tokens;
  if (tokens.length < 6 || tokens.length > 8) return { kind: "error", message: `expected 6 to 8 columns, found ${tokens.length}` };
  if (!PROTOCOL.test(protocol)) return { kind: "error", message: `'${protocol}' is not a protocol name` };
  const clock = /^(\d{1,7}):([0-5]\d)$/.exec(expire);
  if (clock === null) return { kind: "error", message: `expire '${expire}' is not mm:ss` };
  if (!STATE.test(state)) return { kind: "error", message: `'${state}' is not a connection state` };
  const client = parseAddressPort(source);
  const virtual = parseAddressPort(virtualText);
  const destination = parseAddressPort(destinationText);
  if (client === null || virtual === null || destination === null) {
    const bad = client === null ? source : virtual === null ? virtualText : destinationText;
    return { kind: "error", message: `'${bad}' is not an address:port` };
  }
  const expiresSec = Number(clock[1]) * 60 + Number(clock[2]);
  const extras = { peName: tokens[6] ?? null, peData: tokens[7] ?? null, origin: null };
  return { kind: "entry", entry: buildEntry(protocol, client, virtual, destination, state, expiresSec, extras) };
}

/** Decodes a /proc address and port pair, or null. */
export function procEndpoint(addressText: string, portText: string): AddressPort | null {
  const address = parseProcAddress(addressText);
  const port = parseProcPort(portText);
  return address === null || port === null ? null : { ...address, port };
}

function parseProcRow(tokens: readonly string[]): ConnectionLine {
  const [protocol = "", ...rest] = tokens;
  if (tokens.length < 9 || tokens.length > 11) return { kind: "error", message: `expected 9 to 11 columns, found ${tokens.length}` };
  if (!PROTOCOL.test(protocol)) return { kind: "error", message: `'${protocol}' is not a protocol name` };
  const client = procEndpoint(rest[0] ?? "", rest[1] ?? "");
  const virtual = procEndpoint(rest[2] ?? "", rest[3] ?? "");
  const destination = procEndpoint(rest[4] ?? "", rest[5] ?? "");
  if (client === null || virtual === null || destination === null) return { kind: "error", message: "an address or port is not in /proc's hex form" };
  const state = rest[6] ?? "";
  if (!STATE.test(state)) return { kind: "error", message: `'${state}' is not a connection state` };
  // ip_vs_conn_sync puts Origin (LOCAL/SYNC) between State and Expires.
  const origin: ConnectionEntry["origin"] = (rest[7] === "LOCAL" || rest[7] === "SYNC") && tokens.length === 10 ? rest[7] : null;
  const expiresText = origin === null ? rest[7] : rest[8];
  const expiresSec = parseUint(expiresText, 2 ** 32 - 1);
  if (expiresSec === null) return { kind: "error", message: `Expires '${expiresText ?? ""}' is not a number` };
  const extras = origin === null ? { peName: rest[8] ?? null, peData: rest[9] ?? null, origin } : { peName: null, peData: null, origin };
  return { kind: "entry", entry: buildEntry(protocol, client, virtual, destination, state, expiresSec, extras) };
}

/**
 * Reads one line of `ipvsadm -Lnc [--persistent-conn]`, `/proc/net/ip_vs_conn` or `ip_vs_conn_sync`;
 * the format is recognised per line (an `mm:ss` second column means ipvsadm), so streams can mix.
 */
export function parseConnectionLine(text: string): ConnectionLine {
  const tokens = tokenize(text);
  const joined = tokens.join(" ");
  if (HEADER_STARTS.some((start) => joined.startsWith(start))) return { kind: "header" };
  if (/^\d+:\d+$/.test(tokens[1] ?? "")) return parseIpvsadmRow(tokens);
  if (tokens.length < 9) return { kind: "error", message: `not a connection entry: expected 6-8 columns (ipvsadm -Lnc) or 9-11 (/proc), found ${tokens.length}` };
  return parseProcRow(tokens);
}

/** Parses a whole connection listing in memory; for large tables use `createConnectionAggregator` or `createConnectionQuery`. */
export function parseConnections(text: string): ParseResult<ConnectionEntry[]> {
  const value: ConnectionEntry[] = [];
  const errors: ParseError[] = [];
  for (const { line, text: raw } of splitLines(text)) {
    if (isBlank(raw)) continue;
    const parsed = parseConnectionLine(raw);
    if (parsed.kind === "entry") value.push(parsed.entry);
    else if (parsed.kind === "error") errors.push(lineError(line, raw, parsed.message));
  }
  return { value, errors };
}

/** Parses `ipvsadm -Lnc` or `ipvsadm -Lnc --persistent-conn`. */
export const parseIpvsadmConnections = parseConnections;

/** Parses `/proc/net/ip_vs_conn` (or `ip_vs_conn_sync`). */
export const parseProcIpVsConn = parseConnections;
