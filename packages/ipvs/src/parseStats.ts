import type { Counters, Rates } from "@lvsdeck/protocol";
import type { IpvsadmTable, RealServerId, ServiceId } from "./ipvsTypes";
import { parseIpvsTable } from "./ipvsadmTable";
import { parseLargeNumber } from "./numbers";
import type { ParseResult } from "./parseResult";
import { parseRealServerId, parseServiceId } from "./parseServiceLine";
import type { Outcome } from "./parseServiceLine";

/** A row's five numbers; `approximate` is set when ipvsadm printed any of them with a K/M/G/T suffix. */
export interface StatsColumns<V> {
  values: V;
  approximate: boolean;
}

/** `ipvsadm -Ln --stats [--exact]`: cumulative counters per service and real server. */
export type IpvsadmStats = IpvsadmTable<ServiceId & StatsColumns<Counters>, RealServerId & StatsColumns<Counters>>;

/** `ipvsadm -Ln --rate [--exact]`: estimator rates per service and real server. */
export type IpvsadmRates = IpvsadmTable<ServiceId & StatsColumns<Rates>, RealServerId & StatsColumns<Rates>>;

function readFive<V>(tokens: readonly string[], names: readonly (keyof V & string)[], titles: readonly string[]): Outcome<StatsColumns<V>> {
  if (tokens.length !== 5) return { ok: false, message: `expected 5 numbers (${titles.join(", ")}), found ${tokens.length}` };
  const values: Record<string, number> = {};
  let approximate = false;
  for (const [i, name] of names.entries()) {
    const parsed = parseLargeNumber(tokens[i]);
    if (parsed === null) return { ok: false, message: `${titles[i] ?? name} '${tokens[i] ?? ""}' is not a number` };
    values[name] = parsed.value;
    approximate ||= parsed.approximate;
  }
  return { ok: true, value: { values: values as V, approximate } };
}

function statsSpec<V>(name: string, titles: readonly string[], fields: readonly (keyof V & string)[]) {
  return {
    name,
    serviceTitle: `Prot LocalAddress:Port ${titles.join(" ")}`,
    realServerTitle: "-> RemoteAddress:Port",
    parseService(tokens: string[]): Outcome<ServiceId & StatsColumns<V>> {
      // In these modes the service line carries only the service name, no scheduler or flags.
      const id = parseServiceId(tokens);
      if (!id.ok) return id;
      const numbers = readFive<V>(id.value.rest, fields, titles);
      return numbers.ok ? { ok: true, value: { ...id.value.id, ...numbers.value } } : numbers;
    },
    parseRealServer(tokens: string[]): Outcome<RealServerId & StatsColumns<V>> {
      const id = parseRealServerId(tokens[0]);
      if (!id.ok) return id;
      const numbers = readFive<V>(tokens.slice(1), fields, titles);
      return numbers.ok ? { ok: true, value: { ...id.value, ...numbers.value } } : numbers;
    },
  };
}

/** Parses `ipvsadm -Ln --stats`, with or without `--exact` (K/M/G/T are ×1000 and truncated). */
export function parseIpvsadmStats(text: string): ParseResult<IpvsadmStats> {
  return parseIpvsTable(
    text,
    statsSpec<Counters>("ipvsadm -Ln --stats", ["Conns", "InPkts", "OutPkts", "InBytes", "OutBytes"], ["conns", "inPkts", "outPkts", "inBytes", "outBytes"]),
  );
}

/** Parses `ipvsadm -Ln --rate`, with or without `--exact`. */
export function parseIpvsadmRate(text: string): ParseResult<IpvsadmRates> {
  return parseIpvsTable(
    text,
    statsSpec<Rates>("ipvsadm -Ln --rate", ["CPS", "InPPS", "OutPPS", "InBPS", "OutBPS"], ["cps", "inPps", "outPps", "inBps", "outBps"]),
  );
}
