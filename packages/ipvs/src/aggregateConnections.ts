import type { ConnectionActivity } from "./connectionState";
import { createLineSplitter, DEFAULT_MAX_LINE_LENGTH } from "./lineSplitter";
import { parseConnectionLine } from "./parseConnections";
import type { ConnectionEntry } from "./parseConnections";
import { lineError } from "./parseResult";
import type { ParseError } from "./parseResult";
import { createSpaceSaving } from "./spaceSaving";
import type { HeavyHitter, SpaceSaving } from "./spaceSaving";

/** Counters of connection entries by activity and state. */
export interface ConnectionCounts {
  total: number;
  active: number;
  inactive: number;
  templates: number;
  byState: Record<string, number>;
}

/** Counts for one real server (destination) of one service. */
export interface RealServerConnections extends ConnectionCounts {
  realServerKey: string;
}

/** Counts for one service, its real servers, and its busiest clients (by address, templates excluded). */
export interface ServiceConnections extends ConnectionCounts {
  serviceKey: string;
  realServers: RealServerConnections[];
  /** Space-Saving estimates: each count is at most `error` above the truth, and error ≤ clientOffers / k. */
  topClients: HeavyHitter[];
  /** Non-template entries offered to the client sketch (the N of its error bound). */
  clientOffers: number;
}

/** The whole table summarised; `errors` keeps the first `maxErrors`, `errorCount` counts all. */
export interface ConnectionSummary extends ConnectionCounts {
  byProtocol: Record<string, number>;
  services: ServiceConnections[];
  /** Entries whose service or real server was beyond the key limits; counted in the totals only. */
  overflowEntries: number;
  errors: ParseError[];
  errorCount: number;
}

/** Options for `createConnectionAggregator`; every limit bounds memory whatever the table size. */
export interface ConnectionAggregatorOptions {
  /** Counters per service in the client sketch (k); default 64. */
  sketchCapacity?: number;
  /** Clients reported per service; default 10. */
  topClients?: number;
  /** Maps an entry to its service, e.g. to fold a fwmark service's VIPs into `FWM 10`; default `entry.serviceKey`. */
  serviceKeyOf?: (entry: ConnectionEntry) => string;
  /** Distinct services tracked; default 4096. */
  maxServices?: number;
  /** Distinct real servers tracked per service; default 4096. */
  maxRealServersPerService?: number;
  /** Errors kept with their text; default 100. */
  maxErrors?: number;
  maxLineLength?: number;
}

/** Memory actually retained, for callers and tests that check it stays bounded. */
export interface AggregatorFootprint {
  services: number;
  realServers: number;
  sketchCounters: number;
  pendingChars: number;
  errorsKept: number;
}

/** An incremental `-Lnc` / `/proc/net/ip_vs_conn` aggregator: push chunks as they stream, then finish. */
export interface ConnectionAggregator {
  push(chunk: string): void;
  finish(): ConnectionSummary;
  footprint(): AggregatorFootprint;
}

const DEFAULTS = { sketchCapacity: 64, topClients: 10, maxServices: 4096, maxRealServersPerService: 4096, maxErrors: 100 } as const;

interface ServiceState {
  counts: ConnectionCounts;
  realServers: Map<string, ConnectionCounts>;
  sketch: SpaceSaving;
}

const emptyCounts = (): ConnectionCounts => ({ total: 0, active: 0, inactive: 0, templates: 0, byState: {} });

function count(counts: ConnectionCounts, activity: ConnectionActivity, state: string): void {
  counts.total += 1;
  if (activity === "active") counts.active += 1;
  else if (activity === "inactive") counts.inactive += 1;
  else counts.templates += 1;
  counts.byState[state] = (counts.byState[state] ?? 0) + 1;
}

/** Creates a connection aggregator whose memory grows with services and real servers, never with connections. */
export function createConnectionAggregator(options: ConnectionAggregatorOptions = {}): ConnectionAggregator {
  const o = { ...DEFAULTS, ...options };
  const overall = emptyCounts();
  const byProtocol: Record<string, number> = {};
  const services = new Map<string, ServiceState>();
  const errors: ParseError[] = [];
  let errorCount = 0;
  let overflowEntries = 0;
  let realServerTotal = 0;
  const fail = (line: number, text: string, message: string): void => {
    errorCount += 1;
    if (errors.length < o.maxErrors) errors.push(lineError(line, text, message));
  };
  const add = (entry: ConnectionEntry): void => {
    count(overall, entry.activity, entry.state);
    byProtocol[entry.protocol] = (byProtocol[entry.protocol] ?? 0) + 1;
    const key = options.serviceKeyOf?.(entry) ?? entry.serviceKey;
    let service = services.get(key);
    if (service === undefined) {
      if (services.size >= o.maxServices) return void (overflowEntries += 1);
      service = { counts: emptyCounts(), realServers: new Map(), sketch: createSpaceSaving(o.sketchCapacity) };
      services.set(key, service);
    }
    count(service.counts, entry.activity, entry.state);
    if (!entry.template) service.sketch.offer(entry.client.address);
    let realServer = service.realServers.get(entry.realServerKey);
    if (realServer === undefined) {
      if (service.realServers.size >= o.maxRealServersPerService) return void (overflowEntries += 1);
      realServer = emptyCounts();
      service.realServers.set(entry.realServerKey, realServer);
      realServerTotal += 1;
    }
    count(realServer, entry.activity, entry.state);
  };
  const splitter = createLineSplitter((text, line, overlong) => {
    if (overlong) return fail(line, text, "line too long to be a connection entry");
    if (text.trim() === "") return;
    const parsed = parseConnectionLine(text);
    if (parsed.kind === "entry") add(parsed.entry);
    else if (parsed.kind === "error") fail(line, text, parsed.message);
  }, o.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH);
  return {
    push: (chunk) => splitter.push(chunk),
    finish() {
      splitter.finish();
      const list = [...services.entries()].sort(([a], [b]) => a.localeCompare(b));
      return {
        ...overall,
        byProtocol,
        services: list.map(([serviceKey, s]) => ({
          serviceKey,
          ...s.counts,
          realServers: [...s.realServers.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([realServerKey, c]) => ({ realServerKey, ...c })),
          topClients: s.sketch.top(o.topClients),
          clientOffers: s.sketch.total(),
        })),
        overflowEntries,
        errors,
        errorCount,
      };
    },
    footprint: () => ({
      services: services.size,
      realServers: realServerTotal,
      sketchCounters: [...services.values()].reduce((sum, s) => sum + s.sketch.size(), 0),
      pendingChars: splitter.pendingLength(),
      errorsKept: errors.length,
    }),
  };
}

/** Aggregates a whole connection listing held in memory. */
export function aggregateConnections(text: string, options: ConnectionAggregatorOptions = {}): ConnectionSummary {
  const aggregator = createConnectionAggregator(options);
  aggregator.push(text);
  return aggregator.finish();
}
