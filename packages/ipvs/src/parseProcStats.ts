import type { Counters, Rates } from "@lvsdeck/protocol";
import { parseHex } from "./numbers";
import { lineError } from "./parseResult";
import type { ParseError, ParseResult } from "./parseResult";
import { isBlank, splitLines, tokenize } from "./textLines";

/** Director-wide totals and rates from `/proc/net/ip_vs_stats`. */
export interface ProcIpVsStats {
  totals: Counters | null;
  rates: Rates | null;
}

/** `/proc/net/ip_vs_stats_percpu`: one counter row per possible CPU, the sum (`~`), and rates. */
export interface ProcIpVsStatsPercpu extends ProcIpVsStats {
  cpus: Array<{ cpu: number; counters: Counters }>;
}

// Title words of both files; a line made only of these is a header.
const TITLE_WORDS = new Set(["Total", "Incoming", "Outgoing", "Conns", "Packets", "Bytes", "CPU", "Conns/s", "Pkts/s", "Bytes/s"]);

function readHexFive(tokens: readonly string[]): number[] | null {
  if (tokens.length !== 5) return null;
  const values = tokens.map((t) => parseHex(t));
  return values.every((v): v is number => v !== null) ? values : null;
}

const toCounters = ([conns = 0, inPkts = 0, outPkts = 0, inBytes = 0, outBytes = 0]: number[]): Counters => ({ conns, inPkts, outPkts, inBytes, outBytes });
const toRates = ([cps = 0, inPps = 0, outPps = 0, inBps = 0, outBps = 0]: number[]): Rates => ({ cps, inPps, outPps, inBps, outBps });

function parseStatsText(text: string, perCpu: boolean): ParseResult<ProcIpVsStatsPercpu> {
  const errors: ParseError[] = [];
  const value: ProcIpVsStatsPercpu = { totals: null, rates: null, cpus: [] };
  // Rows after the `Conns/s` title are rates; before it, counters.
  let inRates = false;
  for (const { line, text: raw } of splitLines(text)) {
    if (isBlank(raw)) continue;
    const tokens = tokenize(raw);
    if (tokens.every((t) => TITLE_WORDS.has(t))) {
      if (tokens.includes("Conns/s")) inRates = true;
      continue;
    }
    const isSum = tokens[0] === "~";
    const cpu = !inRates && tokens.length === 6 && !isSum ? parseHex(tokens[0], 3) : null;
    const numbers = readHexFive(tokens.length === 6 ? tokens.slice(1) : tokens);
    if (!perCpu && tokens.length === 6) {
      errors.push(lineError(line, raw, "a per-CPU row in /proc/net/ip_vs_stats"));
    } else if (numbers === null || (tokens.length === 6 && !isSum && cpu === null)) {
      errors.push(lineError(line, raw, "expected five hex numbers (after a hex CPU number or '~')"));
    } else if (inRates) {
      value.rates = toRates(numbers);
    } else if (cpu !== null) {
      value.cpus.push({ cpu, counters: toCounters(numbers) });
    } else {
      value.totals = toCounters(numbers);
    }
  }
  return { value, errors };
}

/** Parses `/proc/net/ip_vs_stats_percpu` (every number hex; the CPU column too). */
export function parseProcIpVsStatsPercpu(text: string): ParseResult<ProcIpVsStatsPercpu> {
  return parseStatsText(text, true);
}

/** Parses `/proc/net/ip_vs_stats` (totals row, blank line, rates row; every number hex). */
export function parseProcIpVsStats(text: string): ParseResult<ProcIpVsStats> {
  const { value, errors } = parseStatsText(text, false);
  return { value: { totals: value.totals, rates: value.rates }, errors };
}
