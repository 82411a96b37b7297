import { queryOptions } from "@tanstack/react-query";
import type { ParseOutcome } from "@lvsdeck/protocol";
import { getJson } from "./http";

/** While anything is drained, progress is re-read this often (connections leave by the second). */
export const DRAINS_REFRESH_MS = 2_000;

/** What is left on a drained real server on one director. */
export interface DrainDirector {
  director: string;
  weight: number;
  activeConns: number;
  inactiveConns: number;
  /** Persistence templates still pinning clients to it. */
  persistConns: number;
  stale: boolean;
}

/** A drain the hub remembers: the weight Restore puts back and, per director, what is left. */
export interface Drain {
  service: string;
  realServer: string;
  previousWeight: number;
  directors: DrainDirector[];
}

export const drainKeys = { all: ["drains"] as const };

const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

function parseDirector(value: unknown): DrainDirector | null {
  if (typeof value !== "object" || value === null) return null;
  const d = value as Record<string, unknown>;
  if (typeof d.director !== "string" || !isNum(d.weight) || !isNum(d.activeConns) || !isNum(d.inactiveConns) || !isNum(d.persistConns)) return null;
  return { director: d.director, weight: d.weight, activeConns: d.activeConns, inactiveConns: d.inactiveConns, persistConns: d.persistConns, stale: d.stale === true };
}

/** Narrows `GET /api/drains` by hand: @lvsdeck/protocol has no schema for it. */
export function parseDrainsResponse(body: unknown): ParseOutcome<Drain[]> {
  const list = typeof body === "object" && body !== null ? (body as Record<string, unknown>).drains : undefined;
  if (!Array.isArray(list)) return { ok: false, error: "drains: expected an array" };
  const drains: Drain[] = [];
  for (const [i, value] of list.entries()) {
    const d = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
    const directors = Array.isArray(d.directors) ? d.directors.map(parseDirector) : null;
    if (typeof d.service !== "string" || typeof d.realServer !== "string" || !isNum(d.previousWeight) || directors === null || directors.includes(null)) {
      return { ok: false, error: `drains.${i}: expected service, realServer, previousWeight and directors` };
    }
    drains.push({ service: d.service, realServer: d.realServer, previousWeight: d.previousWeight, directors: directors as DrainDirector[] });
  }
  return { ok: true, value: drains };
}

/** Drains in progress, from the hub (shared by every operator, unlike a browser's memory). */
export const drainsQuery = () =>
  queryOptions({
    queryKey: drainKeys.all,
    queryFn: ({ signal }) => getJson("/api/drains", parseDrainsResponse, signal),
    refetchInterval: (query) => ((query.state.data?.length ?? 0) > 0 ? DRAINS_REFRESH_MS : DRAINS_REFRESH_MS * 5),
  });
