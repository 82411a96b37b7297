import { MAX_WEIGHT, isKnownScheduler, zeroCounters, zeroRates } from "@lvsdeck/protocol";
import type { Health, RealServer, VirtualService, WeightMode, WeightSource } from "@lvsdeck/protocol";
import type { IpvsadmList, IpvsadmPersistentConn, IpvsadmThresholds } from "./ipvsTypes";
import type { IpvsadmRates, IpvsadmStats } from "./parseStats";

/** The listings one poll gathered; only `-Ln` is required. */
export interface IpvsTables {
  list: IpvsadmList;
  stats?: IpvsadmStats;
  rates?: IpvsadmRates;
  thresholds?: IpvsadmThresholds;
  persistentConn?: IpvsadmPersistentConn;
}

/** Values the listings cannot know; the caller overrides them from health checks and its own config. */
export interface MergeDefaults {
  health?: Health;
  weightSource?: WeightSource;
  weightMode?: WeightMode;
}

/** Something the merge noticed: a service or real server missing from one listing, an unusable value. */
export interface MergeIssue {
  serviceKey: string;
  realServerKey: string | null;
  message: string;
}

interface Supplement<S, D> {
  services: Array<S & { key: string; realServers: Array<D & { key: string }> }>;
}

/** Indexes a supplementary listing by service key, then real-server key. */
function indexTable<S, D>(table: Supplement<S, D> | undefined): Map<string, { service: S; realServers: Map<string, D> }> | null {
  if (table === undefined) return null;
  return new Map(table.services.map((s) => [s.key, { service: s, realServers: new Map(s.realServers.map((d) => [d.key, d])) }]));
}

/**
 * Combines `-Ln` with the optional `--stats --exact`, `--rate --exact`, `--thresholds` and
 * `--persistent-conn` listings into protocol virtual services. `-Ln` decides which services and
 * real servers exist; the listings are separate commands, so a row missing from one is reported.
 */
export function mergeIpvsTables(tables: IpvsTables, defaults: MergeDefaults = {}): { value: VirtualService[]; errors: MergeIssue[] } {
  const errors: MergeIssue[] = [];
  const issue = (serviceKey: string, realServerKey: string | null, message: string): void => void errors.push({ serviceKey, realServerKey, message });
  const supplements = {
    "--stats": indexTable(tables.stats),
    "--rate": indexTable(tables.rates),
    "--thresholds": indexTable(tables.thresholds),
    "--persistent-conn": indexTable(tables.persistentConn),
  };
  const look = <T>(name: keyof typeof supplements, index: Map<string, { service: unknown; realServers: Map<string, T> }> | null, serviceKey: string, realServerKey: string | null) => {
    if (index === null) return undefined;
    const service = index.get(serviceKey);
    const found = realServerKey === null ? service?.service : service?.realServers.get(realServerKey);
    if (found === undefined) issue(serviceKey, realServerKey, `missing from ${name} (changed between the listings?)`);
    return found as T | undefined;
  };
  const value: VirtualService[] = [];
  for (const s of tables.list.services) {
    // A scheduler the code does not know (e.g. a newer kernel's) is carried as printed; the service stays.
    if (!isKnownScheduler(s.scheduler)) issue(s.key, null, `scheduler '${s.scheduler}' is not one whose behaviour is known; carried as-is`);
    const stats = look("--stats", supplements["--stats"], s.key, null);
    const rates = look("--rate", supplements["--rate"], s.key, null);
    if (stats?.approximate === true) issue(s.key, null, "--stats was read without --exact; counters are truncated");
    const realServers = s.realServers.map((d): RealServer => {
      if (d.weight > MAX_WEIGHT) issue(s.key, d.key, `weight ${d.weight} is above ${MAX_WEIGHT}, which no kernel holds`);
      const dStats = look("--stats", supplements["--stats"], s.key, d.key);
      const dRates = look("--rate", supplements["--rate"], s.key, d.key);
      const thresholds = look("--thresholds", supplements["--thresholds"], s.key, d.key);
      const persistent = look("--persistent-conn", supplements["--persistent-conn"], s.key, d.key);
      return {
        key: d.key,
        address: d.address,
        port: d.port,
        forwarding: d.forwarding,
        weight: d.weight,
        upperThreshold: thresholds?.upperThreshold ?? 0,
        lowerThreshold: thresholds?.lowerThreshold ?? 0,
        activeConns: d.activeConns,
        inactiveConns: d.inactiveConns,
        persistConns: persistent?.persistConns ?? 0,
        stats: dStats?.values ?? zeroCounters,
        rates: dRates?.values ?? zeroRates,
        health: defaults.health ?? "unknown",
        weightSource: defaults.weightSource ?? "config",
        weightMode: defaults.weightMode ?? "runtime",
      };
    });
    value.push({
      key: s.key,
      family: s.family,
      protocol: s.protocol,
      address: s.address,
      port: s.port,
      fwmark: s.fwmark,
      scheduler: s.scheduler,
      schedulerFlags: s.schedulerFlags,
      persistence: s.persistence,
      onePacket: s.onePacket,
      pe: s.pe,
      stats: stats?.values ?? zeroCounters,
      rates: rates?.values ?? zeroRates,
      realServers,
    });
  }
  const listed = new Set(tables.list.services.map((s) => s.key as string));
  for (const [name, index] of Object.entries(supplements)) {
    for (const key of index?.keys() ?? []) if (!listed.has(key)) issue(key, null, `in ${name} but not in -Ln (changed between the listings?)`);
  }
  return { value, errors };
}
