import { parseConnectionLine, type ConnectionEntry } from "./parseConnections";
import { PROC_SCAN_WASM } from "./procScanWasm";

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
const NEWLINE = 0x0a;
/** Words in a fast-path key: the protocol, its length and template flag, VIP..dport (7), the state (3). */
const KEY_WORDS = 12;
/** Bytes of one counting slot in the scanner's memory: hash, count, the key's words, padding. */
const SLOT_BYTES = 64;
/** Where the bytes being counted start in the scanner's memory (below them: which bytes are hex digits). */
const INPUT_BASE = 256;
/** Distinct (protocol, service, real server, state, template) keys the table starts with room for; it grows. */
const INITIAL_SLOTS = 1 << 12;
const PAGE_BYTES = 65536;

/** A WebAssembly memory and a mutable global, as far as the counter uses them. */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmGlobal {
  value: number;
}
/** What wasm/procScan.wat exports (see there for what `scan` does). */
interface ScanExports {
  memory: WasmMemory;
  scan(pos: number, end: number): number;
  tableBase: WasmGlobal;
  mask: WasmGlobal;
  filled: WasmGlobal;
  entries: WasmGlobal;
  stopAt: WasmGlobal;
}
/**
 * Node's WebAssembly global, typed here: the node types this repository builds against do not declare
 * it, and the DOM library (which does) is not the packages' to pull in.
 */
const { WebAssembly: wasmApi } = globalThis as unknown as {
  WebAssembly: { Module: new (bytes: Uint8Array) => object; Instance: new (module: object, imports: object) => { exports: unknown } };
};

let compiled: object | undefined;
/** The scanner's module, compiled once per process (1.6 KB). */
const scanModule = () => (compiled ??= new wasmApi.Module(Buffer.from(PROC_SCAN_WASM, "base64")));

/** Names the service an entry counts under (the agent folds fwmark traffic into its fwmark service). */
export type ServiceKeyOf = (entry: ConnectionEntry) => string;

/**
 * Per-state connection counts per real server from `/proc/net/ip_vs_conn` bytes, without a string per
 * line. IPv4 rows are fixed-width after the protocol (`%-3s %08X %04X %08X %04X %08X %04X %-11s %7u`):
 * a WebAssembly scanner (wasm/procScan.wat) checks the separators at their places, hashes the bytes of
 * protocol, VIP, vport, destination, dport and state into an open-addressing table in its own memory,
 * and compares them word for word on a hit. It stops at any other row (IPv6, a mixed-family destination,
 * something odd), which goes through the full line parser here, so every row is either counted or
 * reported as unreadable. Memory holds the table's bytes being read and one slot per distinct key, not
 * per connection. Rows are read zero-copy from {@link input}'s view; other bytes are copied in first.
 */
export function createProcStateCounter(serviceKeyOf?: ServiceKeyOf) {
  const wasm = new wasmApi.Instance(scanModule(), {}).exports as ScanExports;
  let inputBytes = 0;
  let slots = INITIAL_SLOTS;
  /** Rows the fast path left to the full parser, by their decoded key. */
  const slow = new Map<string, StateCount>();
  let slowEntries = 0;
  let unreadable = 0;
  let firstUnreadable: string | null = null;

  const tableBase = () => wasm.tableBase.value;
  const ensureMemory = (bytes: number) => {
    const have = wasm.memory.buffer.byteLength;
    if (bytes > have) wasm.memory.grow(Math.ceil((bytes - have) / PAGE_BYTES));
  };
  /** Places the table after an input region of `bytes`, keeping its slots. */
  const layOut = (bytes: number) => {
    const saved = inputBytes === 0 ? null : new Uint8Array(wasm.memory.buffer, tableBase(), slots * SLOT_BYTES).slice();
    inputBytes = bytes;
    const base = Math.ceil((INPUT_BASE + bytes) / SLOT_BYTES) * SLOT_BYTES;
    ensureMemory(base + slots * SLOT_BYTES);
    const table = new Uint8Array(wasm.memory.buffer, base, slots * SLOT_BYTES);
    if (saved === null) table.fill(0);
    else table.set(saved);
    wasm.tableBase.value = base;
    wasm.mask.value = slots - 1;
  };
  /** Doubles the table when the scanner has filled half of it, re-placing every key. */
  const growTable = () => {
    const old = new Int32Array(wasm.memory.buffer, tableBase(), (slots * SLOT_BYTES) / 4).slice();
    const oldSlots = slots;
    slots *= 2;
    ensureMemory(tableBase() + slots * SLOT_BYTES);
    const words = SLOT_BYTES / 4;
    const table = new Int32Array(wasm.memory.buffer, tableBase(), (slots * SLOT_BYTES) / 4);
    table.fill(0);
    for (let i = 0; i < oldSlots; i++) {
      if (old[i * words + 1] === 0) continue;
      let j = old[i * words]! & (slots - 1);
      while (table[j * words + 1] !== 0) j = (j + 1) & (slots - 1);
      table.set(old.subarray(i * words, (i + 1) * words), j * words);
    }
    wasm.mask.value = slots - 1;
  };
  layOut(1 << 12);

  /** A view of the counter's own input region, at least `bytes` long, its contents kept. */
  const input = (bytes: number): Uint8Array => {
    if (bytes > inputBytes) layOut(bytes);
    return new Uint8Array(wasm.memory.buffer, INPUT_BASE, inputBytes);
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
    slowEntries++;
    if (found) found.count++;
    else slow.set(key, { ...name, count: 1 });
  };

  /** One line `bytes[from, to)` (no newline) the scanner did not take. */
  const line = (bytes: Uint8Array, from: number, to: number) => {
    // The title line ("Pro FromIP …"): protocols are upper case, so "Pro " is never one.
    if (bytes[from] === 0x50 && bytes[from + 1] === 0x72 && bytes[from + 2] === 0x6f && bytes[from + 3] === SPACE) return;
    slowLine(bytes, from, to);
  };

  return {
    /**
     * The counter's own buffer, at least `bytes` long (grown with its contents kept): bytes read into it
     * are counted where they lie. A later `push` or `input` may move it: ask again after each.
     */
    input,
    /**
     * Counts the whole lines in `bytes[0, length)`; returns where the unfinished last line starts, for
     * the caller to carry into the next read.
     */
    push(bytes: Uint8Array, length: number): number {
      const own = bytes.buffer === wasm.memory.buffer && bytes.byteOffset === INPUT_BASE;
      if (!own) input(length).set(bytes.subarray(0, length));
      let start = 0;
      for (;;) {
        const grown = wasm.scan(INPUT_BASE + start, INPUT_BASE + length);
        start = wasm.stopAt.value - INPUT_BASE;
        if (grown === 1) {
          growTable();
          continue;
        }
        const view = input(length);
        const end = view.indexOf(NEWLINE, start);
        if (end === -1 || end >= length) return start;
        if (end > start) line(view, start, end);
        start = end + 1;
      }
    },
    /** Counts a last line with no newline after it. */
    end(bytes: Uint8Array, from: number, to: number): void {
      if (to > from) line(bytes, from, to);
    },
    result(): StateCountResult {
      const out: StateCount[] = [...slow.values()].map((c) => ({ ...c }));
      const merged = new Map(out.map((c) => [`${c.protocol}|${c.service}|${c.realServer}|${c.state}|${c.template}`, c]));
      let odd = 0;
      const words = SLOT_BYTES / 4;
      const table = new Int32Array(wasm.memory.buffer, tableBase(), slots * words);
      for (let j = 0; j < slots; j++) {
        const count = table[j * words + 1]!;
        if (count === 0) continue;
        const decoded = decodeKey(table.subarray(j * words + 2, j * words + 2 + KEY_WORDS), serviceKeyOf);
        // Spaced like a row but not one (not hex, an unknown state): unreadable, as the full parser says.
        if ("unreadable" in decoded) {
          odd += count;
          firstUnreadable ??= decoded.unreadable;
          continue;
        }
        const id = `${decoded.protocol}|${decoded.service}|${decoded.realServer}|${decoded.state}|${decoded.template}`;
        const found = merged.get(id);
        if (found) found.count += count;
        else merged.set(id, { ...decoded, count });
      }
      const entries = wasm.entries.value + slowEntries;
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
  let capacity = options.chunkBytes ?? 1 << 20;
  let carried = 0;
  for (;;) {
    const got = await read(counter.input(capacity), carried, capacity - carried);
    if (got === 0) break;
    const length = carried + got;
    const rest = counter.push(counter.input(capacity), length);
    carried = length - rest;
    // One line longer than the buffer: make room rather than cut it (input keeps what is there).
    if (rest === 0 && carried === capacity) capacity *= 2;
    else counter.input(capacity).copyWithin(0, rest, length);
  }
  counter.end(counter.input(capacity), 0, carried);
  return counter.result();
}
