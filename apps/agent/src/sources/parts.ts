import type { StateCountResult, SyncOriginCount } from "@lvsdeck/ipvs";
import type { ConnectionEntry, ConnectionSummary, ProcIpVsStats } from "@lvsdeck/ipvs";
import type { KeepalivedVirtualServer } from "@lvsdeck/keepalived";
import { GROUP_TARGET_PREFIX, verdictTargetOfRef } from "@lvsdeck/keepalived";
import type {
  AgentEvent,
  Health,
  IpvsTimeouts,
  KeepalivedStatus,
  RealServerKey,
  ServiceKey,
  SyncDaemon,
  SyncGroup,
  VirtualService,
  VrrpInstance,
} from "@lvsdeck/protocol";

/** What one read of the IPVS table gives, before keepalived's view and the weight bookkeeping are added. */
export interface IpvsReading {
  services: VirtualService[];
  timeouts: IpvsTimeouts | null;
}

/** Per-state connection counts and director totals: what the protocol's snapshot has no room for. */
export interface DirectorDetails {
  connections: ConnectionSummary | null;
  totals: ProcIpVsStats | null;
}

/** One way of reading IPVS: `ipvsadm` (everything, needs root) or `/proc` (no stats or thresholds, no root). */
export interface IpvsPart {
  readonly kind: "ipvsadm" | "procfs";
  readTable(): Promise<IpvsReading>;
  /** Streams the connection table through the aggregator; `serviceKeyOf` folds fwmark traffic into its service. */
  readConnections(serviceKeyOf?: (entry: ConnectionEntry) => string): Promise<ConnectionSummary>;
  /** Per-state counts straight from /proc/net/ip_vs_conn's bytes (procfs only): cheaper than `readConnections`. */
  countStates?(serviceKeyOf?: (entry: ConnectionEntry) => string): Promise<StateCountResult>;
  /** Hands the raw connection table to `onChunk` as it is read, for on-demand queries. */
  streamConnections(onChunk: (chunk: string) => void): Promise<void>;
  readTotals?(): Promise<ProcIpVsStats>;
  /** The connection sync daemons running (`ipvsadm -L --daemon`; ipvsadm only). */
  readSyncDaemons?(): Promise<SyncDaemon[]>;
  /** Entries of `/proc/net/ip_vs_conn_sync` by origin (procfs only). */
  countSyncOrigins?(): Promise<SyncOriginCount>;
  /** Applies a weight with `ipvsadm -e` and returns the weight re-read afterwards. */
  setWeight?(service: ServiceKey, realServer: RealServerKey, weight: number): Promise<number>;
}

/** keepalived's view of the director. */
export interface KeepalivedReading {
  keepalived: KeepalivedStatus;
  vrrp: VrrpInstance[];
  syncGroups: SyncGroup[];
  vipsPresent: string[];
  /** Checker verdicts from RS FIFO lines and checker dumps, keyed by {@link healthKey}. */
  health: ReadonlyMap<string, Health>;
  /** keepalived's configured virtual and real servers from its checker's last dump; null when there is none. */
  checker: CheckerView | null;
}

/** The checker's configured servers, and when each real server's verdict last changed ({@link healthKey}). */
export interface CheckerView {
  virtualServers: readonly KeepalivedVirtualServer[];
  lastChange: ReadonlyMap<string, number>;
  /** The latest verdicts (dumps and RS FIFO lines, in order of arrival): an RS line is newer than the last dump. */
  verdicts: ReadonlyMap<string, Health>;
}

/** The keepalived part of a director source. */
export interface KeepalivedPart {
  read(): Promise<KeepalivedReading>;
  onEvent(listener: (event: AgentEvent) => void): void;
  /** Registers a listener told when a dump read in the background has finished, so its news can be sent. */
  onChange(listener: () => void): void;
  close(): Promise<void>;
}

/** The key of a real server within a service, for maps shared by the parts. */
export function healthKey(service: string, realServer: string): string {
  return `${service}|${realServer}`;
}

/** Files a checker dump's verdicts on one virtual server's real servers: by service key, or by group name. */
export function fileVerdicts(health: Map<string, Health>, vs: KeepalivedVirtualServer): void {
  const target = verdictTargetOfRef(vs.virtualServer);
  if (target === null) return;
  for (const rs of vs.realServers) health.set(healthKey(target, rs.key), rs.alive ? "up" : "down");
}

/**
 * Verdicts filed under virtual_server_groups, by real server key. keepalived names a group's virtual
 * server `[<group>]:<port>`, not its services, so a verdict lands on every service carrying that real
 * server without a verdict of its own; a real server that two groups disagree on is left unknown.
 */
export function groupVerdicts(health: ReadonlyMap<string, Health>): Map<string, Health> {
  const verdicts = new Map<string, Health>();
  const disputed = new Set<string>();
  for (const [key, verdict] of health) {
    if (!key.startsWith(GROUP_TARGET_PREFIX)) continue;
    const realServer = key.slice(key.lastIndexOf("|") + 1);
    const before = verdicts.get(realServer);
    if (before !== undefined && before !== verdict) disputed.add(realServer);
    verdicts.set(realServer, verdict);
  }
  for (const realServer of disputed) verdicts.delete(realServer);
  return verdicts;
}
