import { serviceKeysFingerprint, summarizeDirector, type ClusterResponse, type DirectorCounters, type DirectorSummary, type DirectorId } from "@lvsdeck/protocol";

/** cps samples kept per service for the wall's sparklines: two minutes at 1 s, thirty seconds at 250 ms. */
export const SPARKLINE_POINTS = 120;

/** One director's summary and the recent cps of each of its services, oldest first. */
export interface SummaryEntry {
  summary: DirectorSummary;
  /** Agent tick, when the cluster fetch told it; summaries do not carry it. */
  tickMs: number | null;
  cps: Readonly<Record<string, readonly number[]>>;
}

/** Everything the wall knows: one entry per director, kept current by `summaries` frames. */
export interface SummaryState {
  serverTime: number;
  staleAfterTicks: number;
  byDirector: Readonly<Record<string, SummaryEntry>>;
}

function pushBounded(old: readonly number[] | undefined, value: number, capacity: number): readonly number[] {
  const list = old ?? [];
  return list.length >= capacity ? [...list.slice(list.length - capacity + 1), value] : [...list, value];
}

function nextEntry(old: SummaryEntry | undefined, summary: DirectorSummary, tickMs: number | null, capacity: number): SummaryEntry {
  // A repeated or older summary (same takenAt) adds no sample.
  const fresh = old === undefined || summary.takenAt === null || old.summary.takenAt === null || summary.takenAt > old.summary.takenAt;
  if (!fresh && old !== undefined) return { ...old, summary: { ...summary, takenAt: old.summary.takenAt } };
  const cps: Record<string, readonly number[]> = {};
  // Services that left the table lose their history: memory stays bounded by the table's size.
  for (const s of summary.services) cps[s.key] = pushBounded(old?.cps[s.key], s.cps, capacity);
  return { summary, tickMs: tickMs ?? old?.tickMs ?? null, cps };
}

/** Builds the state from a full cluster (the wall's first load, and after every reconnect). */
export function summariesFromCluster(cluster: ClusterResponse, previous?: SummaryState, capacity = SPARKLINE_POINTS): SummaryState {
  const byDirector: Record<string, SummaryEntry> = {};
  for (const view of cluster.directors) {
    byDirector[view.id] = nextEntry(previous?.byDirector[view.id], summarizeDirector(view), view.agent?.tickMs ?? null, capacity);
  }
  return { serverTime: cluster.serverTime, staleAfterTicks: cluster.staleAfterTicks, byDirector };
}

/** Writes a `summaries` frame (changed directors only) into the state. */
export function applySummaries(
  state: SummaryState,
  directors: readonly DirectorSummary[],
  serverTime: number,
  capacity = SPARKLINE_POINTS,
): SummaryState {
  const byDirector: Record<string, SummaryEntry> = { ...state.byDirector };
  for (const summary of directors) {
    const old = byDirector[summary.id];
    // Drop a summary older than the one held (frames and a refetch can cross).
    if (old !== undefined && old.summary.receivedAt !== null && summary.receivedAt !== null && summary.receivedAt < old.summary.receivedAt) continue;
    byDirector[summary.id] = nextEntry(old, summary, null, capacity);
  }
  return { ...state, serverTime: Math.max(state.serverTime, serverTime), byDirector };
}

/**
 * A director's summary with the counters of a `counters` frame written in, service by service in order;
 * null when the frame's counters follow other services than the summary lists (its fingerprint differs).
 */
function withCounters(summary: DirectorSummary, counters: DirectorCounters): DirectorSummary | null {
  if (counters.services.length !== summary.services.length || serviceKeysFingerprint(summary.services.map((s) => s.key)) !== counters.keys) return null;
  return {
    ...summary,
    receivedAt: counters.receivedAt,
    takenAt: counters.takenAt,
    services: summary.services.map((s, i) => {
      const [activeConns, inactiveConns, cps, inBps, outBps] = counters.services[i]!;
      return { ...s, activeConns, inactiveConns, cps, inBps, outBps };
    }),
  };
}

/**
 * Writes a `counters` frame into the state. A director not held yet is skipped: its whole summary comes
 * with the next state change or refetch, and counters alone cannot draw a tile. `unmatched` lists the
 * directors whose counters follow other services than the summary held (a refetch and frames crossed):
 * their summaries stay as they were, and the caller fetches them again.
 */
export function applyCounters(
  state: SummaryState,
  directors: readonly DirectorCounters[],
  serverTime: number,
  capacity = SPARKLINE_POINTS,
): { state: SummaryState; unmatched: DirectorId[] } {
  const unmatched: DirectorId[] = [];
  const summaries = directors.flatMap((counters) => {
    const held = state.byDirector[counters.id];
    if (held === undefined) return [];
    const next = withCounters(held.summary, counters);
    if (next === null) unmatched.push(counters.id);
    return next === null ? [] : [next];
  });
  return { state: applySummaries(state, summaries, serverTime, capacity), unmatched };
}
