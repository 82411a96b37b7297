import type Database from "better-sqlite3";
import type { DirectorSnapshot, SeriesPoint, SeriesResolution } from "@lvsdeck/protocol";

/** How long each tier keeps its samples, and its bucket width; configurable per hub. */
export interface SeriesRetention {
  /** 1 s samples kept this long (ms). Default one hour. */
  raw: number;
  /** 10 s averages kept this long (ms). Default one day. */
  tenSeconds: number;
  /** 1 min averages kept this long (ms). Default 30 days. */
  minute: number;
}

/** Default retention: 1 s for an hour, 10 s for a day, 1 min for 30 days. */
export const DEFAULT_RETENTION: SeriesRetention = { raw: 3_600_000, tenSeconds: 86_400_000, minute: 30 * 86_400_000 };

const TIERS = [
  { resolution: "1s", table: "samples_1s", widthMs: 1_000 },
  { resolution: "10s", table: "samples_10s", widthMs: 10_000 },
  { resolution: "1m", table: "samples_60s", widthMs: 60_000 },
] as const;

/** A query for one series; no realServer means the virtual service's own series. */
export interface SeriesQuery {
  service: string;
  realServer?: string;
  director?: string;
  from: number;
  to: number;
  /** The clock the retention is measured against. */
  now: number;
}

/** Time series of connections and rates per virtual service and real server, in tiers. */
export interface SeriesStore {
  /** Buffers one sample per service and real server of a snapshot (bucketed to the second). */
  record(snapshot: DirectorSnapshot): void;
  /** Writes buffered samples in one transaction; then downsamples closed buckets and prunes. */
  flush(now: number): void;
  query(q: SeriesQuery): { resolution: SeriesResolution; points: SeriesPoint[] };
}

type Row = [string, string, string, number, number, number, number, number, number, number, number];

/** Picks the finest tier whose retention still covers the start of the range and keeps the point count sane. */
export function pickResolution(from: number, to: number, now: number, retention: SeriesRetention): SeriesResolution {
  const span = to - from;
  if (span <= retention.raw && now - from <= retention.raw) return "1s";
  if (span <= retention.tenSeconds && now - from <= retention.tenSeconds) return "10s";
  return "1m";
}

/** Creates the store on an open, migrated database. */
export function createSeriesStore(db: Database.Database, retention: SeriesRetention = DEFAULT_RETENTION): SeriesStore {
  const pending = new Map<string, Row>();
  const insertRaw = db.prepare(`INSERT OR REPLACE INTO samples_1s VALUES (?,?,?,?,?,?,?,?,?,?,?)`);
  const rollup = (from: (typeof TIERS)[number], into: (typeof TIERS)[number]) =>
    db.prepare(
      `INSERT OR REPLACE INTO ${into.table}
       SELECT director, service, real_server, (t / ${into.widthMs}) * ${into.widthMs} AS bucket,
              AVG(active), AVG(inactive), AVG(cps), AVG(in_pps), AVG(out_pps), AVG(in_bps), AVG(out_bps)
       FROM ${from.table} WHERE t >= @start AND t < @end GROUP BY director, service, real_server, bucket`,
    );
  const rollups = [rollup(TIERS[0], TIERS[1]), rollup(TIERS[1], TIERS[2])];
  const prunes = TIERS.map((tier) => db.prepare(`DELETE FROM ${tier.table} WHERE t < ?`));
  const keep = [retention.raw, retention.tenSeconds, retention.minute];
  const rolledUpTo = [0, 0];

  const flushTx = db.transaction((rows: Row[], now: number) => {
    for (const row of rows) insertRaw.run(...row);
    for (const [i, statement] of rollups.entries()) {
      const width = TIERS[i + 1]!.widthMs;
      // Roll up only closed buckets, and re-roll the last one in case late samples arrived.
      const end = Math.floor(now / width) * width;
      const start = rolledUpTo[i] === 0 ? end - width * 2 : rolledUpTo[i]! - width;
      if (end > start) statement.run({ start, end });
      rolledUpTo[i] = end;
    }
    prunes.forEach((statement, i) => statement.run(now - keep[i]!));
  });

  return {
    record(snapshot) {
      const t = Math.floor(snapshot.takenAt / 1000) * 1000;
      for (const service of snapshot.services) {
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
    flush(now) {
      const rows = [...pending.values()];
      pending.clear();
      flushTx(rows, now);
    },
    query(q) {
      const resolution = pickResolution(q.from, q.to, q.now, retention);
      const tier = TIERS.find((t) => t.resolution === resolution)!;
      // Summing across directors follows traffic through failovers: only the MASTER carries connections.
      const rows = db
        .prepare(
          `SELECT t, SUM(active) a, SUM(inactive) i, SUM(cps) c, SUM(in_pps) ip, SUM(out_pps) op, SUM(in_bps) ib, SUM(out_bps) ob
           FROM ${tier.table} WHERE service = @service AND real_server = @rs AND t >= @from AND t <= @to
           ${q.director ? "AND director = @director" : ""} GROUP BY t ORDER BY t`,
        )
        .all({ service: q.service, rs: q.realServer ?? "", from: q.from, to: q.to, ...(q.director && { director: q.director }) }) as {
        t: number; a: number; i: number; c: number; ip: number; op: number; ib: number; ob: number;
      }[];
      return {
        resolution,
        points: rows.map((r) => ({ t: r.t, active: r.a, inactive: r.i, cps: r.c, inPps: r.ip, outPps: r.op, inBps: r.ib, outBps: r.ob })),
      };
    },
  };
}
