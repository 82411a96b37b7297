import type { AgentEvent, AgentHello, DirectorSnapshot } from "@lvsdeck/protocol";

/**
 * What one agent may send. An agent's token vouches for its director only; these bounds keep one
 * agent, buggy or hostile, from costing the hub (and every browser) more than a large real director
 * does, and from speaking for time it does not have. A frame past a bound is refused with the reason,
 * counted, and the director is marked as sending bad data.
 */
export const AGENT_BOUNDS = {
  /** Virtual services on one director (large real sites run a few hundred). */
  maxServices: 2_000,
  /** Real servers on one director, over all its services. */
  maxRealServers: 50_000,
  /** Shortest and longest report interval an agent may announce; staleness is judged in ticks. */
  minTickMs: 100,
  maxTickMs: 60_000,
  /** How far ahead of the hub's clock a snapshot or event time may be (clock skew between machines). */
  maxClockAheadMs: 5 * 60_000,
  /** Longest text kept from one event field; longer text is cut, with its length said. */
  maxEventText: 1_000,
} as const;

/** A time for a message: ISO when it is one, the raw number otherwise. */
function timeText(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

/** Why a hello is refused, or null. */
export function helloProblem(hello: AgentHello): string | null {
  const { minTickMs, maxTickMs } = AGENT_BOUNDS;
  if (hello.tickMs < minTickMs || hello.tickMs > maxTickMs) return `tickMs ${hello.tickMs} is outside ${minTickMs}-${maxTickMs} ms`;
  return null;
}

/** Why a snapshot (as sent, or as a delta leaves it) is refused, or null. */
export function snapshotProblem(snapshot: DirectorSnapshot, now: number): string | null {
  const { maxServices, maxRealServers, maxClockAheadMs } = AGENT_BOUNDS;
  if (!Number.isFinite(snapshot.takenAt) || snapshot.takenAt <= 0) return `takenAt ${snapshot.takenAt} is not a time`;
  if (snapshot.takenAt > now + maxClockAheadMs) return `takenAt ${timeText(snapshot.takenAt)} is ${Math.round((snapshot.takenAt - now) / 1000)} s ahead of the hub's clock`;
  if (snapshot.services.length > maxServices) return `${snapshot.services.length} services, more than the ${maxServices} one director may report`;
  const realServers = snapshot.services.reduce((n, s) => n + s.realServers.length, 0);
  if (realServers > maxRealServers) return `${realServers} real servers, more than the ${maxRealServers} one director may report`;
  return null;
}

/** An event as the hub will store it: its time clamped to the receive time, long texts cut; with what was changed. */
export function boundEvent(event: AgentEvent, receivedAt: number): { event: AgentEvent; problems: string[] } {
  const problems: string[] = [];
  let bounded: AgentEvent = event;
  if (!Number.isFinite(event.at) || event.at > receivedAt + AGENT_BOUNDS.maxClockAheadMs) {
    problems.push(`event time ${timeText(event.at)} is ahead of the hub's clock; stored at the time it arrived`);
    bounded = { ...bounded, at: receivedAt };
  }
  if (bounded.kind === "vrrp-transition" && bounded.keepalivedAt !== undefined && bounded.keepalivedAt > receivedAt + AGENT_BOUNDS.maxClockAheadMs) {
    problems.push("keepalived's transition time is ahead of the hub's clock; left out");
    const { keepalivedAt: _dropped, ...rest } = bounded;
    bounded = rest;
  }
  if (bounded.kind === "vrrp-transition" && bounded.cause !== undefined) {
    // The cause is the hub's reading of every director's evidence; one agent may not write it.
    problems.push("a transition's cause is the hub's to decide; the agent's was left out");
    const { cause: _dropped, ...rest } = bounded;
    bounded = rest;
  }
  const cut: Record<string, string> = {};
  for (const [field, value] of Object.entries(bounded)) {
    if (typeof value === "string" && value.length > AGENT_BOUNDS.maxEventText) {
      cut[field] = `${value.slice(0, AGENT_BOUNDS.maxEventText)}… (cut from ${value.length} characters)`;
      problems.push(`event ${field} of ${value.length} characters cut to ${AGENT_BOUNDS.maxEventText}`);
    }
  }
  if (Object.keys(cut).length > 0) bounded = { ...bounded, ...cut } as AgentEvent;
  return { event: bounded, problems };
}
