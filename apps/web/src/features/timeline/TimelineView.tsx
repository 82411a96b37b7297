import { useMemo } from "react";
import { useQuery } from "@tanstack/react-query";
import { TIMELINE_EVENT_LIMIT, eventsRangeQuery } from "../../api/moreQueries";
import { useCluster } from "../topology/useCluster";
import { useServerNow } from "../../live/useLive";
import { formatClock } from "../../lib/time";
import { hrefWith, navigate, useLocation } from "../../lib/router";
import { describeEvent, eventClocks, eventTime } from "../events/describeEvent";
import { EventCause } from "../events/EventCause";
import { TIMELINE_RANGES, buildVipIndex, filterEvents, momentBefore, parseTimelineParams, placeEvents, stateBands, timelineRows, timelineWindow, type TimelineParams } from "./timelineModel";
import { hubEventKinds } from "@lvsdeck/protocol";
import { MomentView } from "./MomentView";
import { TimelineAxis, TimelineLegend } from "./TimelineAxis";

/** While live, the window's events are refetched this often (live `event` frames also arrive meanwhile). */
const LIVE_REFETCH_MS = 5_000;
/** The live window's end moves in steps of this much, so the query key does not change every second. */
const WINDOW_STEP_MS = 5_000;
const KINDS = hubEventKinds;

function hrefOf(params: TimelineParams): string {
  return hrefWith("/timeline", { range: params.range === "1h" ? null : params.range, vip: params.vip, director: params.director, kind: params.kind, at: params.at });
}

/** Every event from every director on one time axis; choosing one shows the cluster as it was. */
export function TimelineView() {
  const { search } = useLocation();
  const params = parseTimelineParams(search);
  const set = (patch: Partial<TimelineParams>) => navigate(hrefOf({ ...params, ...patch }));
  const cluster = useCluster().data;
  const index = useMemo(() => buildVipIndex(cluster), [cluster]);
  const now = Math.floor(useServerNow() / WINDOW_STEP_MS) * WINDOW_STEP_MS + WINDOW_STEP_MS;
  const range = TIMELINE_RANGES.find((r) => r.id === params.range) ?? TIMELINE_RANGES[1];
  const { from, to } = timelineWindow(range.ms, now, params.at);
  const query = useQuery(
    eventsRangeQuery(
      { from: Math.round(from), to: Math.round(to), limit: TIMELINE_EVENT_LIMIT, ...(params.director !== "" && { director: params.director }), ...(params.kind !== "" && { kind: params.kind }) },
      params.at === null ? LIVE_REFETCH_MS : false,
    ),
  );
  const events = useMemo(() => filterEvents(query.data?.events ?? [], params, index), [query.data, params.vip, index]); // eslint-disable-line react-hooks/exhaustive-deps -- only the VIP filter is applied here
  const { lanes, placed } = useMemo(() => placeEvents(events, from, to), [events, from, to]);
  const bands = useMemo(() => stateBands(events, lanes, from, to), [events, lanes, from, to]);
  const rows = useMemo(() => timelineRows(events), [events]);
  const directors = (cluster?.directors ?? []).map((d) => d.id);

  return (
    <main className="timeline" aria-label="Incident timeline">
      <section className="panel">
        <header className="timeline-head">
          <h2>Incident timeline</h2>
          <form className="filters" onSubmit={(e) => e.preventDefault()}>
            <label>
              Window
              <select aria-label="Window" value={params.range} onChange={(e) => set({ range: e.currentTarget.value as TimelineParams["range"] })}>
                {TIMELINE_RANGES.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.label}
                  </option>
                ))}
              </select>
            </label>
            <label>
              VIP
              <select aria-label="VIP" value={params.vip} onChange={(e) => set({ vip: e.currentTarget.value })}>
                <option value="">all</option>
                {index.all.map((v) => (
                  <option key={v}>{v}</option>
                ))}
              </select>
            </label>
            <label>
              Director
              <select aria-label="Director" value={params.director} onChange={(e) => set({ director: e.currentTarget.value })}>
                <option value="">all</option>
                {directors.map((d) => (
                  <option key={d}>{d}</option>
                ))}
              </select>
            </label>
            <label>
              Kind
              <select aria-label="Kind" value={params.kind} onChange={(e) => set({ kind: e.currentTarget.value })}>
                <option value="">all</option>
                {KINDS.map((k) => (
                  <option key={k}>{k}</option>
                ))}
              </select>
            </label>
          </form>
        </header>
        <TimelineAxis lanes={lanes} placed={placed} bands={bands} from={from} to={to} at={params.at} onChoose={(e) => set({ at: momentBefore(e) })} />
        <TimelineLegend />
        {query.isError && (
          <p className="load-error" role="alert">
            Cannot load events: {query.error.message}
          </p>
        )}
        <p className="timeline-count" role="status">
          {query.isPending ? "Loading events…" : `${events.length} event${events.length === 1 ? "" : "s"} from ${formatClock(from)} to ${formatClock(to)}`}
          {events.length >= TIMELINE_EVENT_LIMIT && " (the newest only: narrow the window or filters)"}
        </p>
        <ol className="timeline-list" data-testid="timeline-events" tabIndex={0} aria-label="Events, newest first">
          {rows.toReversed().map((row) => {
            const e = row.events[0]!;
            const { text, tone } = describeEvent(e);
            const t = eventTime(e);
            const chosen = params.at !== null && Math.abs(momentBefore(e) - params.at) < 1;
            const where = row.directors.join(", ");
            const shown = row.events.length > 1 ? `${text} on ${where}` : text;
            return (
              <li key={row.key} className={`event tone-${tone}${chosen ? " chosen" : ""}`} data-testid="timeline-event" data-kind={e.event.kind} data-director={e.director} data-directors={where} data-at={t}>
                <time className="event-time" dateTime={new Date(t).toISOString()}>
                  {formatClock(t)}
                </time>
                <span className="event-director">{where}</span>
                <span className="event-kind">{e.event.kind}</span>
                <span className="event-clocks" data-testid="event-clocks">{eventClocks(e)}</span>
                <span className="event-text">{shown}</span>
                <EventCause event={e} />
                <button type="button" onClick={() => set({ at: momentBefore(e) })} aria-label={`Show the cluster just before ${formatClock(t)}: ${where} ${text}`}>
                  Show then
                </button>
              </li>
            );
          })}
        </ol>
      </section>
      {params.at !== null && <MomentView at={params.at} onMove={(at) => set({ at })} onLive={() => set({ at: null })} />}
    </main>
  );
}
