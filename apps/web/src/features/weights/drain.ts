import type { HubEvent, RealServer } from "@lvsdeck/protocol";
import { receivesNewConnections } from "./expectedShare";

/** Where the weights that drains replaced are remembered, so Restore knows what to put back after a reload. */
export const DRAIN_STORAGE_KEY = "lvsdeck.drains.v1";
/** Weight restored when nothing says what it was. */
export const FALLBACK_RESTORE_WEIGHT = 1;

/** What a drain replaced: the weight before, when it began, and how many connections were on the server then. */
export interface DrainRecord {
  weight: number;
  startedAt: number;
  startConns: number;
}
export type DrainMemory = Readonly<Record<string, DrainRecord>>;

export function drainKey(service: string, realServer: string): string {
  return `${service}|${realServer}`;
}

/** Drain progress: how many connections are left and what fraction of the starting count is gone. */
export interface DrainProgress {
  phase: "draining" | "drained";
  left: number;
  /** 0 at the start, 1 when nothing is left. */
  done: number;
}

/** Progress of a real server at weight 0; null when it is not draining (weight above 0). */
export function drainProgress(rs: Pick<RealServer, "weight" | "activeConns" | "inactiveConns">, record: DrainRecord | undefined): DrainProgress | null {
  if (rs.weight !== 0) return null;
  const left = rs.activeConns + rs.inactiveConns;
  const start = Math.max(record?.startConns ?? left, left);
  if (left === 0) return { phase: "drained", left: 0, done: 1 };
  return { phase: "draining", left, done: start === 0 ? 1 : 1 - left / start };
}

/** True when draining this server would leave the service with no server taking new connections. */
export function isLastReceiver(rs: Pick<RealServer, "key">, peers: readonly Pick<RealServer, "key" | "weight" | "health">[]): boolean {
  return !peers.some((p) => p.key !== rs.key && receivesNewConnections(p));
}

/**
 * The weight Restore puts back: the one remembered when this page drained it, else the `from` of the
 * newest weight event that set it to 0, else 1.
 */
export function restoreWeight(service: string, realServer: string, memory: DrainMemory, events: readonly HubEvent[]): number {
  const remembered = memory[drainKey(service, realServer)];
  if (remembered !== undefined && remembered.weight > 0) return remembered.weight;
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]?.event;
    if (e?.kind === "weight" && e.service === service && e.realServer === realServer && e.to === 0 && e.from > 0) return e.from;
  }
  return FALLBACK_RESTORE_WEIGHT;
}

/** Reads remembered drains; anything unreadable is forgotten, never an error. */
export function parseDrainMemory(text: string | null): DrainMemory {
  if (text === null) return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null) return {};
    const memory: Record<string, DrainRecord> = {};
    for (const [key, r] of Object.entries(value as Record<string, unknown>)) {
      const { weight, startedAt, startConns } = (r ?? {}) as Record<string, unknown>;
      if (typeof weight === "number" && typeof startedAt === "number" && typeof startConns === "number") memory[key] = { weight, startedAt, startConns };
    }
    return memory;
  } catch {
    return {};
  }
}
