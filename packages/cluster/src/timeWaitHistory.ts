import type { DirectorView } from "@lvsdeck/protocol";
import { liveServices } from "./groups";
import { isFresh } from "./staleness";

/** TIME_WAIT entries per (director, service, real server) as counted at one moment (hub clock, ms). */
export interface TimeWaitSample {
  at: number;
  /** By {@link timeWaitKey}; only real servers whose states were counted. */
  counts: ReadonlyMap<string, number>;
}

/** Names one real server of one service on one director in a {@link TimeWaitSample}. */
export const timeWaitKey = (director: string, service: string, realServer: string) => `${director}|${service}|${realServer}`;

/** The TIME_WAIT counts of every fresh director's live services at `at`; servers never counted are left out. */
export function sampleTimeWait(directors: readonly DirectorView[], at: number): TimeWaitSample {
  const counts = new Map<string, number>();
  for (const view of directors) {
    if (!isFresh(view)) continue;
    for (const service of liveServices(view)) {
      for (const rs of service.realServers) {
        if (rs.states === undefined) continue;
        counts.set(timeWaitKey(view.id, service.key, rs.key), rs.states["TIME_WAIT"] ?? 0);
      }
    }
  }
  return { at, counts };
}

/**
 * The samples the growth half of time-wait-pileup compares against: one taken every `windowMs / 6` at
 * most, kept until a newer one is itself `windowMs` old. `earlier(now)` is the newest sample at least
 * `windowMs` old, so the growth it gives spans between one window and one window and a sixth.
 */
export interface TimeWaitHistory {
  /** Takes a sample if the last one is a sixth of the window old (cheap to call on every evaluation). */
  note(directors: readonly DirectorView[], now: number): void;
  /** The newest sample at least one window before `now`; undefined until there is one. */
  earlier(now: number): TimeWaitSample | undefined;
}

export function createTimeWaitHistory(windowMs: number): TimeWaitHistory {
  let samples: TimeWaitSample[] = [];
  const step = windowMs / 6;
  const earlier = (now: number) => samples.findLast((s) => now - s.at >= windowMs);
  return {
    note(directors, now) {
      const last = samples.at(-1);
      if (last !== undefined && now - last.at < step && now >= last.at) return;
      // A clock that went back starts the history over rather than compare across the jump.
      if (last !== undefined && now < last.at) samples = [];
      samples.push(sampleTimeWait(directors, now));
      const base = earlier(now);
      if (base !== undefined) samples = samples.filter((s) => s.at >= base.at);
    },
    earlier,
  };
}
