import type { DirectorSnapshot } from "@lvsdeck/protocol";
import type { SeriesRow, StateRow } from "./seriesWrites";

/** Samples and per-state counts waiting to be written, whichever database takes them. */
export interface SeriesBuffer {
  /** Buffers one sample per service and real server of a snapshot (bucketed to the second), and each new per-state count. */
  record(snapshot: DirectorSnapshot): void;
  /** Everything buffered since the last take; the buffer is empty afterwards. */
  take(): { rows: SeriesRow[]; states: StateRow[] };
}

/**
 * A buffer keyed by director, service, real server and second: a later snapshot of the same second
 * replaces the earlier one, so one write never holds a key twice (PostgreSQL refuses that in one upsert).
 */
export function createSeriesBuffer(): SeriesBuffer {
  const pending = new Map<string, SeriesRow>();
  const pendingStates = new Map<string, StateRow>();
  /** The count last recorded per director and service: a count is stored once, not at every snapshot that carries it. */
  const statesRecorded = new Map<string, number>();

  /** A service's per-state counts, once per count: per real server and summed for the service (''). */
  const recordStates = (director: string, service: DirectorSnapshot["services"][number]) => {
    const counted = service.connectionStates;
    if (counted === undefined) return;
    const id = `${director}|${service.key}`;
    if (statesRecorded.get(id) === counted.countedAt) return;
    statesRecorded.set(id, counted.countedAt);
    const t = Math.floor(counted.countedAt / 1000) * 1000;
    const total: Record<string, number> = {};
    for (const rs of service.realServers) {
      for (const [state, n] of Object.entries(rs.states ?? {})) {
        total[state] = (total[state] ?? 0) + n;
        pendingStates.set(`${id}|${rs.key}|${state}|${t}`, [director, service.key, rs.key, state, t, n]);
      }
    }
    for (const [state, n] of Object.entries(total)) pendingStates.set(`${id}||${state}|${t}`, [director, service.key, "", state, t, n]);
  };

  return {
    record(snapshot) {
      const t = Math.floor(snapshot.takenAt / 1000) * 1000;
      for (const service of snapshot.services) {
        recordStates(snapshot.director, service);
        const r = service.rates;
        const active = service.realServers.reduce((n, rs) => n + rs.activeConns, 0);
        const inactive = service.realServers.reduce((n, rs) => n + rs.inactiveConns, 0);
        pending.set(`${snapshot.director}|${service.key}||${t}`, [snapshot.director, service.key, "", t, active, inactive, r.cps, r.inPps, r.outPps, r.inBps, r.outBps]);
        for (const rs of service.realServers) {
          const q = rs.rates;
          pending.set(`${snapshot.director}|${service.key}|${rs.key}|${t}`, [
            snapshot.director, service.key, rs.key, t, rs.activeConns, rs.inactiveConns, q.cps, q.inPps, q.outPps, q.inBps, q.outBps,
          ]);
        }
      }
    },
    take() {
      const taken = { rows: [...pending.values()], states: [...pendingStates.values()] };
      pending.clear();
      pendingStates.clear();
      return taken;
    },
  };
}
