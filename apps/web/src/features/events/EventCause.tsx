import type { HubEvent } from "@lvsdeck/protocol";
import { useNow } from "../../lib/useNow";
import { eventCause } from "./describeEvent";

/** "why: …" under a VRRP transition; only a transition still waiting for its cause follows the clock. */
export function EventCause({ event }: { event: HubEvent }) {
  const e = event.event;
  const waiting = e.kind === "vrrp-transition" && e.cause === undefined;
  const now = useNow(waiting);
  const cause = eventCause(event, now);
  if (cause === null) return null;
  const kind = e.kind === "vrrp-transition" && e.cause !== undefined ? e.cause.kind : "pending";
  return (
    <span className={`event-cause cause-${kind}`} data-testid="event-cause" data-cause={kind} title={e.kind === "vrrp-transition" ? e.cause?.evidence.join("\n") : undefined}>
      why: {cause}
    </span>
  );
}
