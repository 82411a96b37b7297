import type { DirectorSnapshot } from "@lvsdeck/protocol";
import type { SeriesRow, StateRow } from "./seriesWrites";

/** Numbers per packed sample: slot, t, then the seven measures in SeriesRow's order. */
export const PACKED_WIDTH = 9;

/**
 * What one writer has been told of the buffer's slot table (the director, service and real server each
 * slot stands for), so each take sends it only the slots it has not seen.
 */
export interface SlotCursor {
  epoch: number;
  known: number;
}

/** Samples as numbers only, for a writer that keeps the slot table (see SlotCursor). */
export interface PackedSamples {
  /** The writer's slot table starts again from slot 0 (the buffer's table was rebuilt). */
  resetSlots: boolean;
  /** Slots the writer has not seen, in slot order: director, service, real server ('' for the service), three strings per slot. */
  newSlots: string[];
  /**
   * PACKED_WIDTH numbers per sample, in slices of at most the rows asked for; each slice's buffer can be
   * transferred to a worker without a copy.
   */
  slices: Float64Array<ArrayBuffer>[];
  /** The virtual services the samples belong to. */
  services: string[];
}

/** Samples and per-state counts waiting to be written, whichever database takes them. */
export interface SeriesBuffer {
  /** Buffers one sample per service and real server of a snapshot (bucketed to the second), and each new per-state count. */
  record(snapshot: DirectorSnapshot): void;
  /** Everything buffered since the last take, one row per key; the buffer is empty afterwards. */
  take(): { rows: SeriesRow[]; states: StateRow[] };
  /** The same as numbers, `rowsPerSlice` samples a slice, for a writer whose knowledge of the slot table `cursor` holds (and is moved on). */
  takePacked(cursor: SlotCursor, rowsPerSlice: number, spare?: () => ArrayBuffer | undefined): { samples: PackedSamples; states: StateRow[] };
}

/** Samples per slice when they are read back as rows. */
const SLICE_FOR_ROWS = 1_000;
/** Slots kept before the table is rebuilt: far above any fleet's real servers, so only churn reaches it. */
const MAX_SLOTS = 1_000_000;

/**
 * A buffer of samples as numbers in one growing Float64Array, each naming its director, service and real
 * server by a slot number. At 200 directors x 100 real servers that is 20,000 samples a second: as rows of
 * strings and numbers (an array and a map key each) they lived a second, long enough to be copied by
 * every young-generation collection in between, and were copied once more to reach the writer thread.
 * A later snapshot of the same second replaces the earlier one, so one take never holds a key twice
 * (PostgreSQL refuses that in one upsert).
 */
export function createSeriesBuffer(): SeriesBuffer {
  const pendingStates = new Map<string, StateRow>();
  /** The count last recorded per director and service: a count is stored once, not at every snapshot that carries it. */
  const statesRecorded = new Map<string, number>();

  // The slot table: director -> service -> real server ('' for the service) -> slot, and the slots' names.
  let epoch = 0;
  let slotOf = new Map<string, Map<string, Map<string, number>>>();
  let names: string[] = [];
  let slotCount = 0;
  /** Per slot: the t of its last sample in this take and that sample's row, or -1. */
  let lastT = new Float64Array(1024);
  let lastRow = new Int32Array(1024).fill(-1);
  let samples = new Float64Array(PACKED_WIDTH * 4096);
  let rows = 0;
  const services = new Set<string>();

  const slot = (director: string, service: string, realServer: string): number => {
    let byService = slotOf.get(director);
    if (byService === undefined) slotOf.set(director, (byService = new Map()));
    let byServer = byService.get(service);
    if (byServer === undefined) byService.set(service, (byServer = new Map()));
    let s = byServer.get(realServer);
    if (s === undefined) {
      s = slotCount++;
      byServer.set(realServer, s);
      names.push(director, service, realServer);
      if (s >= lastRow.length) {
        const t = new Float64Array(lastRow.length * 2);
        t.set(lastT);
        lastT = t;
        const r = new Int32Array(lastRow.length * 2).fill(-1);
        r.set(lastRow);
        lastRow = r;
      }
    }
    return s;
  };

  const put = (s: number, t: number, active: number, inactive: number, r: DirectorSnapshot["services"][number]["rates"]) => {
    let row = lastRow[s]!;
    // Snapshots come in time order: a repeat of a second is the slot's last sample, and replaces it.
    if (row < 0 || lastT[s] !== t) {
      row = rows++;
      if (rows * PACKED_WIDTH > samples.length) {
        const grown = new Float64Array(samples.length * 2);
        grown.set(samples);
        samples = grown;
      }
      lastRow[s] = row;
      lastT[s] = t;
    }
    const o = row * PACKED_WIDTH;
    samples[o] = s;
    samples[o + 1] = t;
    samples[o + 2] = active;
    samples[o + 3] = inactive;
    samples[o + 4] = r.cps;
    samples[o + 5] = r.inPps;
    samples[o + 6] = r.outPps;
    samples[o + 7] = r.inBps;
    samples[o + 8] = r.outBps;
  };

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

  /**
   * Empties the buffer (its samples cut into slices of `rowsPerSlice`, in `spare` buffers where it has
   * them), and rebuilds the slot table once churn has grown it past MAX_SLOTS.
   */
  const drain = (rowsPerSlice: number, spare: () => ArrayBuffer | undefined = () => undefined) => {
    const slices: Float64Array<ArrayBuffer>[] = [];
    for (let row = 0; row < rows; row += rowsPerSlice) {
      const from = row * PACKED_WIDTH;
      const to = Math.min(rows, row + rowsPerSlice) * PACKED_WIDTH;
      // A spare buffer (one a writer is done with) when it is large enough, else a new one.
      const reused = spare();
      if (reused === undefined || reused.byteLength < (to - from) * 8) slices.push(samples.slice(from, to));
      else {
        const slice = new Float64Array(reused, 0, to - from);
        slice.set(samples.subarray(from, to));
        slices.push(slice);
      }
    }
    const taken = { slices, states: [...pendingStates.values()], services: [...services] };
    pendingStates.clear();
    services.clear();
    lastRow.fill(-1, 0, slotCount);
    rows = 0;
    if (slotCount > MAX_SLOTS) {
      epoch++;
      slotOf = new Map();
      names = [];
      slotCount = 0;
    }
    return taken;
  };

  return {
    record(snapshot) {
      const t = Math.floor(snapshot.takenAt / 1000) * 1000;
      const director = snapshot.director;
      for (const service of snapshot.services) {
        recordStates(director, service);
        services.add(service.key);
        let active = 0;
        let inactive = 0;
        for (const rs of service.realServers) {
          active += rs.activeConns;
          inactive += rs.inactiveConns;
          put(slot(director, service.key, rs.key), t, rs.activeConns, rs.inactiveConns, rs.rates);
        }
        put(slot(director, service.key, ""), t, active, inactive, service.rates);
      }
    },
    take() {
      const names0 = names;
      const { slices, states } = drain(SLICE_FOR_ROWS);
      const out: SeriesRow[] = [];
      // A snapshot older than the slot's last one (a clock set back) left a second key in the take: the later sample wins.
      const seen = new Map<string, number>();
      for (const taken of slices) for (let o = 0; o < taken.length; o += PACKED_WIDTH) {
        const s = taken[o]! * 3;
        const row: SeriesRow = [names0[s]!, names0[s + 1]!, names0[s + 2]!, taken[o + 1]!, taken[o + 2]!, taken[o + 3]!, taken[o + 4]!, taken[o + 5]!, taken[o + 6]!, taken[o + 7]!, taken[o + 8]!];
        const key = `${taken[o]}|${taken[o + 1]}`;
        const at = seen.get(key);
        if (at === undefined) seen.set(key, out.push(row) - 1);
        else out[at] = row;
      }
      return { rows: out, states };
    },
    takePacked(cursor, rowsPerSlice, spare) {
      const resetSlots = cursor.epoch !== epoch;
      const known = resetSlots ? 0 : cursor.known;
      const newSlots = names.slice(known * 3, slotCount * 3);
      cursor.epoch = epoch;
      cursor.known = slotCount;
      const taken = drain(rowsPerSlice, spare);
      if (cursor.epoch !== epoch) {
        // The table was rebuilt just now: the writer learns the new one from slot 0 on the next take.
        cursor.epoch = -1;
      }
      return { samples: { resetSlots, newSlots, slices: taken.slices, services: taken.services }, states: taken.states };
    },
  };
}
