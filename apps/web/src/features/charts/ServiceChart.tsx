import { useId, useMemo, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import type { DirectorId } from "@lvsdeck/protocol";
import { formatAxisTime, formatClock, formatHms } from "../../lib/time";
import { seriesQuery } from "../../api/queries";
import { eventsRangeQuery, seriesHistoryQuery } from "../../api/moreQueries";
import { useServerNow } from "../../live/useLive";
import { CHART_RANGES, chartMarkers, chartPoints, chartWindow, liveTail, type ChartMarker, type ChartPoint, type ChartRangeId } from "./chartData";

/** Events loaded for markers in one chart window. */
const MARKER_EVENT_LIMIT = 500;
/** The window moves in steps of this much, so query keys (and fetches) do not change every second. */
const WINDOW_STEP_MS = 5_000;

export interface ServiceChartProps {
  director: DirectorId;
  service: string;
  realServers: readonly string[];
  /** A past moment to centre on; null or absent for live. */
  end?: number | null;
}

const markerColor: Record<ChartMarker["kind"], string> = { vrrp: "#b5452f", weight: "#7a5aa6", moment: "#1d232a" };


function formatBytes(bps: number): string {
  if (bps >= 1e9) return `${(bps / 1e9).toFixed(1)} GB/s`;
  if (bps >= 1e6) return `${(bps / 1e6).toFixed(1)} MB/s`;
  if (bps >= 1e3) return `${(bps / 1e3).toFixed(0)} kB/s`;
  return `${Math.round(bps)} B/s`;
}

interface PanelProps {
  title: string;
  rows: readonly ChartPoint[];
  lines: readonly { key: keyof ChartPoint; name: string; color: string }[];
  from: number;
  to: number;
  rangeMs: number;
  markers: readonly ChartMarker[];
  format?: (v: number) => string;
}

function Panel({ title, rows, lines, from, to, rangeMs, markers, format }: PanelProps) {
  return (
    <div className="chart-panel">
      <p className="chart-panel-title">{title}</p>
      <LineChart responsive style={{ width: "100%", height: 130 }} data={rows as ChartPoint[]} margin={{ top: 4, right: 12, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="#e3e6ea" vertical={false} />
        <XAxis dataKey="t" type="number" domain={[from, to]} allowDataOverflow tickFormatter={(t: number) => formatAxisTime(t, rangeMs)} tick={{ fontSize: 11, fill: "#5b6470" }} />
        <YAxis width={60} tick={{ fontSize: 11, fill: "#5b6470" }} {...(format !== undefined && { tickFormatter: format })} />
        <Tooltip labelFormatter={(t) => (typeof t === "number" ? formatClock(t) : String(t))} isAnimationActive={false} {...(format !== undefined && { formatter: (v: unknown) => format(Number(v)) })} />
        <Legend wrapperStyle={{ fontSize: 11 }} />
        {markers.map((m, i) => (
          <ReferenceLine key={`${m.kind}-${m.t}-${i}`} x={m.t} stroke={markerColor[m.kind]} strokeDasharray={m.kind === "weight" ? "4 3" : undefined} ifOverflow="hidden" />
        ))}
        {lines.map((l) => (
          <Line key={l.key} dataKey={l.key} name={l.name} type="monotone" dot={false} strokeWidth={1.6} stroke={l.color} isAnimationActive={false} />
        ))}
      </LineChart>
    </div>
  );
}

/** Connections, connections per second and bytes of a service or one of its real servers, over a chosen range. */
export default function ServiceChart({ director, service, realServers, end = null }: ServiceChartProps) {
  const [rangeId, setRangeId] = useState<ChartRangeId>("5m");
  const [target, setTarget] = useState<string>("");
  const id = useId();
  const range = CHART_RANGES.find((r) => r.id === rangeId) ?? CHART_RANGES[0];
  const now = useServerNow();
  const steppedNow = Math.floor(now / WINDOW_STEP_MS) * WINDOW_STEP_MS;
  const { from, to } = chartWindow(range.ms, end === null ? steppedNow : now, end);
  const live = end === null;
  const realServer = target === "" ? null : target;
  const stored = useQuery(seriesHistoryQuery({ service, realServer, from, to }, live ? range.refetchMs : false)).data;
  const events = useQuery(eventsRangeQuery({ from, to, limit: MARKER_EVENT_LIMIT }, live ? range.refetchMs : false)).data?.events;
  const series = useQuery(seriesQuery(director)).data;
  const tailServers = useMemo(() => (realServer === null ? realServers : [realServer]), [realServer, realServers]);
  const lastStored = stored?.points.at(-1)?.t ?? from;
  const tail = useMemo(() => (live ? liveTail(series, service, tailServers, lastStored) : []), [live, series, service, tailServers, lastStored]);
  const windowTo = live ? Math.max(to, now) : to;
  const rows = useMemo(() => chartPoints(stored?.points ?? [], tail, from, windowTo), [stored, tail, from, windowTo]);
  const markers = useMemo(() => {
    const list = chartMarkers(events ?? [], service, realServer);
    return end === null ? list : [...list, { t: end, kind: "moment" as const, label: "chosen moment" }];
  }, [events, service, realServer, end]);
  const subject = realServer ?? `${service} (all real servers)`;

  return (
    <figure className="chart" aria-label={`Traffic of ${subject}, ${live ? `last ${range.label}` : `around ${formatClock(end)}`}`} data-testid="service-chart" data-service={service}>
      <figcaption className="chart-caption">
        <span>
          {subject} · {live ? `last ${range.label}, live` : `as it was around ${formatClock(end)}`} · {stored?.resolution ?? "…"} points, all directors
        </span>
        <span className="chart-controls">
          <span role="radiogroup" aria-label={`Range of the charts of ${service}`} className="segmented">
            {CHART_RANGES.map((r) => (
              <button key={r.id} type="button" role="radio" aria-checked={r.id === rangeId} onClick={() => setRangeId(r.id)}>
                {r.label}
              </button>
            ))}
          </span>
          <label htmlFor={`${id}-rs`}>Show</label>
          <select id={`${id}-rs`} value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
            <option value="">whole service</option>
            {realServers.map((rs) => (
              <option key={rs} value={rs}>
                {rs}
              </option>
            ))}
          </select>
        </span>
      </figcaption>
      {rows.length === 0 ? (
        <p className="chart-empty">{stored === undefined ? "Loading…" : "No data in this range yet."}</p>
      ) : (
        <div className="chart-panels">
          <Panel title="Connections" rows={rows} from={from} to={windowTo} rangeMs={range.ms} markers={markers} lines={[{ key: "active", name: "active", color: "#2f6f9f" }, { key: "inactive", name: "inactive", color: "#9aa7b4" }]} />
          <Panel title="Connections per second" rows={rows} from={from} to={windowTo} rangeMs={range.ms} markers={markers} lines={[{ key: "cps", name: "conn/s", color: "#3b8c6e" }]} />
          <Panel title="Bytes" rows={rows} from={from} to={windowTo} rangeMs={range.ms} markers={markers} format={formatBytes} lines={[{ key: "inBps", name: "in", color: "#b07a2a" }, { key: "outBps", name: "out", color: "#7a5aa6" }]} />
        </div>
      )}
      {markers.length > 0 && (
        <ul className="chart-markers" aria-label="Markers on the time axis">
          {markers.slice(-6).map((m, i) => (
            <li key={`${m.t}-${i}`} className={`marker-${m.kind}`}>
              {formatHms(m.t)} {m.label}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
