import { normalizeAddress, parseAddressPort } from "./addresses";
import type { AddressPort } from "./addresses";
import { connectionActivity, isTemplate } from "./connectionState";
import type { ConnectionActivity } from "./connectionState";
import { connectionTarget, isProtocolName, isStateName, procEndpoint } from "./parseConnections";
import type { ConnectionEntry, ConnectionTarget } from "./parseConnections";
import { ipv4End, isPlainToken, isProcIpv6, MAX_TOKENS, readClock, readDecimal, readHex, splitTokens, tokenIs } from "./scanTokens";
import { detach } from "./textLines";

/**
 * What a line's protocol, VIP and real-server tokens decode to. The scanner caches one per distinct raw
 * text (bounded, see MAX_CACHED_KEYS) and hands the same object to every line that has it: read, never change.
 */
export interface ScannedTarget extends ConnectionTarget {
  protocol: string;
  virtual: AddressPort;
  destination: AddressPort;
}

/** One connection line as the fast path read it; the scanner overwrites this one object for every line. */
export interface ScannedConnection<T = null> {
  protocol: string;
  state: string;
  template: boolean;
  activity: ConnectionActivity;
  client: AddressPort;
  /** Shared with every line of the same service and real server: read, never change. */
  virtual: AddressPort;
  destination: AddressPort;
  fwmark: number | null;
  serviceKey: string;
  realServerKey: string;
  /** The line's cached target, shared with every line of the same protocol, service and real server. */
  target: ScannedTarget;
  /** What the scanner's `tagOf` gave for `target`, computed once per cached target. */
  tag: T;
}

/** A fast reader of connection lines (`text[from, to)`, no CR or newline) that allocates no entry per line. */
export interface ConnectionScanner<T = null> {
  /** Reads a well-formed entry line, or returns null to leave the line (header, blank, odd, bad) to `parseConnectionLine`. */
  scan(text: string, from: number, to: number): ScannedConnection<T> | null;
  /** The entry for the line just scanned, equal to what `parseConnectionLine` gives for it. */
  entry(text: string): ConnectionEntry;
}

interface Target<T> {
  target: ScannedTarget;
  tag: T;
}

interface StateInfo {
  state: string;
  templateAtPortZero: boolean;
  templateElsewhere: boolean;
  /** The activity when the entry is not a template. */
  activity: ConnectionActivity;
}

interface ProtocolInfo<T> {
  protocol: string;
  /** Valid states seen, searched in place: a protocol has a handful, so this beats slicing and hashing. */
  states: StateInfo[];
  lncTargets: Map<string, Target<T> | null>;
  procTargets: Map<string, Target<T> | null>;
}

// A table has few protocols, states, services and real servers; past this many cached keys the input
// is garbage or unusual, and the caches start over rather than grow.
const MAX_CACHED_KEYS = 16_384;
// IPv6 clients normalized; clients are many, so this cache only saves work on repeat visitors.
const MAX_CACHED_IPV6 = 16_384;
// Kernels print at most ~15 state names per protocol.
const MAX_STATES = 32;
const MAX_EXPIRES = 2 ** 32 - 1;
const COLON = 58;
const OPEN_BRACKET = 91;

const noTag = (): null => null;

/**
 * Creates a scanner whose caches map raw VIP, real-server, protocol and state tokens to validated keys.
 * `tagOf` derives the caller's own value from a target (a folded service key, a filter verdict); it is
 * called once per cached target, so it must depend on nothing else.
 */
export function createConnectionScanner(): ConnectionScanner;
export function createConnectionScanner<T>(tagOf: (target: ScannedTarget) => T): ConnectionScanner<T>;
export function createConnectionScanner<T>(tagOf: (target: ScannedTarget) => T | null = noTag): ConnectionScanner<T | null> {
  const bounds = new Int32Array(2 * MAX_TOKENS);
  const protocols = new Map<string, ProtocolInfo<T | null> | null>();
  const ipv6Addresses = new Map<string, string | null>();
  let cached = 0;
  let tokens = 0;
  const client: AddressPort = { address: "", family: "inet", port: 0 };
  const none: AddressPort = { address: "", port: 0, family: "inet" };
  const noTarget: ScannedTarget = { protocol: "", virtual: none, destination: none, fwmark: null, serviceKey: "", realServerKey: "" };
  const result: ScannedConnection<T | null> = {
    protocol: "", state: "", template: false, activity: "inactive", client, virtual: none, destination: none, fwmark: null, serviceKey: "", realServerKey: "", target: noTarget, tag: null,
  };
  const start = (i: number): number => bounds[2 * i] ?? 0;
  const end = (i: number): number => bounds[2 * i + 1] ?? 0;
  const token = (text: string, i: number): string => text.slice(start(i), end(i));
  /** Caches under a key that is already detached from the input. */
  function remember<T>(map: Map<string, T>, key: string, value: T): T {
    if (++cached > MAX_CACHED_KEYS) {
      protocols.clear();
      lastProtocol = null;
      cached = 1;
    }
    map.set(key, value);
    return value;
  }
  let lastProtocol: ProtocolInfo<T | null> | null = null;
  function protocolOf(text: string): ProtocolInfo<T | null> | null {
    const last = lastProtocol;
    if (last !== null && tokenIs(text, start(0), end(0), last.protocol)) return last;
    const hit = protocols.get(token(text, 0));
    if (hit !== undefined) return (lastProtocol = hit);
    const protocol = detach(token(text, 0));
    const info: ProtocolInfo<T | null> | null = isProtocolName(protocol) ? { protocol, states: [], lncTargets: new Map(), procTargets: new Map() } : null;
    return (lastProtocol = remember(protocols, protocol, info));
  }
  function stateOf(info: ProtocolInfo<T | null>, text: string, i: number): StateInfo | null {
    const s = start(i);
    const e = end(i);
    for (const known of info.states) if (tokenIs(text, s, e, known.state)) return known;
    const state = detach(text.slice(s, e));
    if (!isStateName(state)) return null;
    const p = info.protocol;
    const value = { state, templateAtPortZero: isTemplate(p, 0, state), templateElsewhere: isTemplate(p, 1, state), activity: connectionActivity(p, state, false) };
    if (info.states.length < MAX_STATES) info.states.push(value);
    return value;
  }
  function ipv6Address(host: string): string | null {
    const hit = ipv6Addresses.get(host);
    if (hit !== undefined) return hit;
    const normalized = normalizeAddress(host);
    const address = normalized?.family === "inet6" ? normalized.address : null;
    if (ipv6Addresses.size >= MAX_CACHED_IPV6) ipv6Addresses.clear();
    ipv6Addresses.set(detach(host), address);
    return address;
  }
  function setClient(address: string, port: number, family: AddressPort["family"]): true {
    client.address = address;
    client.port = port;
    client.family = family;
    return true;
  }
  /** Reads `a.b.c.d:port` or `[v6]:port` into `client`, as parseAddressPort would. */
  function lncClient(text: string, s: number, e: number): boolean {
    if (text.charCodeAt(s) === OPEN_BRACKET) {
      const close = text.indexOf("]:", s);
      if (close < 0 || close + 2 > e) return false;
      const port = readDecimal(text, close + 2, e, 5);
      const host = text.slice(s + 1, close);
      const address = port < 0 || port > 65535 || !host.includes(":") ? null : ipv6Address(host);
      if (address === null) return false;
      return setClient(address, port, "inet6");
    }
    const hostEnd = ipv4End(text, s, e);
    if (hostEnd < 0 || text.charCodeAt(hostEnd) !== COLON) return false;
    const port = readDecimal(text, hostEnd + 1, e, 5);
    if (port < 0 || port > 65535) return false;
    return setClient(text.slice(s, hostEnd), port, "inet");
  }
  /** Reads /proc's hex address and port into `client`, as procEndpoint would. */
  function procClient(text: string): boolean {
    const port = readHex(text, start(2), end(2), 4);
    const v4 = readHex(text, start(1), end(1), 8);
    if (port < 0) return false;
    if (v4 >= 0) return setClient(`${v4 >>> 24}.${(v4 >>> 16) & 255}.${(v4 >>> 8) & 255}.${v4 & 255}`, port, "inet");
    const address = isProcIpv6(text, start(1), end(1)) ? ipv6Address(token(text, 1)) : null;
    return address !== null && setClient(address, port, "inet6");
  }
  /** The service and real server of tokens first..last (VIP to destination), cached by their raw text. */
  function targetOf(info: ProtocolInfo<T | null>, text: string, first: number, last: number): Target<T | null> | null {
    const targets = first === 4 ? info.lncTargets : info.procTargets;
    const from = start(first);
    const hit = targets.get(text.slice(from, end(last)));
    if (hit !== undefined) return hit;
    const key = detach(text.slice(from, end(last)));
    const part = (i: number): string => key.slice(start(i) - from, end(i) - from);
    const virtual = first === 4 ? parseAddressPort(part(4)) : procEndpoint(part(3), part(4));
    const destination = first === 4 ? parseAddressPort(part(5)) : procEndpoint(part(5), part(6));
    if (virtual === null || destination === null) return remember(targets, key, null);
    const target: ScannedTarget = { protocol: info.protocol, virtual, destination, ...connectionTarget(info.protocol, virtual, destination) };
    return remember(targets, key, { target, tag: tagOf(target) });
  }
  // ip_vs_conn_sync puts Origin (LOCAL/SYNC) between State and Expires.
  const hasOrigin = (text: string): boolean => tokens === 10 && (tokenIs(text, start(8), end(8), "LOCAL") || tokenIs(text, start(8), end(8), "SYNC"));
  function procExpires(text: string, i: number): number {
    const value = readDecimal(text, start(i), end(i), 16);
    return value > MAX_EXPIRES ? -1 : value;
  }
  function read(text: string, from: number, to: number): boolean {
    tokens = splitTokens(text, from, to, bounds);
    const info = tokens < 6 ? null : protocolOf(text);
    if (info === null) return false;
    const lnc = tokens <= 8;
    if (lnc && readClock(text, start(1), end(1)) < 0) return false;
    if (!lnc && procExpires(text, hasOrigin(text) ? 9 : 8) < 0) return false;
    // PE name and data are free-form: only they are not checked by a strict reader below.
    for (let i = lnc ? 6 : hasOrigin(text) ? MAX_TOKENS : 9; i < tokens; i++) if (!isPlainToken(text, start(i), end(i))) return false;
    const state = stateOf(info, text, lnc ? 2 : 7);
    if (state === null || !(lnc ? lncClient(text, start(3), end(3)) : procClient(text))) return false;
    const cachedTarget = lnc ? targetOf(info, text, 4, 5) : targetOf(info, text, 3, 6);
    if (cachedTarget === null) return false;
    const target = cachedTarget.target;
    const template = client.port === 0 ? state.templateAtPortZero : state.templateElsewhere;
    result.protocol = info.protocol;
    result.state = state.state;
    result.template = template;
    result.activity = template ? "template" : state.activity;
    result.virtual = target.virtual;
    result.destination = target.destination;
    result.fwmark = target.fwmark;
    result.serviceKey = target.serviceKey;
    result.realServerKey = target.realServerKey;
    result.target = target;
    result.tag = cachedTarget.tag;
    return true;
  }
  return {
    scan: (text, from, to) => (read(text, from, to) ? result : null),
    entry(text) {
      const r = result;
      const lnc = tokens <= 8;
      const origin = !lnc && hasOrigin(text) ? (token(text, 8) as "LOCAL" | "SYNC") : null;
      const expiresSec = lnc ? readClock(text, start(1), end(1)) : procExpires(text, origin ? 9 : 8);
      const peAt = lnc ? 6 : origin === null ? 9 : MAX_TOKENS;
      const optional = (i: number): string | null => (i < tokens ? token(text, i) : null);
      return {
        protocol: r.protocol, family: client.family, client: { ...client }, virtual: { ...r.virtual }, destination: { ...r.destination },
        state: r.state, expiresSec, peName: optional(peAt), peData: optional(peAt + 1), origin, template: r.template,
        activity: r.activity, fwmark: r.fwmark, serviceKey: r.serviceKey, realServerKey: r.realServerKey,
      };
    },
  };
}
