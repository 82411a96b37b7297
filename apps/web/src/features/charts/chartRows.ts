import type { DirectorSeries, SeriesPoint } from "../../live/series";
import { seriesKey } from "../../live/series";

/** One row of the chart: a moment and each real server's active connections then. */
export type ChartRow = { t: number } & Record<string, number>;

/** Joins the real servers' series on time, oldest first, keeping only points after `since`. */
export function chartRows(series: DirectorSeries | undefined, service: string, realServers: readonly string[], since: number): ChartRow[] {
  if (series === undefined) return [];
  const rows = new Map<number, ChartRow>();
  for (const rs of realServers) {
    const points: readonly SeriesPoint[] = series.byServer[seriesKey(service, rs)] ?? [];
    for (const p of points) {
      if (p.t < since) continue;
      const row = rows.get(p.t) ?? { t: p.t };
      row[rs] = p.activeConns;
      rows.set(p.t, row);
    }
  }
  return [...rows.values()].sort((a, b) => a.t - b.t);
}
