// Pure part of the failover bench: matches each transition to MASTER (stamped on keepalived's FIFO)
// with what the agent, the hub, the browser's socket, its DOM and a poller saw, and sums it up.
import type { DomRecord, ProbeRecords, TransitionEvent } from "./browserProbe";

/** Issue 3: a transition reaches the browser within this, at p95 (ms). */
export const GOAL_P95_MS = 200;

/** One transition to MASTER that the bench caused. */
export interface Transition {
  kind: "takeover" | "preempt";
  director: string;
  /** When the bench sent SIGTERM to the MASTER's keepalived, or started it again. */
  actionAt: number;
  /** When the bench's stamper read `INSTANCE "…" MASTER` from the new MASTER's notify_fifo. */
  stampAt: number;
}

/** What was seen of one transition, in ms after keepalived's FIFO write (null: not seen). */
export interface TransitionFigures {
  kind: Transition["kind"];
  /** From the bench's action to keepalived's MASTER line: VRRP's own part, not the dashboard's. */
  electionMs: number;
  /** How much later the bench's stamper read the line than the agent read its copy (0 when first). */
  stampLateMs: number;
  /** From keepalived's own time of the transition (last_transition in its JSON dump) to the FIFO read. */
  keepalivedToFifoMs: number | null;
  /** The agent read the line from vrrp_notify_fifo (the event's `at`). */
  agentMs: number | null;
  /** The hub received the agent's transition event. */
  hubEventMs: number | null;
  /** The hub received the snapshot delta carrying the new state: what the pages draw from. */
  hubMs: number | null;
  /** The topology page's socket received the director view with the new MASTER. */
  socketMs: number | null;
  topologyMs: number | null;
  wallMs: number | null;
  pollMs: number | null;
}

/** p50 / p95 / max over the values seen, and how many there were. */
export interface Quantiles {
  n: number;
  p50: number | null;
  p95: number | null;
  max: number | null;
}

/** Nearest-rank percentiles, so p95 is a latency that was actually measured. */
export function quantiles(values: readonly (number | null)[]): Quantiles {
  const sorted = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
  return { n: sorted.length, p50: rank(50), p95: rank(95), max: sorted.at(-1) ?? null };
}

const firstShowing = (records: readonly DomRecord[], t: Transition, only: boolean) =>
  records.find((r) => r.at >= t.actionAt && (only ? r.masters === t.director : r.masters.split(",").includes(t.director)))?.at ?? null;

/**
 * Before its action no transition's new MASTER is shown anywhere, so the first record after the action
 * that shows it belongs to it. keepalived writes the line to notify_fifo (the bench's) and then to
 * vrrp_notify_fifo (the agent's); the earlier of the two reads is the best bound on the write itself,
 * should the stamper have waited for a CPU on this busy machine.
 */
export function figuresOf(t: Transition, seen: ProbeRecords, events: readonly TransitionEvent[]): TransitionFigures {
  const event = events.find((e) => e.director === t.director && e.event.kind === "vrrp-transition" && e.event.to === "MASTER" && (e.event.at ?? 0) >= t.actionAt);
  const frame = seen.frames.find((f) => f.id === t.director && f.master && f.at >= t.actionAt);
  const fifoAt = Math.min(t.stampAt, event?.event.at ?? t.stampAt);
  const since = (at: number | null | undefined) => (at === null || at === undefined ? null : at - fifoAt);
  return {
    kind: t.kind,
    electionMs: fifoAt - t.actionAt,
    stampLateMs: t.stampAt - fifoAt,
    keepalivedToFifoMs: event?.event.keepalivedAt === undefined ? null : Math.round(fifoAt - event.event.keepalivedAt),
    agentMs: since(event?.event.at),
    hubEventMs: since(event?.receivedAt),
    hubMs: since(frame?.receivedAt),
    socketMs: since(frame?.at),
    topologyMs: since(firstShowing(seen.topology, t, false)),
    wallMs: since(firstShowing(seen.wall, t, true)),
    pollMs: since(firstShowing(seen.polls, t, false)),
  };
}

/** The bench's result object, less what the runner adds. */
export function summarize(figures: readonly TransitionFigures[]) {
  const of = (key: keyof Omit<TransitionFigures, "kind">, kind?: Transition["kind"]) => quantiles(figures.filter((f) => kind === undefined || f.kind === kind).map((f) => f[key]));
  const topology = of("topologyMs");
  return {
    transitions: figures.length,
    missed: figures.filter((f) => f.topologyMs === null).length,
    latencyMs: topology,
    wallLatencyMs: of("wallMs"),
    byKind: { takeover: of("topologyMs", "takeover"), preempt: of("topologyMs", "preempt") },
    split: { fifoToAgentMs: of("agentMs"), fifoToHubEventMs: of("hubEventMs"), fifoToHubStateMs: of("hubMs"), fifoToSocketMs: of("socketMs") },
    electionMs: { takeover: of("electionMs", "takeover"), preempt: of("electionMs", "preempt") },
    stampLateMs: of("stampLateMs"),
    // keepalived's own time agreeing with the FIFO read confirms the reference the figures count from.
    keepalivedClock: {
      n: figures.filter((f) => f.keepalivedToFifoMs !== null).length,
      maxDifferenceMs: Math.max(0, ...figures.map((f) => Math.abs(f.keepalivedToFifoMs ?? 0))),
    },
    baselinePollMs: of("pollMs"),
    goalP95Ms: GOAL_P95_MS,
    pass: topology.p95 !== null && topology.p95 < GOAL_P95_MS && figures.every((f) => f.topologyMs !== null),
  };
}
