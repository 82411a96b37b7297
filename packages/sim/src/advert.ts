/** A VRRP advertisement as the simulated directors exchange it (one JSON UDP datagram). */
export interface VrrpAdvert {
  director: string;
  vrid: number;
  priority: number;
  advertIntervalMs: number;
  vips: string[];
}

/** Largest datagram worth decoding; a real advert with a dozen VIPs is a few hundred bytes. */
export const MAX_ADVERT_BYTES = 8192;

/** Encodes an advert as the JSON text of one datagram. */
export function encodeAdvert(a: VrrpAdvert): string {
  return JSON.stringify({ director: a.director, vrid: a.vrid, priority: a.priority, advertIntervalMs: a.advertIntervalMs, vips: a.vips });
}

const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;

/** A datagram's JSON object, or null for anything too long, not JSON or not an object. */
function datagramObject(text: string): Record<string, unknown> | null {
  if (typeof text !== "string" || text.length > MAX_ADVERT_BYTES) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  return typeof raw === "object" && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : null;
}

/** Decodes a datagram into an advert; anything malformed (or foreign) yields null, never an exception. */
export function decodeAdvert(text: string): VrrpAdvert | null {
  const o = datagramObject(text);
  if (o === null) return null;
  const { director, vrid, priority, advertIntervalMs, vips } = o;
  if (typeof director !== "string" || director.length === 0 || director.length > 63) return null;
  if (!isInt(vrid, 1, 255) || !isInt(priority, 0, 255) || !isInt(advertIntervalMs, 1, 3_600_000)) return null;
  if (!Array.isArray(vips) || vips.length > 64 || !vips.every((v) => typeof v === "string" && v.length <= 45)) return null;
  return { director, vrid, priority, advertIntervalMs, vips: [...(vips as string[])] };
}

/**
 * What a simulated master sync daemon multicasts each second: how many of its connections it has synced
 * (the kernel syncs a connection past its packet threshold, and again on its closing states; not a half-open one). A real daemon
 * sends the entries themselves; the simulated BACKUP needs only their number.
 */
export interface SyncMessage {
  sync: true;
  director: string;
  syncId: number;
  entries: number;
}

/** Encodes a sync message as the JSON text of one datagram. */
export function encodeSync(m: SyncMessage): string {
  return JSON.stringify({ sync: true, director: m.director, syncId: m.syncId, entries: m.entries });
}

/** Decodes a sync message datagram; anything else yields null, never an exception. */
export function decodeSync(text: string): SyncMessage | null {
  const o = datagramObject(text);
  if (o === null) return null;
  const { sync, director, syncId, entries } = o;
  if (sync !== true || typeof director !== "string" || director.length === 0 || director.length > 63) return null;
  if (!isInt(syncId, 0, 255) || !isInt(entries, 0, 100_000_000)) return null;
  return { sync: true, director, syncId, entries };
}
