import { useQuery } from "@tanstack/react-query";
import { eventsQuery } from "../../api/queries";
import { EventRow } from "./EventRow";

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
        {list.toReversed().map((e) => (
          <EventRow key={e.id} event={e} testId="event" />
        ))}
      </ol>
    </section>
  );
}
