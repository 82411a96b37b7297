import type { HubEvent } from "@lvsdeck/protocol";
import { describeEvent } from "../events/describeEvent";
import { formatClock, formatHms } from "../../lib/time";
import type { PlacedEvent } from "./timelineModel";

const LANE_HEIGHT = 26;
const LABEL_WIDTH = 110;
const AXIS_WIDTH = 1000;
const TICKS = 6;

interface Props {
  lanes: readonly string[];
  placed: readonly PlacedEvent[];
  from: number;
  to: number;
  at: number | null;
  onChoose: (event: HubEvent) => void;
}

/** One lane per director on a shared time axis; the list below is the keyboard path to the same events. */
export function TimelineAxis({ lanes, placed, from, to, at, onChoose }: Props) {
  const height = Math.max(1, lanes.length) * LANE_HEIGHT + 24;
  const xOf = (fraction: number) => LABEL_WIDTH + fraction * (AXIS_WIDTH - LABEL_WIDTH - 10);
  const atX = at === null ? null : xOf((at - from) / Math.max(1, to - from));
  return (
    <svg className="timeline-axis" viewBox={`0 0 ${AXIS_WIDTH} ${height}`} role="img" aria-label={`${placed.length} events on a time axis from ${formatClock(from)} to ${formatClock(to)}, one lane per director`}>
      {lanes.map((lane, i) => (
        <g key={lane}>
          <line x1={LABEL_WIDTH} x2={AXIS_WIDTH - 10} y1={i * LANE_HEIGHT + 14} y2={i * LANE_HEIGHT + 14} className="lane-line" />
          <text x={4} y={i * LANE_HEIGHT + 18} className="lane-label">
            {lane}
          </text>
        </g>
      ))}
      {Array.from({ length: TICKS + 1 }, (_, i) => (
        <text key={i} x={xOf(i / TICKS)} y={height - 4} className="axis-tick" textAnchor="middle">
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
