import type { HubEvent } from "@lvsdeck/protocol";
import { formatClock } from "../../lib/time";
import { describeEvent, eventTime } from "./describeEvent";
import { EventCause } from "./EventCause";

/** One event as a list item: its time (keepalived's own for a transition), director, words and, for a transition, why. */
export function EventRow({ event, testId, today }: { event: HubEvent; testId: string; today?: number }) {
  const { text, tone } = describeEvent(event);
  const at = eventTime(event);
  return (
    <li className={`event tone-${tone}`} data-testid={testId} data-kind={event.event.kind} data-director={event.director}>
      <time className="event-time" dateTime={new Date(at).toISOString()}>
        {today === undefined ? formatClock(at) : formatClock(at, today)}
      </time>
      <span className="event-director">{event.director}</span>
      <span className="event-text">{text}</span>
      <EventCause event={event} />
    </li>
  );
}
