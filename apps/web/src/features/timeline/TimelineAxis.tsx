import type { HubEvent } from "@lvsdeck/protocol";
import { describeEvent } from "../events/describeEvent";
import { formatClock, formatHms } from "../../lib/time";
import type { PlacedEvent, StateBand } from "./timelineModel";

const LANE_HEIGHT = 26;
const LABEL_WIDTH = 110;
const AXIS_WIDTH = 1000;
const TICKS = 6;

interface Props {
  lanes: readonly string[];
  placed: readonly PlacedEvent[];
  bands: readonly StateBand[];
  from: number;
  to: number;
  at: number | null;
  onChoose: (event: HubEvent) => void;
}

/** One lane per director on a shared time axis; the list below is the keyboard path to the same events. */
export function TimelineAxis({ lanes, placed, bands, from, to, at, onChoose }: Props) {
  const height = Math.max(1, lanes.length) * LANE_HEIGHT + 24;
  const xOf = (fraction: number) => LABEL_WIDTH + fraction * (AXIS_WIDTH - LABEL_WIDTH - 10);
  const atX = at === null ? null : xOf((at - from) / Math.max(1, to - from));
  return (
    <svg className="timeline-axis" viewBox={`0 0 ${AXIS_WIDTH} ${height}`} role="img" aria-label={`${placed.length} events on a time axis from ${formatClock(from)} to ${formatClock(to)}, one lane per director`}>
      <defs>
        <pattern id="band-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <rect width="6" height="6" className="band-hatch-bg" />
          <line x1="0" y1="0" x2="0" y2="6" className="band-hatch-line" />
        </pattern>
      </defs>
      {bands.map((b, i) => (
        <rect key={`band-${i}`} x={xOf(b.x0)} width={Math.max(1, xOf(b.x1) - xOf(b.x0))} y={b.lane * LANE_HEIGHT + 5} height={LANE_HEIGHT - 8} className={`band band-${b.state}`} data-testid="state-band" data-state={b.state}>
          <title>{`${lanes[b.lane] ?? ""} ${b.state}`}</title>
        </rect>
      ))}
      {lanes.map((lane, i) => (
        <g key={lane}>
          <line x1={LABEL_WIDTH} x2={AXIS_WIDTH - 10} y1={i * LANE_HEIGHT + 14} y2={i * LANE_HEIGHT + 14} className="lane-line" />
          <text x={4} y={i * LANE_HEIGHT + 18} className="lane-label">
            {lane}
          </text>
        </g>
      ))}
      {Array.from({ length: TICKS + 1 }, (_, i) => (
        // The last label ends at the axis's end instead of being cut off by it.
        <text key={i} x={xOf(i / TICKS)} y={height - 4} className="axis-tick" textAnchor={i === TICKS ? "end" : "middle"}>
          {formatHms(from + ((to - from) * i) / TICKS)}
        </text>
      ))}
      {placed.map(({ event, lane, x }) => (
        <circle
          key={event.id}
          cx={xOf(x)}
          cy={lane * LANE_HEIGHT + 14}
          r={event.event.kind === "vrrp-transition" ? 7 : 5}
          className={`dot dot-${event.event.kind} tone-${describeEvent(event).tone}`}
          onClick={() => onChoose(event)}
        >
          <title>{`${formatClock(event.event.at)} ${event.director}: ${describeEvent(event).text}`}</title>
        </circle>
      ))}
      {atX !== null && <line x1={atX} x2={atX} y1={0} y2={height - 16} className="moment-line" />}
    </svg>
  );
}

const BAND_LEGEND = [
  ["MASTER", "MASTER"],
  ["BACKUP", "BACKUP"],
  ["FAULT", "FAULT"],
  ["STOP", "keepalived stopped"],
  ["unknown", "not known (agent lost)"],
] as const;

const DOT_LEGEND = [
  ["dot-vrrp-transition", "VRRP transition"],
  ["dot-weight", "weight change"],
  ["tone-good", "up / started / cleared"],
  ["tone-bad", "down / stopped / alert"],
  ["", "other"],
] as const;

/** What the lanes' bands and dots mean; colour is never the only cue (every band and dot has a title). */
export function TimelineLegend() {
  return (
    <ul className="timeline-legend" aria-label="Legend of the time axis" data-testid="timeline-legend">
      {BAND_LEGEND.map(([state, label]) => (
        <li key={state}>
          <svg width="22" height="12" aria-hidden="true">
            <rect width="22" height="12" className={`band band-${state}`} />
          </svg>
          {label}
        </li>
      ))}
      {DOT_LEGEND.map(([cls, label]) => (
        <li key={label}>
          <svg width="12" height="12" aria-hidden="true">
            <circle cx="6" cy="6" r="5" className={`dot ${cls}`} />
          </svg>
          {label}
        </li>
      ))}
    </ul>
  );
}
