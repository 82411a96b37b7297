import type { DirectorSnapshot, HubEvent } from "@lvsdeck/protocol";
import type { EventStore } from "./eventStore";

/** Adds keepalived's own transition times to stored events as directors' snapshots bring them. */
export interface TransitionTimes {
  /** Looks at a director's latest snapshot; each new `lastTransitionAt` annotates its transition event. */
  observe(snapshot: DirectorSnapshot): void;
}

/**
 * keepalived 2.2.7's FIFO lines have no time, so a transition is stored with the agent's receive time;
 * keepalived's own `last_transition` comes with the JSON dump the agent reads right after, in the next
 * snapshot. This matches the two up (same director, instance and new state, close in time) and hands
 * the event, as now stored, to `onAnnotated` (the hub sends it again so open pages replace their copy).
 */
export function createTransitionTimes(events: Pick<EventStore, "annotateTransition">, onAnnotated: (event: HubEvent) => void = () => undefined): TransitionTimes {
  // (director, instance) -> the last lastTransitionAt seen, so each is looked up once.
  const seen = new Map<string, Map<string, number>>();
  return {
    observe(snapshot) {
      let known = seen.get(snapshot.director);
      for (const instance of snapshot.vrrp) {
        const at = instance.lastTransitionAt;
        if (at === null || known?.get(instance.name) === at) continue;
        if (known === undefined) seen.set(snapshot.director, (known = new Map()));
        known.set(instance.name, at);
        const annotated = events.annotateTransition(snapshot.director, instance.name, instance.state, at);
        if (annotated !== null) onAnnotated(annotated);
      }
    },
  };
}
