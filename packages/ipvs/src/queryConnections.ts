import { createConnectionScanner } from "./connectionScanner";
import type { ScannedTarget } from "./connectionScanner";
import { createLineSplitter, createRangeSplitter, DEFAULT_MAX_LINE_LENGTH } from "./lineSplitter";
import { parseConnectionLine } from "./parseConnections";
import type { ConnectionEntry } from "./parseConnections";
import { lineError } from "./parseResult";
import type { ParseError } from "./parseResult";
import { detach } from "./textLines";

/** Which connections a query keeps; every given field must match. */
export interface ConnectionFilter {
  /** Client address prefix, e.g. `192.168.50.` or `2001:db8:50::`. */
  client?: string;
  /** Virtual service: an address, `address:port`, or a service key such as `TCP 10.0.0.100:80` / `FWM 10`. */
  vip?: string;
  /** Real server: an address or `address:port` (`[v6]:port` for IPv6). */
  realServer?: string;
  /** One state or any of several (`ESTABLISHED`, `TIME_WAIT`, …). */
  state?: string | readonly string[];
  protocol?: string;
}

/** Options for `createConnectionQuery`. */
export interface ConnectionQueryOptions {
  filter?: ConnectionFilter;
  /** Matched rows to skip; default 0. */
  offset?: number;
  /** Rows to return; default 100, at most 10,000. */
  limit?: number;
  /** Errors kept with their text; default 100. */
  maxErrors?: number;
}

/** One page of matching connections, plus how many matched in the whole table. */
export interface ConnectionPage {
  rows: ConnectionEntry[];
  total: number;
  offset: number;
  limit: number;
  /** Entries read, matching or not. */
  scanned: number;
  errors: ParseError[];
  errorCount: number;
}

/** A filtered, paged reader over a streamed connection table; it holds one page at most. */
export interface ConnectionQuery {
  push(chunk: string): void;
  finish(): ConnectionPage;
}

const DEFAULT_LIMIT = 100;
// A page is sent to a browser; more than this is a dump, not a page.
const MAX_LIMIT = 10_000;

function endpointMatches(wanted: string, address: string, key: string): boolean {
  return wanted === address || wanted === key;
}

/** The filter's verdict on what follows from protocol, VIP and real server alone (all but client and state). */
function targetMatcher(filter: ConnectionFilter): (target: ScannedTarget) => boolean {
  return (target) => {
    if (filter.vip !== undefined) {
      const { virtual } = target;
      const vipKey = virtual.family === "inet6" ? `[${virtual.address}]:${virtual.port}` : `${virtual.address}:${virtual.port}`;
      if (!endpointMatches(filter.vip, virtual.address, vipKey) && filter.vip !== target.serviceKey) return false;
    }
    if (filter.realServer !== undefined && !endpointMatches(filter.realServer, target.destination.address, target.realServerKey)) return false;
    return filter.protocol === undefined || filter.protocol === target.protocol;
  };
}

/** The filter's verdict on a line's client and state, given its target matched. */
function lineMatcher(filter: ConnectionFilter): (clientAddress: string, state: string) => boolean {
  const states = filter.state === undefined ? null : new Set(typeof filter.state === "string" ? [filter.state] : filter.state);
  const client = filter.client;
  return (clientAddress, state) => (client === undefined || clientAddress.startsWith(client)) && (states === null || states.has(state));
}

/** Builds the predicate for a filter. */
export function connectionMatcher(filter: ConnectionFilter): (entry: ConnectionEntry) => boolean {
  const targetMatches = targetMatcher(filter);
  const lineMatches = lineMatcher(filter);
  return (entry) => lineMatches(entry.client.address, entry.state) && targetMatches(entry);
}

/** A row to keep: its strings no longer share memory with the chunk it was read from. */
function keep(entry: ConnectionEntry): ConnectionEntry {
  return {
    ...entry,
    client: { ...entry.client, address: detach(entry.client.address) },
    peName: entry.peName === null ? null : detach(entry.peName),
    peData: entry.peData === null ? null : detach(entry.peData),
  };
}

/** Creates a query that streams a connection table and keeps only the requested page. */
export function createConnectionQuery(options: ConnectionQueryOptions = {}): ConnectionQuery {
  return createQuery(options, true);
}

/**
 * The query, with or without the fast path. With it, well-formed lines are read by the connection
 * scanner: VIP, real-server and protocol filters are decided once per cached target, client and state
 * per line on the scanned values, and an entry object is built only for a row of the page. Without it
 * every line goes through `parseConnectionLine` (the reference the tests and bench compare with).
 */
export function createQuery(options: ConnectionQueryOptions, fastPath: boolean): ConnectionQuery {
  const offset = Math.max(0, Math.floor(options.offset ?? 0));
  const limit = Math.min(MAX_LIMIT, Math.max(0, Math.floor(options.limit ?? DEFAULT_LIMIT)));
  const maxErrors = options.maxErrors ?? 100;
  const filter = options.filter ?? {};
  const matches = connectionMatcher(filter);
  const rows: ConnectionEntry[] = [];
  const errors: ParseError[] = [];
  let total = 0;
  let scanned = 0;
  let errorCount = 0;
  const onLine = (text: string, line: number, overlong: boolean): void => {
    if (text.trim() === "") return;
    const parsed = overlong ? ({ kind: "error", message: "line too long to be a connection entry" } as const) : parseConnectionLine(text);
    if (parsed.kind === "error") {
      errorCount += 1;
      if (errors.length < maxErrors) errors.push(lineError(line, text, parsed.message));
      return;
    }
    if (parsed.kind !== "entry") return;
    scanned += 1;
    if (!matches(parsed.entry)) return;
    if (total >= offset && rows.length < limit) rows.push(keep(parsed.entry));
    total += 1;
  };
  const scanner = fastPath ? createConnectionScanner(targetMatcher(filter)) : null;
  const lineMatches = lineMatcher(filter);
  const splitter = scanner === null ? createLineSplitter(onLine, DEFAULT_MAX_LINE_LENGTH) : createRangeSplitter((chunk, start, end, line, overlong) => {
    const hit = overlong ? null : scanner.scan(chunk, start, end);
    if (hit === null) return onLine(chunk.slice(start, end), line, overlong);
    scanned += 1;
    // The tag is the target's verdict (VIP, real server, protocol), decided once per cached target.
    if (!hit.tag || !lineMatches(hit.client.address, hit.state)) return;
    if (total >= offset && rows.length < limit) rows.push(keep(scanner.entry(chunk)));
    total += 1;
  }, DEFAULT_MAX_LINE_LENGTH);
  return {
    push: (chunk) => splitter.push(chunk),
    finish() {
      splitter.finish();
      return { rows, total, offset, limit, scanned, errors, errorCount };
    },
  };
}

/** Runs a query over a connection listing held in memory. */
export function queryConnections(text: string, options: ConnectionQueryOptions = {}): ConnectionPage {
  const query = createConnectionQuery(options);
  query.push(text);
  return query.finish();
}
