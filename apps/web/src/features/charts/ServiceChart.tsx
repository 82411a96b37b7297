import { useId, useMemo, useRef, useState } from "react";
import { useQueries, useQuery } from "@tanstack/react-query";
import { CartesianGrid, Legend, Line, LineChart, ReferenceArea, ReferenceLine, Tooltip, XAxis, YAxis } from "recharts";
import type { DirectorId } from "@lvsdeck/protocol";
import { formatAxisTime, formatClock, formatHms, fromInputValue, toInputValue, useZoneMode, zoneTag } from "../../lib/time";
import { seriesQuery } from "../../api/queries";
import { eventsRangeQuery, seriesHistoryQuery, statesHistoryQuery } from "../../api/moreQueries";
import { useServerNow } from "../../live/useLive";
import { CHART_RANGES, STEP_MS, chartCsv, chartLink, chartMarkers, chartPoints, chartWindow, directorRows, liveTail, splitCsv, splitKey, stateRows, windowFromSearch, withGaps, type ChartMarker, type ChosenWindow } from "./chartData";
import { useChartChoice } from "./chartChoice";

/** The y axis's width and the right margin: the plot spans the rest, which drag-to-zoom maps to time. */
const PLOT_LEFT = 60;
const PLOT_RIGHT = 12;

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
  /** Whether the chart is on screen: off screen it fetches nothing and draws empty panels of the same size. */
  visible?: boolean;
}

const markerColor: Record<ChartMarker["kind"], string> = { vrrp: "#b5452f", weight: "#7a5aa6", moment: "#1d232a" };


function formatBytes(bps: number): string {
  if (bps >= 1e9) return `${(bps / 1e9).toFixed(1)} GB/s`;
  if (bps >= 1e6) return `${(bps / 1e6).toFixed(1)} MB/s`;
  if (bps >= 1e3) return `${(bps / 1e3).toFixed(0)} kB/s`;
  return `${Math.round(bps)} B/s`;
}

/** A row a panel draws: a time and named values, null where nothing was reported. */
type PanelRow = { t: number } & Record<string, number | null>;

/** A colour per connection state, so SYN_RECV is always the same red. */
const STATE_COLORS: Record<string, string> = {
  ESTABLISHED: "#2f6f9f",
  SYN_RECV: "#b5452f",
  SYN_SENT: "#d9822b",
  TIME_WAIT: "#b07a2a",
  FIN_WAIT: "#7a5aa6",
  CLOSE_WAIT: "#8c564b",
  CLOSE: "#9aa7b4",
  UDP: "#3b8c6e",
};

/** Line colours of directors in per-director charts, in name order. */
const DIRECTOR_COLORS = ["#2f6f9f", "#c0612b", "#3b8c6e", "#7a5aa6", "#b5452f", "#5b6470"];

interface PanelLine {
  key: string;
  name: string;
  color: string;
  /** Drawn dashed (a second value of the same director). */
  dashed?: boolean;
}

interface PanelProps {
  title: string;
  rows: readonly PanelRow[];
  lines: readonly PanelLine[];
  from: number;
  to: number;
  rangeMs: number;
  markers: readonly ChartMarker[];
  format?: (v: number) => string;
  /** Drag across a panel to zoom to that stretch. */
  onZoom: (window: ChosenWindow) => void;
}

function Panel({ title, rows, lines, from, to, rangeMs, markers, format, onZoom, visible }: PanelProps & { visible: boolean }) {
  const [selection, setSelection] = useState<{ start: number; end: number } | null>(null);
  const plotRef = useRef<HTMLDivElement>(null);
  /** The time under the pointer, from its position across the plot (not the nearest point: data may be sparse). */
  const at = (event: unknown): number | null => {
    const box = plotRef.current?.getBoundingClientRect();
    const x = (event as { clientX?: unknown } | null)?.clientX;
    if (box === undefined || typeof x !== "number") return null;
    const left = box.left + PLOT_LEFT;
    const width = box.width - PLOT_LEFT - PLOT_RIGHT;
    if (width <= 0) return null;
    return Math.round(from + (Math.min(Math.max(x - left, 0), width) / width) * (to - from));
  };
  if (!visible) {
    return (
      <div className="chart-panel">
        <p className="chart-panel-title">{title}</p>
        <div style={{ height: 130 }} aria-hidden="true" />
      </div>
    );
  }
  return (
    <div className="chart-panel">
      <p className="chart-panel-title">{title}</p>
      <div ref={plotRef}>
      <LineChart
        responsive
        style={{ width: "100%", height: 130, cursor: "crosshair" }}
        data={rows as PanelRow[]}
        margin={{ top: 4, right: PLOT_RIGHT, bottom: 0, left: 0 }}
        onMouseDown={(_state, event) => {
          const t = at(event);
          if (t !== null) setSelection({ start: t, end: t });
        }}
        onMouseMove={(_state, event) => {
          const t = at(event);
          if (t !== null) setSelection((s) => (s === null ? s : { ...s, end: t }));
        }}
        onMouseUp={() => {
          if (selection !== null && selection.start !== selection.end) onZoom({ from: Math.min(selection.start, selection.end), to: Math.max(selection.start, selection.end) });
          setSelection(null);
        }}
        onMouseLeave={() => setSelection(null)}
      >
        <CartesianGrid stroke="#e3e6ea" vertical={false} />
        <XAxis dataKey="t" type="number" domain={[from, to]} allowDataOverflow tickFormatter={(t: number) => formatAxisTime(t, rangeMs)} tick={{ fontSize: 11, fill: "#5b6470" }} />
        <YAxis width={PLOT_LEFT} tick={{ fontSize: 11, fill: "#5b6470" }} {...(format !== undefined && { tickFormatter: format })} />
        <Tooltip labelFormatter={(t) => (typeof t === "number" ? formatClock(t) : String(t))} isAnimationActive={false} {...(format !== undefined && { formatter: (v: unknown) => format(Number(v)) })} />
        <Legend wrapperStyle={{ fontSize: 11 }} />
        {markers.map((m, i) => (
          <ReferenceLine key={`${m.kind}-${m.t}-${i}`} x={m.t} stroke={markerColor[m.kind]} strokeDasharray={m.kind === "weight" ? "4 3" : undefined} ifOverflow="hidden" />
        ))}
        {lines.map((l) => (
          // A null value (nothing reported then) breaks the line: a gap, never a drop to zero.
          <Line key={l.key} dataKey={l.key} name={l.name} type="monotone" dot={false} strokeWidth={1.6} stroke={l.color} {...(l.dashed === true && { strokeDasharray: "5 3" })} isAnimationActive={false} connectNulls={false} />
        ))}
        {selection !== null && selection.start !== selection.end && <ReferenceArea x1={selection.start} x2={selection.end} fill="#2f6f9f" fillOpacity={0.15} ifOverflow="hidden" />}
      </LineChart>
      </div>
    </div>
  );
}

/** Connections, connections per second and bytes of a service or one of its real servers, over a chosen range. */
export default function ServiceChart({ director, service, realServers, end = null, visible = true }: ServiceChartProps) {
  const [{ rangeId, target, split, chosen }, choose] = useChartChoice(service, () => ({ rangeId: "5m", target: "", split: false, chosen: windowFromSearch(window.location.search, service) }));
  const setChosen = (w: ChosenWindow | null) => choose({ chosen: w });
  // A window chosen by hand (absolute inputs, drag-to-zoom, or a link), instead of a live preset.
  const [copied, setCopied] = useState(false);
  const zone = useZoneMode();
  const id = useId();
  const range = CHART_RANGES.find((r) => r.id === rangeId) ?? CHART_RANGES[0];
  // Off screen the clock does not redraw it: nothing of it is seen.
  const now = useServerNow(visible);
  const steppedNow = Math.floor(now / WINDOW_STEP_MS) * WINDOW_STEP_MS;
  const presetWindow = chartWindow(range.ms, end === null ? steppedNow : now, end);
  const { from, to } = chosen ?? presetWindow;
  const rangeMs = to - from;
  const live = end === null && chosen === null;
  const realServer = target === "" ? null : target;
  const stored = useQuery({ ...seriesHistoryQuery({ service, realServer, from, to }, live ? range.refetchMs : false), enabled: visible }).data;
  const storedStates = useQuery({ ...statesHistoryQuery({ service, realServer, director, from, to }, live ? range.refetchMs : false), enabled: visible }).data;
  const states = useMemo(() => stateRows(storedStates?.points ?? []), [storedStates]);
  const events = useQuery({ ...eventsRangeQuery({ from, to, limit: MARKER_EVENT_LIMIT }, live ? range.refetchMs : false), enabled: visible }).data?.events;
  const series = useQuery({ ...seriesQuery(director), enabled: visible }).data;
  const tailServers = useMemo(() => (realServer === null ? realServers : [realServer]), [realServer, realServers]);
  const lastStored = stored?.points.at(-1)?.t ?? from;
  const tail = useMemo(() => (live ? liveTail(series, service, tailServers, lastStored) : []), [live, series, service, tailServers, lastStored]);
  const windowTo = live ? Math.max(to, now) : to;
  const stepMs = STEP_MS[stored?.resolution ?? "1s"];
  const rows = useMemo(() => withGaps(chartPoints(stored?.points ?? [], tail, from, windowTo), stepMs), [stored, tail, from, windowTo, stepMs]);
  const splitDirectors = useMemo(() => (stored?.directors ?? []).map((d) => d.director), [stored]);
  const directorTails = useQueries({
    queries: splitDirectors.map((d) => ({ ...seriesQuery(d), enabled: visible && split && live })),
    combine: (results) => results.map((r) => r.data),
  });
  const splitRows = useMemo(() => {
    if (!split) return [];
    const perDirector = (stored?.directors ?? []).map((d, i) => {
      const tailOf = live ? liveTail(directorTails[i], service, tailServers, d.points.at(-1)?.t ?? from) : [];
      return { director: d.director, points: chartPoints(d.points, tailOf, from, windowTo) };
    });
    return directorRows(perDirector, stepMs);
  }, [split, stored, directorTails, live, service, tailServers, from, windowTo, stepMs]);
  const lineColor = (i: number) => DIRECTOR_COLORS[i % DIRECTOR_COLORS.length] ?? "#2f6f9f";
  const linesOf = (columns: readonly { column: "active" | "inactive" | "cps" | "inBps" | "outBps"; name: string; dashed?: boolean }[]): PanelLine[] =>
    splitDirectors.flatMap((d, i) => columns.map((c) => ({ key: splitKey(d, c.column), name: `${d} ${c.name}`, color: lineColor(i), ...(c.dashed === true && { dashed: true }) })));
  const shownRows: readonly PanelRow[] = split ? splitRows : rows;
  const markers = useMemo(() => {
    const list = chartMarkers(events ?? [], service, realServer);
    return end === null ? list : [...list, { t: end, kind: "moment" as const, label: "chosen moment" }];
  }, [events, service, realServer, end]);
  const subject = realServer ?? `${service} (all real servers)`;
  const shown = { from, to: windowTo };
  const downloadCsv = () => {
    const url = URL.createObjectURL(new Blob([split ? splitCsv(splitRows, splitDirectors) : chartCsv(rows)], { type: "text/csv" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `${subject.replace(/[^A-Za-z0-9.-]+/g, "_")}_${new Date(from).toISOString()}_${new Date(windowTo).toISOString()}.csv`;
    document.body.append(a);
    a.click();
    a.remove();
    // Revoked only once the browser has surely started saving it.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  };
  const copyLink = () => {
    const link = chartLink(window.location.href, service, shown);
    void navigator.clipboard?.writeText(link).then(
      () => setCopied(true),
      () => window.prompt("Copy this link", link),
    );
  };
  const windowText = live
    ? `last ${range.label}, live`
    : chosen !== null
      ? `${formatClock(from, to, zone)} to ${formatClock(to, to, zone)}`
      : `as it was around ${formatClock(end ?? to)}`;

  return (
    <figure className="chart" aria-label={`Traffic of ${subject}, ${windowText}`} data-testid="service-chart" data-service={service} data-from={from} data-to={windowTo} data-split={String(split)}>
      <figcaption className="chart-caption">
        <span data-testid="chart-window">
          {subject} · {windowText} · {stored?.resolution ?? "…"} points, {split ? "per director" : "all directors summed"} · times in {zoneTag(to, zone)}
        </span>
        <span className="chart-controls">
          <span role="radiogroup" aria-label={`Range of the charts of ${service}`} className="segmented">
            {CHART_RANGES.map((r) => (
              <button
                key={r.id}
                type="button"
                role="radio"
                aria-checked={chosen === null && r.id === rangeId}
                onClick={() => {
                  choose({ chosen: null, rangeId: r.id });
                }}
              >
                {r.label}
              </button>
            ))}
          </span>
          <span role="radiogroup" aria-label={`Directors in the charts of ${service}`} className="segmented">
            <button type="button" role="radio" aria-checked={!split} onClick={() => choose({ split: false })}>
              Summed
            </button>
            <button type="button" role="radio" aria-checked={split} onClick={() => choose({ split: true })}>
              Per director
            </button>
          </span>
          <AbsoluteRange key={`${chosen?.from ?? "live"}-${chosen?.to ?? rangeId}-${zone}`} from={from} to={windowTo} service={service} onChoose={setChosen} />
          {chosen !== null && (
            <button type="button" onClick={() => setChosen(null)}>
              Back to live
            </button>
          )}
          <button type="button" onClick={copyLink} aria-label={`Copy a link to these charts of ${service}`}>
            {copied ? "Link copied" : "Copy link"}
          </button>
          <button type="button" onClick={downloadCsv} disabled={shownRows.length === 0} aria-label={`Download the shown points of ${service} as CSV`}>
            CSV
          </button>
          <label htmlFor={`${id}-rs`}>Show</label>
          <select id={`${id}-rs`} value={target} onChange={(e) => choose({ target: e.currentTarget.value })}>
            <option value="">whole service</option>
            {realServers.map((rs) => (
              <option key={rs} value={rs}>
                {rs}
              </option>
            ))}
          </select>
        </span>
      </figcaption>
      {shownRows.length === 0 && visible ? (
        <p className="chart-empty">{stored === undefined ? "Loading…" : "No data in this range yet."}</p>
      ) : (
        <div className="chart-panels">
          <Panel title="Connections" rows={shownRows} from={from} to={windowTo} rangeMs={rangeMs} markers={markers} onZoom={setChosen} visible={visible} lines={split ? linesOf([{ column: "active", name: "active" }, { column: "inactive", name: "inactive", dashed: true }]) : [{ key: "active", name: "active", color: "#2f6f9f" }, { key: "inactive", name: "inactive", color: "#9aa7b4" }]} />
          <Panel title="Connections per second" rows={shownRows} from={from} to={windowTo} rangeMs={rangeMs} markers={markers} onZoom={setChosen} visible={visible} lines={split ? linesOf([{ column: "cps", name: "conn/s" }]) : [{ key: "cps", name: "conn/s", color: "#3b8c6e" }]} />
          {states.rows.length > 0 && (
            <Panel
              title={`Connection states on ${director}`}
              rows={states.rows}
              from={from}
              to={windowTo}
              rangeMs={rangeMs}
              markers={markers}
              onZoom={setChosen}
              visible={visible}
              lines={states.states.map((state) => ({ key: state, name: state, color: STATE_COLORS[state] ?? "#5b6470" }))}
            />
          )}
          <Panel title="Bytes" rows={shownRows} from={from} to={windowTo} rangeMs={rangeMs} markers={markers} onZoom={setChosen} visible={visible} format={formatBytes} lines={split ? linesOf([{ column: "inBps", name: "in" }, { column: "outBps", name: "out", dashed: true }]) : [{ key: "inBps", name: "in", color: "#b07a2a" }, { key: "outBps", name: "out", color: "#7a5aa6" }]} />
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

/** From and to inputs in the zone the page shows; Show applies them. */
function AbsoluteRange({ from, to, service, onChoose }: { from: number; to: number; service: string; onChoose: (w: ChosenWindow) => void }) {
  const [fromText, setFromText] = useState(() => toInputValue(from));
  const [toText, setToText] = useState(() => toInputValue(to));
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  return (
    <form
      className="chart-absolute"
      aria-label={`Absolute range of the charts of ${service}`}
      onSubmit={(e) => {
        e.preventDefault();
        const a = fromInputValue(fromText);
        const b = fromInputValue(toText);
        if (a === null || b === null) return setError("write times as YYYY-MM-DD HH:MM:SS");
        if (b <= a) return setError("'to' must be after 'from'");
        setError(null);
        onChoose({ from: a, to: b });
      }}
    >
      <label htmlFor={`${id}-from`}>From</label>
      <input id={`${id}-from`} type="text" inputMode="numeric" placeholder="YYYY-MM-DD HH:MM:SS" size={19} value={fromText} onChange={(e) => setFromText(e.currentTarget.value)} />
      <label htmlFor={`${id}-to`}>to</label>
      <input id={`${id}-to`} type="text" inputMode="numeric" placeholder="YYYY-MM-DD HH:MM:SS" size={19} value={toText} onChange={(e) => setToText(e.currentTarget.value)} />
      <button type="submit">Show</button>
      {error !== null && (
        <span className="warn" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}
