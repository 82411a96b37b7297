import type { AddressPort } from "./addresses";
import type { ConnectionEntry } from "./parseConnections";
import type { ParseError } from "./parseResult";
import type { HeavyHitter } from "./spaceSaving";

/** Counters of connection entries by activity and state. */
export interface ConnectionCounts {
  total: number;
  active: number;
  inactive: number;
  templates: number;
  /** Every entry by state, persistence templates included (under NONE or ASSURED). */
  byState: Record<string, number>;
  /** The templates among `byState`, by their state. */
  templateStates?: Record<string, number>;
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
  /**
   * Maps a service and real server to the service their connections count under, e.g. to fold a fwmark
   * service's VIPs into `FWM 10`. Called once per distinct protocol, VIP and real server and cached, so
   * it must depend on its arguments only; it costs nothing per line. Takes precedence over `serviceKeyOf`.
   */
  foldService?: FoldService;
  /**
   * Maps each entry to its service; default `entry.serviceKey`. It costs an entry object per line, so
   * prefer `foldService` (a function made by `serviceFolder` carries one and is cached like it).
   */
  serviceKeyOf?: ServiceKeyOf;
  /** Distinct services tracked; default 4096. */
  maxServices?: number;
  /** Distinct real servers tracked per service; default 4096. */
  maxRealServersPerService?: number;
  /** Errors kept with their text; default 100. */
  maxErrors?: number;
  maxLineLength?: number;
}

/** Folds a service key given the real server the connection went to (`destination` is that key decoded). */
export type FoldService = (serviceKey: string, realServerKey: string, destination: Readonly<AddressPort>) => string;

/** A per-entry service key function; one made by `serviceFolder` also carries the cacheable fold it applies. */
export type ServiceKeyOf = ((entry: ConnectionEntry) => string) & { readonly foldService?: FoldService };

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
