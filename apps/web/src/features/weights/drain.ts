import type { Drain, DrainDirector, HubEvent, RealServer } from "@lvsdeck/protocol";

/** Weight restored when nothing says what it was. */
export const FALLBACK_RESTORE_WEIGHT = 1;

/** Drain progress: how many connections are left and what fraction of the starting count is gone. */
export interface DrainProgress {
  phase: "draining" | "drained";
  /** Active and inactive connections still on the server. */
  left: number;
  /** Persistence templates still pinning clients to it (they expire on their own). */
  templates: number;
  /** 0 at the start, 1 when nothing is left. */
  done: number;
}

/** What is left on one director: the hub's drain report for it, or the live table when the hub has none. */
export type DrainCounts = Pick<DrainDirector, "weight" | "activeConns" | "inactiveConns" | "persistConns">;

/**
 * Progress of a real server at weight 0 against the most connections seen since its drain began;
 * null when it is not draining (weight above 0).
 */
export function drainProgress(counts: DrainCounts, startConns: number): DrainProgress | null {
  if (counts.weight !== 0) return null;
  const left = counts.activeConns + counts.inactiveConns;
  const start = Math.max(startConns, left);
  if (left === 0) return { phase: "drained", left: 0, templates: counts.persistConns, done: 1 };
  return { phase: "draining", left, templates: counts.persistConns, done: start === 0 ? 1 : 1 - left / start };
}

/** The hub's drain of this real server, if it remembers one. */
export function findDrain(drains: readonly Drain[] | undefined, service: string, realServer: string): Drain | undefined {
  return drains?.find((d) => d.service === service && d.realServer === realServer);
}

/** What a row's drain progress counts: the hub's report for the shown director, else its live table. */
export function drainCounts(drain: Drain | undefined, director: string, rs: Pick<RealServer, "weight" | "activeConns" | "inactiveConns" | "persistConns">): DrainCounts {
  return drain?.directors.find((d) => d.director === director) ?? rs;
}

/**
 * Where Restore goes: the weight the hub remembers from its drain (restored by `POST /api/restore`), or for a
 * server at 0 the hub has no drain of (set elsewhere), the `from` of the newest event that set it to 0, else 1.
 */
export function restoreTarget(drain: Drain | undefined, service: string, realServer: string, events: readonly HubEvent[]): { weight: number; hubDrain: boolean } {
  if (drain !== undefined && drain.previousWeight > 0) return { weight: drain.previousWeight, hubDrain: true };
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]?.event;
    if (e?.kind === "weight" && e.service === service && e.realServer === realServer && e.to === 0 && e.from > 0) return { weight: e.from, hubDrain: false };
  }
  return { weight: FALLBACK_RESTORE_WEIGHT, hubDrain: false };
}

/** What a drain of a persistent service is waiting for, and what would end it sooner. */
export interface PersistentDrainAdvice {
  /** Why it is not done: returning clients, or templates still to expire. */
  why: string;
  /** When it can finish at the earliest, in words. */
  estimate: string;
  /** The option operators use, with the exact command. */
  option: string;
}

/** The kernel switch that expires a weight-0 server's persistence templates on their next use. */
export const EXPIRE_QUIESCENT_COMMAND = "sysctl -w net.ipv4.vs.expire_quiescent_template=1";

/**
 * For a server at weight 0 in a service with persistence: IPVS keeps sending a returning client to the
 * server its template names until the template expires, `timeoutSec` after that client's last
 * connection, so new connections still arriving (`returningCps`) are returning clients and the drain
 * cannot end while they keep coming. Null when the service has no persistence or nothing is left.
 */
export function persistentDrainAdvice(input: { timeoutSec: number | null; templates: number; returningCps: number; left: number; now: number; directors: readonly string[]; clock: (ms: number) => string }): PersistentDrainAdvice | null {
  const { timeoutSec, templates, returningCps, left } = input;
  if (timeoutSec === null || (templates === 0 && returningCps === 0) || (left === 0 && templates === 0)) return null;
  const on = input.directors.length === 0 ? "" : ` on ${input.directors.join(", ")}`;
  const option = `To send returning clients elsewhere now: ${EXPIRE_QUIESCENT_COMMAND}${on} (the kernel then drops a template that points at a weight-0 server when its client returns; those clients move to other servers).`;
  if (returningCps > 0) {
    return {
      why: `${returningCps < 10 ? returningCps.toFixed(1) : Math.round(returningCps)} new conn/s still arrive through ${templates} persistence template${templates === 1 ? "" : "s"}: returning clients keep being sent here.`,
      estimate: `It can finish ${timeoutSec} s after returning clients stop (each template lives ${timeoutSec} s past its client's last connection), then once open connections close.`,
      option,
    };
  }
  return {
    why: `No client has returned in the last interval; ${templates} persistence template${templates === 1 ? "" : "s"} still pin clients here.`,
    estimate: `Templates expire by ${input.clock(input.now + timeoutSec * 1000)} at the latest if no client returns; then only open connections remain.`,
    option,
  };
}
