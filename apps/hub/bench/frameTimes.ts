// How the fake browsers read the times of a frame other than an event: its serverTime and the takenAt of
// each director in it, found in the frame's bytes without decoding or parsing it. They sample one in
// BENCH_BROWSER_SAMPLE of these frames (walls' counters and summaries, full views), tens of kilobytes
// each; JSON.parse of them was a quarter of the browsers' thread's busy time in a CPU profile of a pinned
// run, and that thread's own delays are part of the hub -> browser figure. The hub's work is the same
// either way; a frame of another type, or laid out otherwise, is parsed whole.

/** What the fake browsers take from a frame for the tick latencies: its serverTime and its directors' takenAt. */
export interface FrameTimes {
  /** The frame's serverTime, or null when it has none (or is a hello, whose clock sample is not a push). */
  serverTime: number | null;
  /** The takenAt of each director's snapshot in the frame, those that have one. */
  takenAt: number[];
}

/** The fields of a parsed frame the times come from. */
export interface TimedFrame {
  type: string;
  serverTime?: number;
  director?: { snapshot: { takenAt: number } | null };
  directors?: { takenAt: number | null }[];
}

/** The times of a parsed frame: the rule readFrameTimes follows on bytes. */
export function timesOf(frame: TimedFrame): FrameTimes {
  const takenAt: number[] = [];
  if (frame.director?.snapshot) takenAt.push(frame.director.snapshot.takenAt);
  for (const d of frame.directors ?? []) if (d.takenAt !== null) takenAt.push(d.takenAt);
  return { serverTime: frame.serverTime !== undefined && frame.type !== "hello" ? frame.serverTime : null, takenAt };
}

const TAKEN_AT = Buffer.from('"takenAt":');
const SNAPSHOT = Buffer.from('"snapshot":');
const SERVER_TIME = Buffer.from('"serverTime":');
const ZERO = 0x30;
const NINE = 0x39;

/**
 * The JSON number (or null) at `at`: undefined when there is none. Whole numbers are read digit by digit;
 * others (a fraction, an exponent, a sign) go through Number.
 */
function numberAt(buf: Buffer, at: number): number | null | undefined {
  if (buf[at] === 0x6e) return buf.toString("latin1", at, at + 4) === "null" ? null : undefined;
  let end = at;
  let whole = 0;
  let plain = true;
  for (; end < buf.length; end++) {
    const c = buf[end]!;
    if (c >= ZERO && c <= NINE) whole = whole * 10 + (c - ZERO);
    else if (c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45) plain = false;
    else break;
  }
  if (end === at) return undefined;
  if (plain) return whole;
  const value = Number(buf.toString("latin1", at, end));
  return Number.isNaN(value) ? undefined : value;
}

/**
 * The times of a frame as the hub writes it (`{"type":"…","serverTime":…` first), from its bytes, for the
 * types that carry them: `counters` and `summaries` (each director's takenAt; no field nested in them
 * has that name), `director` (its snapshot's, the first takenAt after `"snapshot":`), `health` and
 * `health-changes` (none), `alert-changes` (neither). Null for any other type or layout: the caller
 * parses the frame whole. A `"takenAt":` can only be a key: inside a JSON string its quotes are escaped.
 */
export function readFrameTimes(payload: Buffer, type: string): FrameTimes | null {
  const prefix = `{"type":"${type}",`;
  if (payload.length < prefix.length || payload.toString("latin1", 0, prefix.length) !== prefix) return null;
  if (type === "alert-changes") return { serverTime: null, takenAt: [] };
  if (type !== "counters" && type !== "summaries" && type !== "director" && type !== "health" && type !== "health-changes") return null;
  if (payload.compare(SERVER_TIME, 0, SERVER_TIME.length, prefix.length, prefix.length + SERVER_TIME.length) !== 0) return null;
  const serverTime = numberAt(payload, prefix.length + SERVER_TIME.length);
  if (serverTime === undefined || serverTime === null) return null;
  const takenAt: number[] = [];
  if (type === "director") {
    const snapshot = payload.indexOf(SNAPSHOT, prefix.length);
    if (snapshot < 0) return null;
    if (payload[snapshot + SNAPSHOT.length] !== 0x7b) return { serverTime, takenAt };
    const at = payload.indexOf(TAKEN_AT, snapshot);
    const value = at < 0 ? undefined : numberAt(payload, at + TAKEN_AT.length);
    if (value === undefined || value === null) return null;
    takenAt.push(value);
  } else if (type === "counters" || type === "summaries") {
    for (let at = payload.indexOf(TAKEN_AT, prefix.length); at >= 0; at = payload.indexOf(TAKEN_AT, at + TAKEN_AT.length)) {
      // A key's quote follows `{` or `,`; anything else is not laid out as the hub writes it.
      if (payload[at - 1] !== 0x2c && payload[at - 1] !== 0x7b) return null;
      const value = numberAt(payload, at + TAKEN_AT.length);
      if (value === undefined) return null;
      if (value !== null) takenAt.push(value);
    }
  }
  return { serverTime, takenAt };
}
