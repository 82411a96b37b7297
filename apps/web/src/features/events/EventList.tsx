import { useQuery } from "@tanstack/react-query";
import { eventsQuery } from "../../api/queries";
import { formatClock } from "../../lib/time";
import { describeEvent, eventTime } from "./describeEvent";
import { EventCause } from "./EventCause";

/** Recent VRRP transitions, health flips, weight changes and agent presence, newest first. */
export function EventList() {
  const events = useQuery(eventsQuery());
  const list = events.data?.events ?? [];
  return (
    <section className="panel events" aria-labelledby="events-title">
      <h2 id="events-title">Events</h2>
      {events.isError && (
        <p className="load-error" role="alert">
          Cannot load events: {events.error.message}
        </p>
      )}
      {events.isPending && <p className="loading">Loading events…</p>}
      {events.isSuccess && list.length === 0 && <p className="empty">No events yet.</p>}
      <ol className="event-list" data-testid="events" tabIndex={0} aria-label="Recent events, newest first">
        {list.toReversed().map((e) => {
          const { text, tone } = describeEvent(e);
          return (
            <li key={e.id} className={`event tone-${tone}`} data-testid="event" data-kind={e.event.kind} data-director={e.director}>
              <time className="event-time" dateTime={new Date(eventTime(e)).toISOString()}>
                {formatClock(eventTime(e))}
              </time>
              <span className="event-director">{e.director}</span>
              <span className="event-text">{text}</span>
              <EventCause event={e} />
            </li>
          );
        })}
      </ol>
    </section>
  );
}
