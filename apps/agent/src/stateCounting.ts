import type { ConnectionSummary, StateCountResult } from "@lvsdeck/ipvs";
import type { Logger } from "@lvsdeck/log";
import { MAX_CONNECTION_STATES, type ConnectionStates, type DirectorSnapshot, type VirtualService } from "@lvsdeck/protocol";
import type { DirectorSource } from "./sources/source";

/** Connection entries by state per real server, and templates, per service: one count of the table. */
export interface StateTable {
  byService: Map<string, { templates: number; realServers: Map<string, Record<string, number>> }>;
  /** Rows that could not be read in this count. */
  unreadable: number;
}

/** Share of one core the counting may take, by default: 5 %. */
export const DEFAULT_STATE_BUDGET = 0.05;

function serviceOf(table: StateTable, key: string) {
  let service = table.byService.get(key);
  if (service === undefined) {
    service = { templates: 0, realServers: new Map() };
    table.byService.set(key, service);
  }
  return service;
}

/** The byte scanner's counts as a StateTable. */
export function stateTableFromScan(result: StateCountResult): StateTable {
  const table: StateTable = { byService: new Map(), unreadable: result.unreadable };
  for (const c of result.counts) {
    const service = serviceOf(table, c.service);
    if (c.template) {
      service.templates += c.count;
      continue;
    }
    const states = service.realServers.get(c.realServer) ?? {};
    states[c.state] = (states[c.state] ?? 0) + c.count;
    service.realServers.set(c.realServer, states);
  }
  return table;
}

/** The connection aggregator's summary (ipvsadm -Lnc, the simulation) as a StateTable. */
export function stateTableFromSummary(summary: ConnectionSummary): StateTable {
  const table: StateTable = { byService: new Map(), unreadable: summary.errorCount };
  for (const s of summary.services) {
    const service = serviceOf(table, s.serviceKey);
    service.templates += s.templates;
    for (const rs of s.realServers) {
      // The aggregator counts templates under their state too (NONE or ASSURED): take them out again.
      const states = { ...rs.byState };
      for (const [name, n] of Object.entries(rs.templateStates ?? {})) {
        const left = (states[name] ?? 0) - n;
        if (left > 0) states[name] = left;
        else delete states[name];
      }
      service.realServers.set(rs.realServerKey, states);
    }
  }
  return table;
}

/** The most frequent states of one real server, at most MAX_CONNECTION_STATES of them (the protocol's bound). */
function bounded(states: Record<string, number>): ConnectionStates {
  const entries = Object.entries(states).filter(([name, n]) => n > 0 && name.length <= 16);
  if (entries.length <= MAX_CONNECTION_STATES) return Object.fromEntries(entries);
  return Object.fromEntries(entries.sort((a, b) => b[1] - a[1]).slice(0, MAX_CONNECTION_STATES));
}

/**
 * The services with their real servers' per-state counts from `table`, counted at `countedAt`. Every
 * service and real server gets counts (zero states for one with no entries), so "no connections" and
 * "not counted" stay apart.
 */
export function attachStates(services: readonly VirtualService[], table: StateTable, countedAt: number): VirtualService[] {
  // A count is attached at every tick until the next one: each real server's states are bounded once
  // per count and the same object is reused, so ticks allocate nothing for them.
  let cache = boundedCache.get(table);
  if (cache === undefined) boundedCache.set(table, (cache = new Map()));
  const statesOf = (service: string, realServer: string, counted: Record<string, number> | undefined) => {
    const key = `${service}|${realServer}`;
    let states = cache.get(key);
    if (states === undefined) cache.set(key, (states = bounded(counted ?? {})));
    return states;
  };
  return services.map((service) => {
    const counted = table.byService.get(service.key);
    return {
      ...service,
      connectionStates: { countedAt, templates: counted?.templates ?? 0 },
      realServers: service.realServers.map((rs) => ({ ...rs, states: statesOf(service.key, rs.key, counted?.realServers.get(rs.key)) })),
    };
  });
}

/** Each count's bounded states by service and real server; dropped with the count. */
const boundedCache = new WeakMap<StateTable, Map<string, ConnectionStates>>();

/** The time to wait before the next count, so counting takes at most `budget` of one core, and never less than `minIntervalMs`. */
export function nextCountDelay(lastCostMs: number, budget: number, minIntervalMs: number): number {
  return Math.max(minIntervalMs, Math.ceil(lastCostMs / budget) - lastCostMs);
}

/** Options for {@link withStateCounts}. */
export interface StateCountOptions {
  count: () => Promise<StateTable>;
  /** Share of one core counting may take (0-1). */
  budget: number;
  /** Never count more often than this (the agent's tick). */
  minIntervalMs: number;
  log: Logger;
  now?: () => number;
}

/**
 * `source` whose snapshots carry per-state connection counts. Counting runs on its own schedule, apart
 * from the snapshots: every tick while it is cheap, then as often as `budget` allows (a count that took
 * 100 ms at 5 % waits 1.9 s), so a large table never delays the snapshot, nor a VRRP event behind it. Each
 * service says when its counts were taken; a failed count leaves the last one, whose age then shows.
 */
export function withStateCounts(source: DirectorSource, options: StateCountOptions): DirectorSource & { lastCostMs(): number | null } {
  const now = options.now ?? Date.now;
  let latest: { table: StateTable; at: number } | null = null;
  let cost: number | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;
  let failing = false;
  const run = async () => {
    const started = performance.now();
    try {
      const table = await options.count();
      latest = { table, at: now() };
      if (failing) options.log.info("per-state connection counts are back");
      failing = false;
    } catch (err) {
      if (!failing) options.log.warn("per-state connection counts failed; the last ones stay, with their age", { error: (err as Error).message });
      failing = true;
    }
    cost = performance.now() - started;
    if (!closed) timer = setTimeout(() => void run(), nextCountDelay(cost, options.budget, options.minIntervalMs));
  };
  void run();
  return {
    ...source,
    async read(): Promise<DirectorSnapshot> {
      const snapshot = await source.read();
      return latest === null ? snapshot : { ...snapshot, services: attachStates(snapshot.services, latest.table, latest.at) };
    },
    lastCostMs: () => cost,
    async close() {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      await source.close();
    },
  };
}
