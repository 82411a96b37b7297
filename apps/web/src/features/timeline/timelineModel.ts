import type { ClusterResponse, HubEvent } from "@lvsdeck/protocol";
import { eventTime } from "../events/describeEvent";
import { normalizeVip } from "@lvsdeck/cluster";
import { addressOf, vipOfService } from "../weights/DrainProgressView";

/** Windows the timeline can show, ending now or around the chosen moment. */
export const TIMELINE_RANGES = [
  { id: "15m", label: "15 min", ms: 15 * 60_000 },
  { id: "1h", label: "1 h", ms: 3_600_000 },
  { id: "6h", label: "6 h", ms: 6 * 3_600_000 },
  { id: "24h", label: "24 h", ms: 24 * 3_600_000 },
] as const;
export type TimelineRangeId = (typeof TIMELINE_RANGES)[number]["id"];

/** What the URL of /timeline holds: filters, window and the chosen moment. */
export interface TimelineParams {
  at: number | null;
  vip: string;
  director: string;
  kind: string;
  range: TimelineRangeId;
}

/** Reads /timeline's query string; anything malformed falls back to its default. */
export function parseTimelineParams(search: string): TimelineParams {
  const q = new URLSearchParams(search);
  const at = Number(q.get("at"));
  const range = TIMELINE_RANGES.find((r) => r.id === q.get("range"))?.id ?? "1h";
  return { at: q.has("at") && Number.isFinite(at) && at > 0 ? Math.round(at) : null, vip: q.get("vip") ?? "", director: q.get("director") ?? "", kind: q.get("kind") ?? "", range };
}

/** Which VIPs each VRID and each director carries, to filter events by VIP. */
export interface VipIndex {
  byVrid: ReadonlyMap<number, ReadonlySet<string>>;
  byDirector: ReadonlyMap<string, ReadonlySet<string>>;
  all: readonly string[];
}

export function buildVipIndex(cluster: ClusterResponse | undefined): VipIndex {
  const byVrid = new Map<number, Set<string>>();
  const byDirector = new Map<string, Set<string>>();
  for (const view of cluster?.directors ?? []) {
    const mine = byDirector.get(view.id) ?? new Set<string>();
    for (const i of view.snapshot?.vrrp ?? []) {
      const set = byVrid.get(i.vrid) ?? new Set<string>();
      for (const vip of i.vips) {
        set.add(normalizeVip(vip));
        mine.add(normalizeVip(vip));
      }
      byVrid.set(i.vrid, set);
    }
    for (const s of view.snapshot?.services ?? []) if (s.address !== null) mine.add(normalizeVip(s.address));
    byDirector.set(view.id, mine);
  }
  const all = [...new Set([...byDirector.values()].flatMap((s) => [...s]))].sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  return { byVrid, byDirector, all };
}

/** True when an event concerns a VIP: its service's address, its VRID's VIPs, or a director-wide event of a director carrying it. */
export function eventConcernsVip(e: HubEvent, vip: string, index: VipIndex): boolean {
  const ev = e.event;
  const target = normalizeVip(vip);
  switch (ev.kind) {
    case "health":
    case "weight": {
      const address = vipOfService(ev.service);
      return address !== null && normalizeVip(address) === target;
    }
    case "vrrp-transition":
      return index.byVrid.get(ev.vrid)?.has(target) ?? false;
    default:
      return index.byDirector.get(e.director)?.has(target) ?? false;
  }
}

/** Applies the VIP filter (director and kind are filtered by the hub). */
export function filterEvents(events: readonly HubEvent[], params: Pick<TimelineParams, "vip">, index: VipIndex): HubEvent[] {
  return params.vip === "" ? [...events] : events.filter((e) => eventConcernsVip(e, params.vip, index));
}

/** The window shown: ending now, or with the chosen moment at its centre. */
export function timelineWindow(rangeMs: number, now: number, at: number | null): { from: number; to: number } {
  if (at === null) return { from: now - rangeMs, to: now };
  return { from: at - rangeMs / 2, to: Math.min(now, at + rangeMs / 2) };
}

/** An event placed on the axis: its lane (director) and position (0..1). */
export interface PlacedEvent {
  event: HubEvent;
  lane: number;
  x: number;
}

/** Places events on one axis with a lane per director, in time order. */
export function placeEvents(events: readonly HubEvent[], from: number, to: number): { lanes: string[]; placed: PlacedEvent[] } {
  const lanes = [...new Set(events.map((e) => e.director as string))].sort();
  const span = Math.max(1, to - from);
  const placed = events
    .filter((e) => eventTime(e) >= from && eventTime(e) <= to)
    .map((e) => ({ event: e, lane: lanes.indexOf(e.director), x: (eventTime(e) - from) / span }));
  return { lanes, placed };
}

/** The moment to show for an event: just before it, so a transition shows who held MASTER until then. */
export function momentBefore(e: HubEvent): number {
  return eventTime(e) - 1;
}

export { addressOf };
