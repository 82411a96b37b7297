/** Parses a plain unsigned decimal integer, or null if it is anything else or above `max`. */
export function parseUint(text: string | undefined, max = Number.MAX_SAFE_INTEGER): number | null {
  if (text === undefined || !/^\d{1,16}$/.test(text)) return null;
  const value = Number(text);
  return value <= max ? value : null;
}

/** Parses an unsigned hexadecimal integer as /proc prints it, or null. */
export function parseHex(text: string | undefined, maxDigits = 16): number | null {
  if (text === undefined || text.length === 0 || text.length > maxDigits || !/^[0-9A-Fa-f]+$/.test(text)) return null;
  // Above 2^53 precision is lost, but counters that large do not occur in practice.
  return parseInt(text, 16);
}

const SUFFIX_MULTIPLIER = { K: 1e3, M: 1e6, G: 1e9, T: 1e12 } as const;

/** A counter as ipvsadm prints it without `--exact`, with `approximate` set when a suffix truncated it. */
export interface LargeNumber {
  value: number;
  approximate: boolean;
}

/**
 * Parses ipvsadm's `print_largenum` output: K/M/G/T are powers of 1000 and the printed value is
 * truncated, so a suffixed number is a lower bound (the true value is below value + one unit).
 */
export function parseLargeNumber(text: string | undefined): LargeNumber | null {
  const match = text === undefined ? null : /^(\d{1,16})([KMGT])?$/.exec(text);
  if (match === null) return null;
  const digits = Number(match[1]);
  const suffix = match[2] as keyof typeof SUFFIX_MULTIPLIER | undefined;
  return suffix === undefined ? { value: digits, approximate: false } : { value: digits * SUFFIX_MULTIPLIER[suffix], approximate: true };
}
