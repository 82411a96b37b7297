import { createLineSplitter, DEFAULT_MAX_LINE_LENGTH } from "./lineSplitter";
import { parseConnectionLine } from "./parseConnections";
import type { ConnectionEntry } from "./parseConnections";
import { lineError } from "./parseResult";
import type { ParseError } from "./parseResult";

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

/** Builds the predicate for a filter. */
export function connectionMatcher(filter: ConnectionFilter): (entry: ConnectionEntry) => boolean {
  const states = filter.state === undefined ? null : new Set(typeof filter.state === "string" ? [filter.state] : filter.state);
  return (entry) => {
    if (filter.client !== undefined && !entry.client.address.startsWith(filter.client)) return false;
    if (filter.vip !== undefined) {
      const vipKey = entry.virtual.family === "inet6" ? `[${entry.virtual.address}]:${entry.virtual.port}` : `${entry.virtual.address}:${entry.virtual.port}`;
      if (!endpointMatches(filter.vip, entry.virtual.address, vipKey) && filter.vip !== entry.serviceKey) return false;
    }
    if (filter.realServer !== undefined && !endpointMatches(filter.realServer, entry.destination.address, entry.realServerKey)) return false;
    if (states !== null && !states.has(entry.state)) return false;
    return filter.protocol === undefined || filter.protocol === entry.protocol;
  };
}

/** Creates a query that streams a connection table and keeps only the requested page. */
export function createConnectionQuery(options: ConnectionQueryOptions = {}): ConnectionQuery {
  const offset = Math.max(0, Math.floor(options.offset ?? 0));
  const limit = Math.min(MAX_LIMIT, Math.max(0, Math.floor(options.limit ?? DEFAULT_LIMIT)));
  const maxErrors = options.maxErrors ?? 100;
  const matches = connectionMatcher(options.filter ?? {});
  const rows: ConnectionEntry[] = [];
  const errors: ParseError[] = [];
  let total = 0;
  let scanned = 0;
  let errorCount = 0;
  const splitter = createLineSplitter((text, line, overlong) => {
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
    if (total >= offset && rows.length < limit) rows.push(parsed.entry);
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
