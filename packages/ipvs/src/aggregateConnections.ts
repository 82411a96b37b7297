import { createConnectionScanner } from "./connectionScanner";
import type { ConnectionActivity } from "./connectionState";
import type { ConnectionAggregator, ConnectionAggregatorOptions, ConnectionCounts, ConnectionSummary, FoldService, ServiceKeyOf } from "./connectionSummary";
import { createRangeSplitter, DEFAULT_MAX_LINE_LENGTH } from "./lineSplitter";
import { parseConnectionLine } from "./parseConnections";
import type { ConnectionEntry } from "./parseConnections";
import { lineError } from "./parseResult";
import type { ParseError } from "./parseResult";
import { createSpaceSaving } from "./spaceSaving";
import type { SpaceSaving } from "./spaceSaving";
import { isBlank } from "./textLines";

export type {
  AggregatorFootprint, ConnectionAggregator, ConnectionAggregatorOptions, ConnectionCounts, ConnectionSummary, FoldService, RealServerConnections, ServiceConnections, ServiceKeyOf,
} from "./connectionSummary";

const DEFAULTS = { sketchCapacity: 64, topClients: 10, maxServices: 4096, maxRealServersPerService: 4096, maxErrors: 100 } as const;

/** Counts as they accumulate: by state in a Map of boxes, bumped with one lookup. */
interface Tally {
  total: number;
  active: number;
  inactive: number;
  templates: number;
  byState: Map<string, { n: number }>;
  templateStates: Map<string, { n: number }>;
}

interface ServiceState {
  counts: Tally;
  realServers: Map<string, Tally>;
  sketch: SpaceSaving;
}

/** A scanned target's service key and, once resolved, its counters: the per-line lookups skipped. */
interface TargetSlot {
  key: string;
  service: ServiceState | undefined;
  realServer: Tally | undefined;
}

const emptyTally = (): Tally => ({ total: 0, active: 0, inactive: 0, templates: 0, byState: new Map(), templateStates: new Map() });
const countsOf = ({ byState, templateStates, ...rest }: Tally): ConnectionCounts => ({
  ...rest,
  byState: Object.fromEntries([...byState].map(([state, { n }]) => [state, n])),
  templateStates: Object.fromEntries([...templateStates].map(([state, { n }]) => [state, n])),
});

function count(counts: Tally, activity: ConnectionActivity, state: string): void {
  counts.total += 1;
  if (activity === "active") counts.active += 1;
  else if (activity === "inactive") counts.inactive += 1;
  else counts.templates += 1;
  const box = counts.byState.get(state);
  if (box === undefined) counts.byState.set(state, { n: 1 });
  else box.n += 1;
  if (activity !== "active" && activity !== "inactive") {
    const t = counts.templateStates.get(state);
    if (t === undefined) counts.templateStates.set(state, { n: 1 });
    else t.n += 1;
  }
}

/** What counting needs of an entry; both a `ConnectionEntry` and the scanner's reused record have it. */
type CountedConnection = Pick<ConnectionEntry, "protocol" | "state" | "activity" | "template" | "realServerKey"> & { client: { address: string } };

/**
 * A `serviceKeyOf` that applies `fold` and carries it, so an aggregator given it caches the fold per
 * service and real server as with `foldService`, while code that calls it per entry gets the same keys.
 */
export function serviceFolder(fold: FoldService): ServiceKeyOf {
  return Object.assign((entry: ConnectionEntry) => fold(entry.serviceKey, entry.realServerKey, entry.destination), { foldService: fold });
}

/** Creates a connection aggregator whose memory grows with services and real servers, never with connections. */
export function createConnectionAggregator(options: ConnectionAggregatorOptions = {}): ConnectionAggregator {
  return createAggregator(options, true);
}

/**
 * The aggregator, with or without the fast path that reads well-formed lines without building an entry;
 * without it every line goes through `parseConnectionLine` (the reference the tests and bench compare with).
 */
export function createAggregator(options: ConnectionAggregatorOptions, fastPath: boolean): ConnectionAggregator {
  const o = { ...DEFAULTS, ...options };
  const fold = options.foldService ?? options.serviceKeyOf?.foldService;
  // Each cached target carries a slot: its (folded, once) service key and the counters that key resolves to.
  const scanner = !fastPath ? null : createConnectionScanner((t): TargetSlot => ({ key: fold === undefined ? t.serviceKey : fold(t.serviceKey, t.realServerKey, t.destination), service: undefined, realServer: undefined }));
  const keyOf: ((entry: ConnectionEntry) => string) | undefined = fold !== undefined ? (e) => fold(e.serviceKey, e.realServerKey, e.destination) : options.serviceKeyOf;
  const scannedKeyOf = fold === undefined ? keyOf : undefined;
  const overall = emptyTally();
  const byProtocol = new Map<string, number>();
  const services = new Map<string, ServiceState>();
  const errors: ParseError[] = [];
  let errorCount = 0;
  let overflowEntries = 0;
  let realServerTotal = 0;
  const fail = (line: number, text: string, message: string): void => {
    errorCount += 1;
    if (errors.length < o.maxErrors) errors.push(lineError(line, text, message));
  };
  /** Counts an entry under `key`; a `slot` (the scanned target's) remembers the counters it resolves to. */
  const add = (entry: CountedConnection, key: string, slot?: TargetSlot): void => {
    count(overall, entry.activity, entry.state);
    byProtocol.set(entry.protocol, (byProtocol.get(entry.protocol) ?? 0) + 1);
    let service = slot?.service ?? services.get(key);
    if (service === undefined) {
      if (services.size >= o.maxServices) return void (overflowEntries += 1);
      service = { counts: emptyTally(), realServers: new Map(), sketch: createSpaceSaving(o.sketchCapacity) };
      services.set(key, service);
    }
    count(service.counts, entry.activity, entry.state);
    if (!entry.template) service.sketch.offer(entry.client.address);
    let realServer = slot?.realServer ?? service.realServers.get(entry.realServerKey);
    if (realServer === undefined) {
      if (service.realServers.size >= o.maxRealServersPerService) return void (overflowEntries += 1);
      realServer = emptyTally();
      service.realServers.set(entry.realServerKey, realServer);
      realServerTotal += 1;
    }
    if (slot !== undefined) {
      // Services and real servers are never dropped, so the counters stay those of this key for good.
      slot.service = service;
      slot.realServer = realServer;
    }
    count(realServer, entry.activity, entry.state);
  };
  const splitter = createRangeSplitter((chunk, start, end, line, overlong) => {
    const scanned = overlong || scanner === null ? null : scanner.scan(chunk, start, end);
    if (scanner !== null && scanned !== null) {
      return scannedKeyOf === undefined ? add(scanned, scanned.tag.key, scanned.tag) : add(scanned, scannedKeyOf(scanner.entry(chunk)) ?? scanned.serviceKey);
    }
    const text = chunk.slice(start, end);
    if (overlong) return fail(line, text, "line too long to be a connection entry");
    if (isBlank(text)) return;
    const parsed = parseConnectionLine(text);
    if (parsed.kind === "entry") add(parsed.entry, keyOf?.(parsed.entry) ?? parsed.entry.serviceKey);
    else if (parsed.kind === "error") fail(line, text, parsed.message);
  }, o.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH);
  return {
    push: (chunk) => splitter.push(chunk),
    finish() {
      splitter.finish();
      const list = [...services.entries()].sort(([a], [b]) => a.localeCompare(b));
      return {
        ...countsOf(overall),
        byProtocol: Object.fromEntries(byProtocol),
        services: list.map(([serviceKey, s]) => ({
          serviceKey,
          ...countsOf(s.counts),
          realServers: [...s.realServers.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([realServerKey, c]) => ({ realServerKey, ...countsOf(c) })),
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
