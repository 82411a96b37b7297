import { parseConnectionLine, type ConnectionEntry } from "./parseConnections";

/** Connections of one real server of one service in one state, counted from `/proc/net/ip_vs_conn`. */
export interface StateCount {
  protocol: string;
  /** The service as the connection parser names it: `TCP 198.51.100.1:443`, `FWM 7` for a fwmark template. */
  service: string;
  realServer: string;
  state: string;
  /** A persistence template (client port 0), counted apart from connections. */
  template: boolean;
  count: number;
}

/** What one pass over the table found. */
export interface StateCountResult {
  counts: StateCount[];
  /** Entry lines counted (templates included). */
  entries: number;
  /** Lines that are neither the title nor a readable entry: counted and named, never dropped silently. */
  unreadable: number;
  firstUnreadable: string | null;
}

const SPACE = 0x20;
/** Words in a fast-path key (see `line`). */
const KEY_WORDS = 12;
/** "0000" read as a little-endian word: the client port of a persistence template. */
const PORT_ZERO = 0x30303030;
/** Four newline bytes in a word. */
const NEWLINES = 0x0a0a0a0a;
/** The bytes of a protocol of length 1-4 within the word read at its start. */
const PROTOCOL_MASK = [0, 0xff, 0xffff, 0xffffff, -1];
/** 1 for the bytes of upper-case hex digits, as the kernel prints addresses and ports. */
const HEX = new Uint8Array(256);
for (const c of "0123456789ABCDEF") HEX[c.charCodeAt(0)] = 1;
const NEWLINE = 0x0a;
/** Distinct (protocol, service, real server, state, template) keys the table starts with room for; it grows. */
const INITIAL_SLOTS = 1 << 12;

/**
 * Per-state connection counts per real server from `/proc/net/ip_vs_conn` bytes, without a string per
 * line. IPv4 rows are fixed-width after the protocol (`%-3s %08X %04X %08X %04X %08X %04X %-11s %7u`), so
 * the scanner checks the separators at their places, hashes the bytes of protocol, VIP, vport, destination,
 * dport and state into an open-addressing table, and compares them byte for byte on a hit. Any other row
 * (IPv6, a mixed-family destination, something odd) goes through the full line parser, so every row is
 * either counted or reported as unreadable. Memory holds one slot per distinct key, not per connection.
 */
/** Names the service an entry counts under (the agent folds fwmark traffic into its fwmark service). */
export type ServiceKeyOf = (entry: ConnectionEntry) => string;

export function createProcStateCounter(serviceKeyOf?: ServiceKeyOf) {
  let slots = INITIAL_SLOTS;
  let hashes = new Int32Array(slots);
  /** Connections per slot; 0 marks an empty slot. */
  let counts = new Float64Array(slots);
  let keys = new Int32Array(slots * KEY_WORDS);
  let filled = 0;
  /** Rows the fast path left to the full parser, by their decoded key. */
  const slow = new Map<string, StateCount>();
  let entries = 0;
  let unreadable = 0;
  let firstUnreadable: string | null = null;
  const key = new Int32Array(KEY_WORDS);

  const grow = () => {
    const old = { hashes, counts, keys, slots };
    slots *= 2;
    hashes = new Int32Array(slots);
    counts = new Float64Array(slots);
    keys = new Int32Array(slots * KEY_WORDS);
    for (let i = 0; i < old.slots; i++) {
      if (old.counts[i] === 0) continue;
      let j = old.hashes[i]! & (slots - 1);
      while (counts[j] !== 0) j = (j + 1) & (slots - 1);
      hashes[j] = old.hashes[i]!;
      counts[j] = old.counts[i]!;
      keys.set(old.keys.subarray(i * KEY_WORDS, (i + 1) * KEY_WORDS), j * KEY_WORDS);
    }
  };

  /** Counts the key in `key`. */
  const count = (hash: number) => {
    let j = hash & (slots - 1);
    for (;;) {
      if (counts[j] === 0) {
        hashes[j] = hash;
        counts[j] = 1;
        keys.set(key, j * KEY_WORDS);
        if (++filled * 2 > slots) grow();
        return;
      }
      if (hashes[j] === hash) {
        const base = j * KEY_WORDS;
        let k = 0;
        while (k < KEY_WORDS && keys[base + k] === key[k]) k++;
        if (k === KEY_WORDS) {
          counts[j]! += 1;
          return;
        }
      }
      j = (j + 1) & (slots - 1);
    }
  };

  const slowLine = (bytes: Uint8Array, from: number, to: number) => {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString("latin1");
    if (text.trim() === "") return;
    const parsed = parseConnectionLine(text);
    if (parsed.kind === "header") return;
    if (parsed.kind === "error") {
      unreadable++;
      firstUnreadable ??= text;
      return;
    }
    const name = named(parsed.entry, serviceKeyOf);
    const key = `${name.protocol}|${name.service}|${name.realServer}|${name.state}|${name.template}`;
    const found = slow.get(key);
    entries++;
    if (found) found.count++;
    else slow.set(key, { ...name, count: 1 });
  };

  /**
   * Counts the row `bytes[from, to)` whose protocol is `l` (1-4) bytes long if it has the IPv4 layout:
   * separators at fixed places, the state padded to 11, a space, the expiry; false leaves it to the full
   * parser. `to` may be a guess (where a 7-digit expiry would end the row): every byte before it is
   * checked not to be a newline, so a guess never joins two rows.
   */
  const fastRow = (bytes: Uint8Array, view: DataView, from: number, to: number, l: number): boolean => {
    const at = from + l;
    if (
      to - from !== l + 62 ||
      bytes[at] !== SPACE || bytes[at + 9] !== SPACE || bytes[at + 14] !== SPACE || bytes[at + 23] !== SPACE ||
      bytes[at + 28] !== SPACE || bytes[at + 37] !== SPACE || bytes[at + 42] !== SPACE ||
      bytes[at + 43] === SPACE || bytes[at + 54] !== SPACE
    ) {
      return false;
    }
    // The client (not part of the key) must be hex, or the row is not what it seems.
    const client = at + 1;
    if (
      (HEX[bytes[client]!]! & HEX[bytes[client + 1]!]! & HEX[bytes[client + 2]!]! & HEX[bytes[client + 3]!]! & HEX[bytes[client + 4]!]! & HEX[bytes[client + 5]!]! &
        HEX[bytes[client + 6]!]! & HEX[bytes[client + 7]!]! & HEX[bytes[client + 9]!]! & HEX[bytes[client + 10]!]! & HEX[bytes[client + 11]!]! & HEX[bytes[client + 12]!]!) === 0
    ) {
      return false;
    }
    // The expiry: 7 bytes of digits or padding, no newline (two overlapping words).
    const e1 = view.getInt32(at + 55, true) ^ NEWLINES;
    const e2 = view.getInt32(at + 58, true) ^ NEWLINES;
    if ((((e1 - 0x01010101) & ~e1) | ((e2 - 0x01010101) & ~e2)) & 0x80808080) return false;
    // The key, a word at a time: the protocol (its bytes, length and whether the client port is 0000,
    // a persistence template), VIP..dport with the space after (28 bytes), the padded state and its space (12).
    const template = view.getInt32(at + 10, true) === PORT_ZERO ? 1 : 0;
    key[0] = view.getInt32(from, true) & PROTOCOL_MASK[l]!;
    key[1] = l | (template << 8);
    const fields = at + 15;
    key[2] = view.getInt32(fields, true);
    key[3] = view.getInt32(fields + 4, true);
    key[4] = view.getInt32(fields + 8, true);
    key[5] = view.getInt32(fields + 12, true);
    key[6] = view.getInt32(fields + 16, true);
    key[7] = view.getInt32(fields + 20, true);
    key[8] = view.getInt32(fields + 24, true);
    const state = at + 43;
    key[9] = view.getInt32(state, true);
    key[10] = view.getInt32(state + 4, true);
    key[11] = view.getInt32(state + 8, true);
    // A newline byte anywhere in the key's words (the has-zero-byte test on word ^ "\n\n\n\n").
    let newline = 0;
    let hash = 0x811c9dc5 | 0;
    for (let k = 0; k < KEY_WORDS; k++) {
      const w = key[k]!;
      const x = w ^ NEWLINES;
      newline |= (x - 0x01010101) & ~x;
      hash = Math.imul(hash ^ w, 0x01000193) ^ (hash >>> 15);
    }
    // (Words 0-1, the protocol and its length, never hold a newline byte, so all twelve are tested.)
    if ((newline & 0x80808080) !== 0) return false;
    entries++;
    count(hash);
    return true;
  };

  /** The protocol's length at `from`: up to the first space (at most 5 looked at; 0 for a newline first). */
  const protocolLength = (bytes: Uint8Array, from: number, to: number): number => {
    let l = 0;
    while (l < 5 && from + l < to && bytes[from + l] !== SPACE && bytes[from + l] !== NEWLINE) l++;
    return l;
  };

  /** One line `bytes[from, to)` (no newline), read through `view` (the same bytes). */
  const line = (bytes: Uint8Array, view: DataView, from: number, to: number) => {
    // The title line ("Pro FromIP …"): protocols are upper case, so "Pro " is never one.
    if (bytes[from] === 0x50 && bytes[from + 1] === 0x72 && bytes[from + 2] === 0x6f && bytes[from + 3] === SPACE) return;
    // TCP, UDP, IP (padded to 3), SCTP, ICMP; longer ones (ICMPv6, IP_<n>) take the full parser.
    const l = protocolLength(bytes, from, to);
    if (l === 0 || l > 4 || !fastRow(bytes, view, from, to, l)) slowLine(bytes, from, to);
  };

  return {
    /**
     * Counts the whole lines in `bytes[0, length)`; returns where the unfinished last line starts, for
     * the caller to carry into the next read.
     */
    push(bytes: Uint8Array, length: number): number {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      let start = 0;
      for (;;) {
        // Most rows are IPv4 with a 7-digit expiry: where such a row would end is known, so try there
        // before searching for the newline.
        const l = protocolLength(bytes, start, length);
        const guess = start + l + 62;
        if (l >= 1 && l <= 4 && guess < length && bytes[guess] === NEWLINE && fastRow(bytes, view, start, guess, l)) {
          start = guess + 1;
          continue;
        }
        const end = bytes.indexOf(NEWLINE, start);
        if (end === -1 || end >= length) return start;
        if (end > start) line(bytes, view, start, end);
        start = end + 1;
      }
    },
    /** Counts a last line with no newline after it. */
    end(bytes: Uint8Array, from: number, to: number): void {
      if (to > from) line(bytes, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), from, to);
    },
    result(): StateCountResult {
      const out: StateCount[] = [...slow.values()].map((c) => ({ ...c }));
      const merged = new Map(out.map((c) => [`${c.protocol}|${c.service}|${c.realServer}|${c.state}|${c.template}`, c]));
      let odd = 0;
      for (let j = 0; j < slots; j++) {
        if (counts[j] === 0) continue;
        const decoded = decodeKey(keys.subarray(j * KEY_WORDS, (j + 1) * KEY_WORDS), serviceKeyOf);
        // Spaced like a row but not one (not hex, an unknown state): unreadable, as the full parser says.
        if ("unreadable" in decoded) {
          odd += counts[j]!;
          firstUnreadable ??= decoded.unreadable;
          continue;
        }
        const id = `${decoded.protocol}|${decoded.service}|${decoded.realServer}|${decoded.state}|${decoded.template}`;
        const found = merged.get(id);
        if (found) found.count += counts[j]!;
        else merged.set(id, { ...decoded, count: counts[j]! });
      }
      return { counts: [...merged.values()], entries: entries - odd, unreadable: unreadable + odd, firstUnreadable };
    },
  };
}

/**
 * A fast-path key named the way the full parser names it, by parsing one row rebuilt from it: once per
 * distinct key, so both paths share one set of names.
 */
function decodeKey(words: Int32Array, serviceKeyOf: ServiceKeyOf | undefined): Omit<StateCount, "count"> | { unreadable: string } {
  const bytes = Buffer.from(words.buffer, words.byteOffset, words.byteLength);
  const length = words[1]! & 0xff;
  const template = (words[1]! >> 8) === 1;
  const protocol = bytes.toString("latin1", 0, length);
  const fields = bytes.toString("latin1", 8, 8 + 27);
  const state = bytes.toString("latin1", 36, 36 + 11).trimEnd();
  const row = `${protocol} 00000000 ${template ? "0000" : "0001"} ${fields} ${state} 0`;
  const parsed = parseConnectionLine(row);
  return parsed.kind === "entry" ? named(parsed.entry, serviceKeyOf) : { unreadable: row };
}

function named(e: ConnectionEntry, serviceKeyOf: ServiceKeyOf | undefined): Omit<StateCount, "count"> {
  return { protocol: e.protocol, service: serviceKeyOf?.(e) ?? e.serviceKey, realServer: e.realServerKey, state: e.state, template: e.template };
}

/** Reads up to `length` bytes into `buffer` at `offset`; returns how many, 0 at the end (as `fs.read`). */
export type ReadInto = (buffer: Uint8Array, offset: number, length: number) => number | Promise<number>;

/**
 * Counts a table in `/proc/net/ip_vs_conn`'s format read through `read` in reads of `chunkBytes` (the
 * caller opens the file: `(b, o, l) => readSync(fd, b, o, l, null)`); memory stays flat in the table's size.
 */
export async function countProcStates(read: ReadInto, options: { chunkBytes?: number; serviceKeyOf?: ServiceKeyOf } = {}): Promise<StateCountResult> {
  const counter = createProcStateCounter(options.serviceKeyOf);
  const chunkBytes = options.chunkBytes ?? 1 << 20;
  let buffer = new Uint8Array(chunkBytes);
  let carried = 0;
  for (;;) {
    const got = await read(buffer, carried, buffer.length - carried);
    if (got === 0) break;
    const length = carried + got;
    const rest = counter.push(buffer, length);
    carried = length - rest;
    if (rest === 0 && carried === buffer.length) {
      // One line longer than the buffer: make room rather than cut it.
      const bigger = new Uint8Array(buffer.length * 2);
      bigger.set(buffer);
      buffer = bigger;
    } else buffer.copyWithin(0, rest, length);
  }
  counter.end(buffer, 0, carried);
  return counter.result();
}
