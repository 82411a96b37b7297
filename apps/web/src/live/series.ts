import type { DirectorView } from "@lvsdeck/protocol";

/** Points kept per real server: 5 minutes at the default 1 s tick. */
export const SERIES_CAPACITY = 300;

/** One sample of a real server's traffic; `t` is the hub's clock when the data arrived. */
export interface SeriesPoint {
  t: number;
  activeConns: number;
  inactiveConns: number;
  cps: number;
  inBps: number;
  outBps: number;
}

/** Bounded traffic history of one director's real servers, keyed by `seriesKey(service, realServer)`. */
export interface DirectorSeries {
  /** `takenAt` of the last snapshot sampled; a repeated snapshot adds no point. */
  lastTakenAt: number;
  byServer: Readonly<Record<string, readonly SeriesPoint[]>>;
}

/** The key of one real server's series within a director. */
export function seriesKey(service: string, realServer: string): string {
  return `${service}|${realServer}`;
}

/**
 * Adds one point per real server from a director view. Servers that left the table lose their series,
 * and each series keeps at most `capacity` points, so memory stays bounded however long the page runs.
 */
export function applySeriesUpdate(
  series: DirectorSeries | undefined,
  view: DirectorView,
  capacity: number = SERIES_CAPACITY,
): DirectorSeries | undefined {
  const snapshot = view.snapshot;
  if (snapshot === null) return series;
  if (series !== undefined && snapshot.takenAt <= series.lastTakenAt) return series;
  const t = view.receivedAt ?? snapshot.takenAt;
  const byServer: Record<string, readonly SeriesPoint[]> = {};
  for (const service of snapshot.services) {
    for (const rs of service.realServers) {
      const key = seriesKey(service.key, rs.key);
      const point: SeriesPoint = { t, activeConns: rs.activeConns, inactiveConns: rs.inactiveConns, cps: rs.rates.cps, inBps: rs.rates.inBps, outBps: rs.rates.outBps };
      const old = series?.byServer[key] ?? [];
      byServer[key] = old.length >= capacity ? [...old.slice(old.length - capacity + 1), point] : [...old, point];
    }
  }
  return { lastTakenAt: snapshot.takenAt, byServer };
}
