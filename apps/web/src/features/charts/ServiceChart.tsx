import { useMemo } from "react";
import { useQuery } from "@tanstack/react-query";
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";
import type { DirectorId } from "@lvsdeck/protocol";
import { seriesQuery } from "../../api/queries";
import { useServerNow } from "../../live/useLive";
import { chartRows } from "./chartRows";

/** The chart spans the last five minutes. */
export const CHART_WINDOW_MS = 5 * 60_000;
/** One tick per minute on the time axis. */
const TICK_STEP_MS = 60_000;
/** Calm, distinguishable line colours; red is kept for trouble. */
const COLORS = ["#2f6f9f", "#7a5aa6", "#3b8c6e", "#b07a2a", "#5a6b7d", "#9c5a7a", "#4f8fb0", "#7d8f3a"];

export interface ServiceChartProps {
  director: DirectorId;
  service: string;
  realServers: readonly string[];
}

function agoLabel(t: number, now: number): string {
  const min = Math.round((now - t) / 60_000);
  return min <= 0 ? "now" : `−${min} min`;
}

/** Active connections per real server of one service over the last five minutes, from the bounded series. */
export default function ServiceChart({ director, service, realServers }: ServiceChartProps) {
  const series = useQuery(seriesQuery(director)).data;
  const now = useServerNow();
  const since = now - CHART_WINDOW_MS;
  const rows = useMemo(() => chartRows(series, service, realServers, since), [series, service, realServers, since]);
  const ticks = useMemo(() => Array.from({ length: CHART_WINDOW_MS / TICK_STEP_MS + 1 }, (_, i) => since + i * TICK_STEP_MS), [since]);

  return (
    <figure className="chart" aria-label={`Active connections per real server of ${service} over the last 5 minutes, from ${director}`}>
      <figcaption className="chart-caption">Active connections, last 5 min ({director})</figcaption>
      {rows.length === 0 ? (
        <p className="chart-empty">Collecting data…</p>
      ) : (
        <LineChart responsive style={{ width: "100%", height: 150 }} data={rows} margin={{ top: 4, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="#e3e6ea" vertical={false} />
          <XAxis
            dataKey="t"
            type="number"
            domain={[since, now]}
            ticks={ticks}
            allowDataOverflow
            tickFormatter={(t: number) => agoLabel(t, now)}
            tick={{ fontSize: 11, fill: "#5b6470" }}
          />
          <YAxis allowDecimals={false} width={44} tick={{ fontSize: 11, fill: "#5b6470" }} />
          <Tooltip
            labelFormatter={(t) => (typeof t === "number" ? `${((now - t) / 1000).toFixed(0)} s ago` : String(t))}
            isAnimationActive={false}
          />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {realServers.map((rs, i) => (
            <Line key={rs} dataKey={rs} name={rs} type="monotone" dot={false} strokeWidth={1.6} stroke={COLORS[i % COLORS.length] ?? "#5a6b7d"} isAnimationActive={false} connectNulls />
          ))}
        </LineChart>
      )}
    </figure>
  );
}
