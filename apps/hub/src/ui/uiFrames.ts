import type { DirectorId, DirectorView, HubToUi } from "@lvsdeck/protocol";
import { countDirector, summarizeDirector } from "@lvsdeck/protocol";
import { scopeView } from "../auth/scope";

/** What a browser asked for: whole views or summaries, of some directors or all, within its VIP scope. */
export interface Subscription {
  scope: readonly string[] | null;
  detail: "full" | "summary";
  directors: ReadonlySet<DirectorId> | null;
}

/** True when the subscription covers this director. */
export const wants = (sub: Subscription, id: DirectorId): boolean => sub.directors === null || sub.directors.has(id);

/**
 * Encodes the frames of one push round. Frames shared by many sockets (unscoped, all directors) are
 * serialised and UTF-8 encoded once per round; scoped or filtered subscriptions get their own.
 */
export interface FrameEncoder {
  /** One director's whole view. */
  full(view: DirectorView, sub: Subscription): string | Buffer;
  /** Whole summaries of the subscribed ones among `views`; null when none concern it. */
  summaries(views: readonly DirectorView[], sub: Subscription): string | Buffer | null;
  /** Counters of the subscribed ones among `views`; null when none concern it. */
  counters(views: readonly DirectorView[], sub: Subscription): string | Buffer | null;
}

/** Creates an encoder for one round; its frames carry `serverTime`. */
export function createFrameEncoder(serverTime: number): FrameEncoder {
  const fullText = new Map<DirectorId, Buffer>();
  // Keyed by the list's identity: callers pass the same array to every unscoped overview or wall.
  const shared = { summaries: new WeakMap<readonly DirectorView[], Buffer>(), counters: new WeakMap<readonly DirectorView[], Buffer>() };
  const encode = (frame: HubToUi) => JSON.stringify(frame);

  const perDirector = <T>(
    kind: "summaries" | "counters",
    views: readonly DirectorView[],
    sub: Subscription,
    reduce: (view: DirectorView) => T,
    frame: (items: T[]) => HubToUi,
  ): string | Buffer | null => {
    if (views.length === 0) return null;
    if (sub.scope === null && sub.directors === null) {
      let text = shared[kind].get(views);
      if (text === undefined) {
        text = Buffer.from(encode(frame(views.map(reduce))));
        shared[kind].set(views, text);
      }
      return text;
    }
    const mine = views.filter((v) => wants(sub, v.id)).map((v) => reduce(scopeView(v, sub.scope)));
    return mine.length === 0 ? null : encode(frame(mine));
  };

  return {
    full(view, sub) {
      if (sub.scope !== null) return encode({ type: "director", serverTime, director: scopeView(view, sub.scope) });
      let text = fullText.get(view.id);
      if (text === undefined) {
        text = Buffer.from(encode({ type: "director", serverTime, director: view }));
        fullText.set(view.id, text);
      }
      return text;
    },
    summaries: (views, sub) =>
      perDirector("summaries", views, sub, summarizeDirector, (directors) => ({ type: "summaries", serverTime, directors })),
    counters: (views, sub) => perDirector("counters", views, sub, countDirector, (directors) => ({ type: "counters", serverTime, directors })),
  };
}
