import type { AgentEvent, AgentEventFrame } from "@lvsdeck/protocol";

/** Numbers events per agent and keeps them until the hub acknowledges them. */
export interface EventBuffer {
  /** Queues an event; returns its frame when it can be sent now (numbering has started). */
  push(event: AgentEvent, observedAt: number): AgentEventFrame | null;
  /**
   * The hub's welcome: the director's highest stored seq and, from hubs that key events on the agent's
   * run, this run's (`runLastSeq`). Returns the frames to (re)send, in order.
   */
  welcome(lastSeq: number, runLastSeq?: number): AgentEventFrame[];
  /** Forgets events up to and including `seq`. */
  ack(seq: number): void;
  /** Events not yet acknowledged. */
  size(): number;
  /** Events dropped because the buffer was full. */
  dropped(): number;
}

interface Entry {
  seq: number | null;
  observedAt: number;
  event: AgentEvent;
}

/**
 * Creates a bounded buffer. Numbering starts at the first welcome (from the hub's last stored seq + 1),
 * so an agent that restarts continues its director's sequence instead of colliding with stored events.
 */
export function createEventBuffer(capacity: number): EventBuffer {
  const entries: Entry[] = [];
  let nextSeq: number | null = null;
  let dropped = 0;

  const frame = (e: Entry): AgentEventFrame => ({ type: "event", seq: e.seq ?? -1, observedAt: e.observedAt, event: e.event });

  return {
    push(event, observedAt) {
      if (entries.length >= capacity) {
        entries.shift();
        dropped++;
      }
      const entry: Entry = { seq: nextSeq === null ? null : nextSeq++, observedAt, event };
      entries.push(entry);
      return entry.seq === null ? null : frame(entry);
    },
    welcome(lastSeq, runLastSeq) {
      if (nextSeq !== null && runLastSeq !== undefined) {
        // The hub knows this run: it has what the run numbered up to runLastSeq. Its numbers stay, even
        // if another run of this director went further meanwhile: (director, run, seq) tells them apart.
        while (entries.length > 0 && (entries[0]!.seq ?? Infinity) <= runLastSeq) entries.shift();
        return entries.map(frame);
      }
      if (nextSeq === null || lastSeq >= nextSeq) {
        // First contact, or the hub knows a newer sequence for this director than we do: continue after it.
        nextSeq = lastSeq + 1;
        for (const entry of entries) if (entry.seq === null || entry.seq <= lastSeq) entry.seq = nextSeq++;
      } else {
        while (entries.length > 0 && (entries[0]!.seq ?? Infinity) <= lastSeq) entries.shift();
      }
      return entries.map(frame);
    },
    ack(seq) {
      while (entries.length > 0 && entries[0]!.seq !== null && entries[0]!.seq <= seq) entries.shift();
    },
    size: () => entries.length,
    dropped: () => dropped,
  };
}
