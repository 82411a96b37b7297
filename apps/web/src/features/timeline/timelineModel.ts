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

/** Strict order for events from many directors: time, then director, then the director's own sequence, then arrival. */
export function compareEvents(a: HubEvent, b: HubEvent): number {
  return eventTime(a) - eventTime(b) || a.director.localeCompare(b.director) || (a.seq ?? Infinity) - (b.seq ?? Infinity) || a.id - b.id;
}

/** A director's VRRP state over a stretch of the window, as its transitions say. */
export type BandState = "MASTER" | "BACKUP" | "FAULT" | "STOP" | "unknown";
export interface StateBand {
  lane: number;
  state: BandState;
  /** Fractions of the window, 0..1. */
  x0: number;
  x1: number;
}

function bandState(state: string): BandState {
  return state === "MASTER" || state === "BACKUP" || state === "FAULT" || state === "STOP" ? state : "unknown";
}

/**
 * Bands per director lane: the state each VRRP transition leaves it in, until the next one; before the
 * first transition in the window, the state it left. A stopped keepalived is STOP; a lost agent is
 * unknown (nothing says what the director did meanwhile) until its next report of a transition.
 * A lane with no transition in the window has no band: its state there is not known from these events.
 * A stretch when the hub itself was down (from its start event) is unknown on every lane.
 */
export function stateBands(events: readonly HubEvent[], lanes: readonly string[], from: number, to: number): StateBand[] {
  const span = Math.max(1, to - from);
  const bands: StateBand[] = [];
  lanes.forEach((director, lane) => {
    const mine = events.filter((e) => e.director === director).toSorted(compareEvents);
    const changes: { t: number; state: BandState }[] = [];
    for (const e of mine) {
      const ev = e.event;
      if (ev.kind === "vrrp-transition") {
        if (changes.length === 0) changes.push({ t: from, state: bandState(ev.from) });
        changes.push({ t: eventTime(e), state: bandState(ev.to) });
      } else if (changes.length > 0 && ev.kind === "keepalived" && !ev.running) changes.push({ t: eventTime(e), state: "STOP" });
      else if (changes.length > 0 && ev.kind === "agent" && !ev.connected) changes.push({ t: eventTime(e), state: "unknown" });
    }
    changes.forEach((c, i) => {
      const end = changes[i + 1]?.t ?? to;
      const x0 = Math.max(0, (c.t - from) / span);
      const x1 = Math.min(1, (end - from) / span);
      if (x1 > x0) bands.push({ lane, state: c.state, x0, x1 });
    });
  });
  // While the hub itself was down nothing was received from anyone: unknown on every lane, drawn on top.
  for (const e of events) {
    if (e.event.kind !== "hub" || e.event.state !== "started" || e.event.downFrom === null) continue;
    const x0 = Math.max(0, (e.event.downFrom - from) / span);
    const x1 = Math.min(1, (e.event.at - from) / span);
    if (x1 > x0) lanes.forEach((_, lane) => bands.push({ lane, state: "unknown", x0, x1 }));
  }
  return bands;
}

/** One row of the list: an event, or one operator action seen on several directors. */
export interface TimelineRow {
  key: string;
  events: HubEvent[];
  directors: string[];
}

/** Weight events of one action land on each director within this long of each other. */
const ACTION_WINDOW_MS = 10_000;

/**
 * Rows for the list: an operator's weight change applied on several directors is one row naming them
 * all (each director reports its own event), everything else one row per event, in strict order.
 */
export function timelineRows(events: readonly HubEvent[]): TimelineRow[] {
  const rows: TimelineRow[] = [];
  const open = new Map<string, TimelineRow>();
  for (const e of events.toSorted(compareEvents)) {
    const ev = e.event;
    if (ev.kind === "weight" && ev.cause === "operator") {
      const key = `${ev.service}|${ev.realServer}|${ev.from}|${ev.to}`;
      const row = open.get(key);
      const first = row?.events[0];
      if (row !== undefined && first !== undefined && eventTime(e) - eventTime(first) <= ACTION_WINDOW_MS && !row.directors.includes(e.director)) {
        row.events.push(e);
        // Named in a stable order: which director reported first is a race, not news.
        row.directors = [...row.directors, e.director].sort();
        continue;
      }
      const fresh = { key: `e${e.id}`, events: [e], directors: [e.director as string] };
      open.set(key, fresh);
      rows.push(fresh);
      continue;
    }
    rows.push({ key: `e${e.id}`, events: [e], directors: [e.director] });
  }
  return rows;
}
