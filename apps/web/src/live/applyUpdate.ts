import type { ClusterResponse, DirectorView, EventsResponse, HubEvent, WeightChange } from "@lvsdeck/protocol";

/**
 * Pure reducers that write live frames into cached query data. Each returns the previous object
 * unchanged (same reference) when the frame brings nothing newer, so React does not re-render.
 */

/** True when `incoming` describes an older moment than `cached` (hub clock first, agent clock as tie-break). */
export function isOlderView(incoming: DirectorView, cached: DirectorView): boolean {
  if (incoming.receivedAt !== null && cached.receivedAt !== null) {
    if (incoming.receivedAt < cached.receivedAt) return true;
    if (incoming.receivedAt > cached.receivedAt) return false;
  }
  const a = incoming.snapshot?.takenAt;
  const b = cached.snapshot?.takenAt;
  return a !== undefined && b !== undefined && a < b;
}

/** Writes one director's view into the cluster: replaces it, adds it, or drops it if older than the cached one. */
export function applyDirectorUpdate(cluster: ClusterResponse, view: DirectorView, serverTime?: number): ClusterResponse {
  const index = cluster.directors.findIndex((d) => d.id === view.id);
  const cached = index === -1 ? undefined : cluster.directors[index];
  if (cached !== undefined && isOlderView(view, cached)) return cluster;
  const directors =
    index === -1
      ? [...cluster.directors, view].sort((a, b) => a.id.localeCompare(b.id))
      : cluster.directors.map((d, i) => (i === index ? view : d));
  const time = serverTime === undefined ? cluster.serverTime : Math.max(cluster.serverTime, serverTime);
  return { ...cluster, serverTime: time, directors };
}

/**
 * Merges a freshly fetched cluster into the cached one: the fetched list of directors wins, but a
 * director whose cached view is newer (a frame overtook the request) keeps it.
 */
export function mergeCluster(cached: ClusterResponse | undefined, fetched: ClusterResponse): ClusterResponse {
  if (cached === undefined || cached === fetched) return fetched;
  const byId = new Map(cached.directors.map((d) => [d.id, d]));
  let changed = cached.directors.length !== fetched.directors.length || cached.staleAfterTicks !== fetched.staleAfterTicks;
  const directors = fetched.directors.map((view, i) => {
    const old = byId.get(view.id);
    const pick = old !== undefined && isOlderView(view, old) ? old : view;
    if (pick !== cached.directors[i]) changed = true;
    return pick;
  });
  if (!changed && fetched.serverTime <= cached.serverTime) return cached;
  return { ...fetched, serverTime: Math.max(cached.serverTime, fetched.serverTime), directors };
}

/** Appends an event (an amended copy of one already held replaces it), keeping the newest `limit`, newest last. */
export function applyEventUpdate(events: EventsResponse, event: HubEvent, limit: number): EventsResponse {
  const list = events.events;
  // The same event again is the hub's amended copy (keepalived's own time added): it replaces ours.
  const index = list.findIndex((e) => e.id === event.id);
  if (index >= 0) return JSON.stringify(list[index]) === JSON.stringify(event) ? events : { events: list.with(index, event) };
  const last = list.at(-1);
  const next = last === undefined || last.id < event.id ? [...list, event] : [...list, event].sort((a, b) => a.id - b.id);
  return { events: next.length > limit ? next.slice(next.length - limit) : next };
}

/** Weight changes seen recently (this session's and other operators'), newest last. */
export type RecentWeightChanges = readonly WeightChange[];

const finalStates = new Set<WeightChange["state"]>(["applied", "failed", "partial"]);

/** Records a weight change's progress; a late `pending` never overwrites a final answer. */
export function applyWeightChange(recent: RecentWeightChanges, change: WeightChange, limit: number): RecentWeightChanges {
  const index = recent.findIndex((c) => c.id === change.id);
  if (index === -1) {
    const next = [...recent, change];
    return next.length > limit ? next.slice(next.length - limit) : next;
  }
  const old = recent[index];
  if (old !== undefined && finalStates.has(old.state) && !finalStates.has(change.state)) return recent;
  return recent.map((c, i) => (i === index ? change : c));
}
