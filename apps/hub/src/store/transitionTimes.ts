import { explainTransition } from "@lvsdeck/cluster";
import type { PeerReading } from "@lvsdeck/cluster";
import type { DirectorSnapshot, HubEvent, VrrpInstance } from "@lvsdeck/protocol";
import type { EventStore } from "./eventStore";

/** Adds keepalived's own transition times, and each transition's cause, to stored events as directors' snapshots bring them. */
export interface TransitionTimes {
  /** Looks at a director's latest snapshot; each new `lastTransitionAt` annotates its transition event. */
  observe(snapshot: DirectorSnapshot): void;
  /** Looks at a stored event: a transition no dump will follow (keepalived stopping) gets its cause at once. */
  noteEvent(event: HubEvent): void;
}

/** The other directors in the VRRP network of `director`'s instance `name`, as the hub holds them now. */
export type PeersOf = (director: string, name: string) => PeerReading[];

/**
 * How far back the reading a transition is compared with may lie (ms): a cause (a priority-0 advert, a
 * failing script) can be dumped before the transition it leads to, so the last reading alone may already
 * hold it. At least 4 advert intervals (the down timer and one more).
 */
export const CAUSE_LOOKBACK_MS = 10_000;
/** Most readings kept per instance within the look-back. */
const MAX_READINGS = 32;

interface Reading {
  at: number;
  instance: VrrpInstance;
}

/**
 * The earliest reading within the look-back of the same period (same last transition) as the latest one;
 * who the master was comes from the latest reading that knew it (a BACKUP learns it from adverts).
 */
function baseline(history: readonly Reading[]): VrrpInstance | null {
  const latest = history.at(-1)?.instance;
  if (latest === undefined) return null;
  const period = history.filter((r) => r.instance.lastTransitionAt === latest.lastTransitionAt).map((r) => r.instance);
  const earliest = period[0] ?? latest;
  const heard = period.findLast((i) => i.masterRouter !== null);
  return heard === undefined || earliest.masterRouter !== null ? earliest : { ...earliest, masterRouter: heard.masterRouter, masterPriority: heard.masterPriority ?? earliest.masterPriority ?? null };
}

function remember(history: Reading[], instance: VrrpInstance, at: number): void {
  if (history.at(-1)?.instance !== instance) history.push({ at, instance });
  const lookback = Math.max(CAUSE_LOOKBACK_MS, 4 * instance.advertIntervalMs);
  // Readings older than the look-back go, but the newest of them stays: it was still true when the window began.
  while (history.length > 1 && ((history[1]?.at ?? at) < at - lookback || history.length > MAX_READINGS)) history.shift();
}

/**
 * keepalived 2.2.7's FIFO lines have no time, so a transition is stored with the agent's receive time;
 * keepalived's own `last_transition` comes with the JSON dump the agent reads right after, in the next
 * snapshot. This matches the two up (same director, instance and new state, close in time), reads the
 * cause from the instance's reading before and after and its peers', and hands the event, as now
 * stored, to `onAnnotated` (the hub sends it again so open pages replace their copy).
 */
export function createTransitionTimes(
  events: Pick<EventStore, "annotateTransition" | "setCause">,
  onAnnotated: (event: HubEvent) => void,
  peersOf: PeersOf,
  now: () => number,
  /** Hears an annotation that could not be stored; the event keeps the receive time it has. */
  onError: (err: Error) => void,
): TransitionTimes {
  // (director, instance) -> the last lastTransitionAt seen, so each is looked up once.
  const seen = new Map<string, Map<string, number>>();
  // (director, instance) -> its recent readings: the "before" of the next transition is among them.
  const lastReading = new Map<string, Map<string, Reading[]>>();
  return {
    observe(snapshot) {
      let known = seen.get(snapshot.director);
      let readings = lastReading.get(snapshot.director);
      if (readings === undefined) lastReading.set(snapshot.director, (readings = new Map()));
      for (const instance of snapshot.vrrp) {
        const history = readings.get(instance.name) ?? [];
        readings.set(instance.name, history);
        const before = baseline(history);
        remember(history, instance, now());
        const at = instance.lastTransitionAt;
        if (at === null || known?.get(instance.name) === at) continue;
        if (known === undefined) seen.set(snapshot.director, (known = new Map()));
        const first = !known.has(instance.name);
        known.set(instance.name, at);
        // The hub's first reading of an instance has nothing before it to compare with.
        const explain = (t: { from: VrrpInstance["state"]; to: VrrpInstance["state"] }) =>
          explainTransition({ director: snapshot.director, from: t.from, to: t.to, before: first ? null : before, after: instance, peers: peersOf(snapshot.director, instance.name) });
        events.annotateTransition(snapshot.director, instance.name, instance.state, at, explain).then((annotated) => {
          if (annotated !== null) onAnnotated(annotated);
        }, onError);
      }
      // Instances gone from the snapshot (deleted on reload) are not kept.
      for (const name of readings.keys()) if (!snapshot.vrrp.some((i) => i.name === name)) readings.delete(name);
    },
    noteEvent(stored) {
      const e = stored.event;
      if (e.kind !== "vrrp-transition" || e.cause !== undefined || (e.to !== "STOP" && e.to !== "DELETED")) return;
      const cause = explainTransition({ director: stored.director, from: e.from, to: e.to, before: null, after: null, peers: [] });
      events.setCause(stored.id, cause).then((annotated) => {
        if (annotated !== null) onAnnotated(annotated);
      }, onError);
    },
  };
}
