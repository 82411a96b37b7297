import type { SeriesPoint } from "@lvsdeck/protocol";
import { SERIES_CARRY_STEPS } from "@lvsdeck/protocol";
import type { TIERS } from "./seriesWrites";
import type { SeriesAnswer, StatesPoint } from "./seriesStore";

// Stored rows turned into the answers GET /api/series and /api/states give, the same from either database.

/** The columns a DirectorRow is read from, in either database. */
export const DIRECTOR_ROW_COLUMNS = "director d, t, active a, inactive i, cps c, in_pps ip, out_pps op, in_bps ib, out_bps ob";

/** One stored per-state count, as queryStates reads it. */
export interface StateCountRow {
  t: number;
  state: string;
  n: number;
}

/** A tier's rows, ordered by time, as a series answer. */
export function answerOf(rows: readonly DirectorRow[], tier: (typeof TIERS)[number]): SeriesAnswer {
  return { resolution: tier.resolution, points: sumDirectors(rows, tier.widthMs), directors: splitDirectors(rows) };
}

/** Per-state counts ordered by time, one point per moment. */
export function statesPointsOf(rows: readonly StateCountRow[]): StatesPoint[] {
  const points: StatesPoint[] = [];
  for (const row of rows) {
    const last = points.at(-1);
    const point = last?.t === row.t ? last : { t: row.t, states: {} };
    if (point !== last) points.push(point);
    point.states[row.state] = row.n;
  }
  return points;
}

/** One director's sample at one moment, as both databases read it for a series. */
export interface DirectorRow {
  d: string;
  t: number;
  a: number;
  i: number;
  c: number;
  ip: number;
  op: number;
  ib: number;
  ob: number;
}

/** A director's sample counts for a moment with none of its own this many steps later (a tick that fell into the next second). */
export const CARRY_STEPS = SERIES_CARRY_STEPS;

/** Each director's own samples, directors in name order: what a per-director chart draws. */
export function splitDirectors(rows: readonly DirectorRow[]): { director: string; points: SeriesPoint[] }[] {
  const by = new Map<string, SeriesPoint[]>();
  for (const r of rows) {
    const points = by.get(r.d) ?? [];
    points.push({ t: r.t, active: r.a, inactive: r.i, cps: r.c, inPps: r.ip, outPps: r.op, inBps: r.ib, outBps: r.ob });
    by.set(r.d, points);
  }
  return [...by.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([director, points]) => ({ director, points }));
}

/**
 * The service's points summed over directors, which follows traffic through failovers (only the
 * MASTER carries connections). A moment where a director that reported just before has no sample of
 * its own (its tick landed in the neighbouring second) carries that director's previous sample
 * forward, up to CARRY_STEPS steps; summing without it drew the other director's zeros as an outage.
 * A moment with no sample from anyone is not returned at all: a gap (an agent or the hub was away),
 * which charts draw as a break, never as zero.
 */
export function sumDirectors(rows: readonly DirectorRow[], stepMs: number): SeriesPoint[] {
  const last = new Map<string, DirectorRow>();
  const points: SeriesPoint[] = [];
  let i = 0;
  while (i < rows.length) {
    const t = rows[i]!.t;
    for (; i < rows.length && rows[i]!.t === t; i++) last.set(rows[i]!.d, rows[i]!);
    const point: SeriesPoint = { t, active: 0, inactive: 0, cps: 0, inPps: 0, outPps: 0, inBps: 0, outBps: 0 };
    for (const [director, r] of last) {
      if (t - r.t > CARRY_STEPS * stepMs) {
        last.delete(director);
        continue;
      }
      point.active += r.a;
      point.inactive += r.i;
      point.cps += r.c;
      point.inPps += r.ip;
      point.outPps += r.op;
      point.inBps += r.ib;
      point.outBps += r.ob;
    }
    points.push(point);
  }
  return points;
}
