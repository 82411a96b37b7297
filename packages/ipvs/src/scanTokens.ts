// Character-level readers for the connection fast path. They look at a range of a line without
// copying it, and each answers "not this" with -1 so the caller can hand the line to the full parser.

const SPACE = 32;
const ZERO = 48;
const NINE = 57;
const COLON = 58;
const DOT = 46;

/** Most tokens a connection line has: /proc with PE name and data. */
export const MAX_TOKENS = 11;

/**
 * Finds the space-separated tokens of `text[from, to)` and writes their [start, end) pairs into
 * `bounds`; returns how many there are, or -1 past MAX_TOKENS. Only spaces separate here, so a tab or
 * other odd character stays inside a token, where the strict reader of that column rejects it (and
 * `isPlainToken` for free-form columns), and the full tokenizer decides the line.
 */
export function splitTokens(text: string, from: number, to: number, bounds: Int32Array): number {
  let count = 0;
  let i = from;
  for (;;) {
    while (i < to && text.charCodeAt(i) === SPACE) i++;
    if (i >= to) return count;
    if (count === MAX_TOKENS) return -1;
    const space = text.indexOf(" ", i);
    const end = space < 0 || space > to ? to : space;
    bounds[2 * count] = i;
    bounds[2 * count + 1] = end;
    count++;
    i = end;
  }
}

/** True when `text[start, end)` is printable ASCII only, so no tokenizer would split it. */
export function isPlainToken(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 33 || c > 126) return false;
  }
  return true;
}

/** The value of `text[start, end)` as 1..maxDigits decimal digits, or -1. */
export function readDecimal(text: string, start: number, end: number, maxDigits: number): number {
  if (end <= start || end - start > maxDigits) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < ZERO || c > NINE) return -1;
    value = value * 10 + (c - ZERO);
  }
  return value;
}

/** The value of `text[start, end)` as exactly `digits` hex digits (at most 8), or -1. */
export function readHex(text: string, start: number, end: number, digits: number): number {
  if (end - start !== digits) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    const d = c >= ZERO && c <= NINE ? c - ZERO : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (d < 0) return -1;
    value = value * 16 + d;
  }
  return value;
}

/** Reads `mm:ss` as ipvsadm prints expiry (1-7 digit minutes, seconds 00-59) into seconds, or -1. */
export function readClock(text: string, start: number, end: number): number {
  const colon = end - 3;
  if (colon <= start || text.charCodeAt(colon) !== COLON) return -1;
  const tens = text.charCodeAt(colon + 1) - ZERO;
  const units = text.charCodeAt(colon + 2) - ZERO;
  if (tens < 0 || tens > 5 || units < 0 || units > 9) return -1;
  const minutes = readDecimal(text, start, colon, 7);
  return minutes < 0 ? -1 : minutes * 60 + tens * 10 + units;
}

/**
 * Reads a dotted-quad IPv4 address without leading zeros (what `isIpv4` accepts) starting at `start`
 * and returns the index just after it, or -1.
 */
export function ipv4End(text: string, start: number, end: number): number {
  let i = start;
  for (let octet = 0; octet < 4; octet++) {
    if (octet > 0) {
      if (i >= end || text.charCodeAt(i) !== DOT) return -1;
      i++;
    }
    const first = i;
    let value = 0;
    while (i < end && i - first < 3) {
      const c = text.charCodeAt(i);
      if (c < ZERO || c > NINE) break;
      value = value * 10 + (c - ZERO);
      i++;
    }
    if (i === first || value > 255 || (i - first > 1 && text.charCodeAt(first) === ZERO)) return -1;
  }
  return i;
}

/** True when `text[start, end)` is /proc's IPv6 form: 8 groups of exactly 4 hex digits. */
export function isProcIpv6(text: string, start: number, end: number): boolean {
  if (end - start !== 39) return false;
  for (let g = 0; g < 8; g++) {
    const at = start + g * 5;
    if (readHex(text, at, at + 4, 4) < 0 || (g < 7 && text.charCodeAt(at + 4) !== COLON)) return false;
  }
  return true;
}

/** Equal to the token `word` at `text[start, end)`. */
export function tokenIs(text: string, start: number, end: number, word: string): boolean {
  return end - start === word.length && text.startsWith(word, start);
}
