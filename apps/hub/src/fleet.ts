import type { AgentHello, DirectorId, DirectorSnapshot, DirectorView } from "@lvsdeck/protocol";
import { isStaleAt } from "@lvsdeck/cluster";

interface DirectorEntry {
  view: DirectorView;
}

/** Why a director's view changed, so listeners can tell data from presence. */
export type FleetChange = "data" | "presence" | "staleness";

/** The hub's live model of every director it has heard from. */
export interface Fleet {
  connect(hello: AgentHello, now: number): void;
  disconnect(director: DirectorId, now: number): void;
  applySnapshot(snapshot: DirectorSnapshot, now: number): void;
  /** Marks a director as sending bad data: a frame was refused or corrected, and why. */
  noteBadData(director: DirectorId, reason: string, now: number): void;
  /** Re-evaluates staleness; returns directors whose stale flag flipped. */
  sweep(now: number): DirectorId[];
  get(director: DirectorId): DirectorView | undefined;
  list(): DirectorView[];
  onChange(listener: (view: DirectorView, change: FleetChange) => void): void;
}

/** Creates an empty fleet. */
export function createFleet(): Fleet {
  const entries = new Map<DirectorId, DirectorEntry>();
  const listeners: ((view: DirectorView, change: FleetChange) => void)[] = [];
  const emit = (view: DirectorView, change: FleetChange) => listeners.forEach((l) => l(view, change));

  const update = (director: DirectorId, patch: Partial<DirectorView>, now: number, change: FleetChange) => {
    const entry = entries.get(director);
    if (!entry) return;
    const next = { ...entry.view, ...patch };
    next.stale = isStaleAt(next, now);
    entry.view = next;
    emit(next, change);
  };

  return {
    connect(hello, now) {
      const agent = {
        version: hello.agentVersion,
        sources: hello.sources,
        capabilities: hello.capabilities,
        weightMode: hello.weightMode,
        tickMs: hello.tickMs,
      };
      if (!entries.has(hello.director)) {
        entries.set(hello.director, {
          view: { id: hello.director, connected: true, receivedAt: null, stale: true, agent, snapshot: null },
        });
      }
      // A new connection starts with a clean record: what the previous one sent was judged then.
      update(hello.director, { connected: true, agent, badData: null }, now, "presence");
    },
    disconnect(director, now) {
      update(director, { connected: false }, now, "presence");
    },
    applySnapshot(snapshot, now) {
      update(snapshot.director, { snapshot, receivedAt: now }, now, "data");
    },
    noteBadData(director, reason, now) {
      const previous = entries.get(director)?.view.badData;
      update(director, { badData: { count: (previous?.count ?? 0) + 1, lastReason: reason.slice(0, 500), lastAt: now } }, now, "presence");
    },
    sweep(now) {
      const flipped: DirectorId[] = [];
      for (const [id, entry] of entries) {
        if (isStaleAt(entry.view, now) !== entry.view.stale) {
          flipped.push(id);
          update(id, {}, now, "staleness");
        }
      }
      return flipped;
    },
    get: (director) => entries.get(director)?.view,
    list: () => [...entries.values()].map((e) => e.view).sort((a, b) => a.id.localeCompare(b.id)),
    onChange: (listener) => void listeners.push(listener),
  };
}
