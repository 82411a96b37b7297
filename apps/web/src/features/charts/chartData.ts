import { SERIES_CARRY_STEPS, type HubEvent, type SeriesPoint as StoredPoint } from "@lvsdeck/protocol";
import type { DirectorSeries, SeriesPoint as LivePoint } from "../../live/series";
import { seriesKey } from "../../live/series";

/** The ranges an operator can pick, and how often each is refetched while live. */
export const CHART_RANGES = [
  { id: "5m", label: "5 min", ms: 5 * 60_000, refetchMs: 15_000 },
  { id: "1h", label: "1 h", ms: 60 * 60_000, refetchMs: 30_000 },
  { id: "24h", label: "24 h", ms: 24 * 3_600_000, refetchMs: 60_000 },
  { id: "7d", label: "7 d", ms: 7 * 24 * 3_600_000, refetchMs: 300_000 },
] as const;
export type ChartRangeId = (typeof CHART_RANGES)[number]["id"];

/** One row the charts draw. */
export interface ChartPoint {
  t: number;
  active: number;
  inactive: number;
  cps: number;
  inBps: number;
  outBps: number;
}

/** A row as drawn: null values where nothing was reported, so the line breaks instead of dropping to zero. */
export type DrawnPoint = { t: number } & { [K in Exclude<keyof ChartPoint, "t">]: number | null };

/** The width of one stored point, per resolution the hub answers with. */
export const STEP_MS = { "1s": 1_000, "10s": 10_000, "1m": 60_000 } as const;

/** The value columns, in the order CSV files list them. */
export const CHART_COLUMNS = ["active", "inactive", "cps", "inBps", "outBps"] as const;

/**
 * Rows with a break wherever points are further apart than two steps: the hub returns no point for a
 * moment nobody reported (an agent or the hub was away), and a chart must show that as a gap.
 */
export function withGaps(rows: readonly ChartPoint[], stepMs: number): DrawnPoint[] {
  const out: DrawnPoint[] = [];
  for (const [i, row] of rows.entries()) {
    const previous = rows[i - 1];
    if (previous !== undefined && row.t - previous.t > 2 * stepMs) {
      out.push({ t: previous.t + stepMs, active: null, inactive: null, cps: null, inBps: null, outBps: null });
    }
    out.push(row);
  }
  return out;
}

/** What is shown, as CSV: UTC ISO times, one column per value, empty cells for gaps. */
export function chartCsv(rows: readonly DrawnPoint[]): string {
  const lines = [["time_utc", ...CHART_COLUMNS].join(",")];
  for (const row of rows) lines.push([new Date(row.t).toISOString(), ...CHART_COLUMNS.map((c) => (row[c] === null ? "" : String(row[c])))].join(","));
  return `${lines.join("\n")}\n`;
}

/** A window chosen by hand (absolute inputs or drag-to-zoom), as a link carries it. */
export interface ChosenWindow {
  from: number;
  to: number;
}

/** The window a link names for this service (`chart`, `chartFrom`, `chartTo`), or null. */
export function windowFromSearch(search: string, service: string): ChosenWindow | null {
  const params = new URLSearchParams(search);
  if (params.get("chart") !== service) return null;
  const from = Number(params.get("chartFrom"));
  const to = Number(params.get("chartTo"));
  return Number.isFinite(from) && Number.isFinite(to) && from > 0 && to > from ? { from, to } : null;
}

/** A link to this page that opens this service's charts on this window. */
export function chartLink(href: string, service: string, window: ChosenWindow): string {
  const url = new URL(href);
  url.searchParams.set("chart", service);
  url.searchParams.set("chartFrom", String(Math.round(window.from)));
  url.searchParams.set("chartTo", String(Math.round(window.to)));
  return url.toString();
}

/** A marker on the time axis. */
export interface ChartMarker {
  t: number;
  kind: "vrrp" | "weight" | "moment";
  label: string;
}

/** The window shown: live ends now; a past moment sits at 80% of the window, with a little after it. */
export function chartWindow(rangeMs: number, now: number, moment: number | null): { from: number; to: number } {
  if (moment === null) return { from: now - rangeMs, to: now };
  return { from: Math.round(moment - rangeMs * 0.8), to: Math.round(moment + rangeMs * 0.2) };
}

/**
 * Live points newer than the stored series, summed over the chosen real servers: the live tail
 * that fills the gap until the next refetch. Null real server: every server of the service.
 */
export function liveTail(series: DirectorSeries | undefined, service: string, realServers: readonly string[], after: number): ChartPoint[] {
  if (series === undefined) return [];
  const byT = new Map<number, ChartPoint>();
  for (const rs of realServers) {
    const points: readonly LivePoint[] = series.byServer[seriesKey(service, rs)] ?? [];
    for (const p of points) {
      if (p.t <= after) continue;
      const row = byT.get(p.t) ?? { t: p.t, active: 0, inactive: 0, cps: 0, inBps: 0, outBps: 0 };
      row.active += p.activeConns;
      row.inactive += p.inactiveConns;
      row.cps += p.cps;
      row.inBps += p.inBps;
      row.outBps += p.outBps;
      byT.set(p.t, row);
    }
  }
  return [...byT.values()].sort((a, b) => a.t - b.t);
}

/** Stored points, then the live tail after the last of them, inside the window. */
export function chartPoints(stored: readonly StoredPoint[], tail: readonly ChartPoint[], from: number, to: number): ChartPoint[] {
  const rows: ChartPoint[] = stored
    .filter((p) => p.t >= from && p.t <= to)
    .map((p) => ({ t: p.t, active: p.active, inactive: p.inactive, cps: p.cps, inBps: p.inBps, outBps: p.outBps }));
  const last = rows.at(-1)?.t ?? from;
  for (const p of tail) if (p.t > last && p.t >= from && p.t <= to) rows.push(p);
  return rows;
}

/** VRRP transitions to or from MASTER, and weight changes of this service (and real server), as markers. */
export function chartMarkers(events: readonly HubEvent[], service: string, realServer: string | null): ChartMarker[] {
  const markers: ChartMarker[] = [];
  for (const e of events) {
    const ev = e.event;
    const t = e.observedAt ?? e.receivedAt;
    if (ev.kind === "vrrp-transition" && (ev.to === "MASTER" || ev.from === "MASTER")) {
      markers.push({ t, kind: "vrrp", label: `${e.director} ${ev.from}→${ev.to}` });
    } else if (ev.kind === "weight" && ev.service === service && (realServer === null || ev.realServer === realServer)) {
      markers.push({ t, kind: "weight", label: `${ev.realServer} weight ${ev.from}→${ev.to} (${ev.cause})` });
    }
  }
  return markers;
}

/** A row of a per-director chart: `${director}|${column}` per director and value, null where it had nothing. */
export type SplitRow = { t: number } & Record<string, number | null>;

/** The column of one director's value in a SplitRow. */
export const splitKey = (director: string, column: (typeof CHART_COLUMNS)[number]) => `${director}|${column}`;

/**
 * Each director's points side by side on one timeline (times rounded down to the step). A director with
 * no sample at a moment keeps its previous one up to SERIES_CARRY_STEPS steps (its tick fell into the
 * neighbouring second), the hub's rule for the summed series; past that, or before its first sample, its
 * values are null: a gap, so a director that went away breaks its line instead of dropping to zero.
 */
export function directorRows(perDirector: readonly { director: string; points: readonly ChartPoint[] }[], stepMs: number): SplitRow[] {
  const step = (t: number) => Math.floor(t / stepMs) * stepMs;
  const times = [...new Set(perDirector.flatMap((d) => d.points.map((p) => step(p.t))))].sort((a, b) => a - b);
  const rows: SplitRow[] = times.map((t) => ({ t }));
  for (const { director, points } of perDirector) {
    let next = 0;
    let last: ChartPoint | null = null;
    for (const row of rows) {
      while (next < points.length && step(points[next]!.t) <= row.t) last = points[next++]!;
      const fresh = last !== null && row.t - step(last.t) <= SERIES_CARRY_STEPS * stepMs;
      for (const column of CHART_COLUMNS) row[splitKey(director, column)] = fresh && last !== null ? last[column] : null;
    }
  }
  return rows;
}

/** Per-director rows as CSV: UTC ISO times, then each director's values, empty cells for gaps. */
export function splitCsv(rows: readonly SplitRow[], directors: readonly string[]): string {
  const keys = directors.flatMap((d) => CHART_COLUMNS.map((c) => splitKey(d, c)));
  const lines = [["time_utc", ...keys.map((k) => k.replace("|", "_"))].join(",")];
  for (const row of rows) lines.push([new Date(row.t).toISOString(), ...keys.map((k) => (row[k] === null || row[k] === undefined ? "" : String(row[k])))].join(","));
  return `${lines.join("\n")}\n`;
}

/** States drawn on a chart at most; the rest are in the CSV of the API, not on screen. */
export const MAX_CHART_STATES = 6;
/** Counts further apart than this are a gap (the agent or the hub was away), whatever the counting cadence. */
export const STATES_GAP_MS = 60_000;

/**
 * Per-state counts as chart rows: a column per state (the MAX_CHART_STATES with the highest peak, busiest
 * first), 0 for a state a count did not see, and a break where counts are more than STATES_GAP_MS apart.
 */
export function stateRows(points: readonly { t: number; states: Record<string, number> }[]): { states: string[]; rows: ({ t: number } & Record<string, number | null>)[] } {
  const peak = new Map<string, number>();
  for (const p of points) for (const [state, n] of Object.entries(p.states)) peak.set(state, Math.max(peak.get(state) ?? 0, n));
  const states = [...peak.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, MAX_CHART_STATES).map(([state]) => state);
  const rows: ({ t: number } & Record<string, number | null>)[] = [];
  for (const [i, p] of points.entries()) {
    const previous = points[i - 1];
    if (previous !== undefined && p.t - previous.t > STATES_GAP_MS) rows.push({ t: previous.t + 1, ...Object.fromEntries(states.map((s) => [s, null])) });
    rows.push({ t: p.t, ...Object.fromEntries(states.map((s) => [s, p.states[s] ?? 0])) });
  }
  return { states, rows };
}
