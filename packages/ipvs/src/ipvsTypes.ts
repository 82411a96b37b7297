import type { Family, Forwarding, IpProtocol, Persistence, RealServerKey, ServiceKey } from "@lvsdeck/protocol";

/** Which virtual service a table row names: protocol + address + port, or a firewall mark. */
export interface ServiceId {
  key: ServiceKey;
  family: Family;
  protocol: IpProtocol | null;
  address: string | null;
  port: number | null;
  fwmark: number | null;
}

/** Which real server a table row names. */
export interface RealServerId {
  key: RealServerKey;
  address: string;
  port: number;
  family: Family;
}

/** A virtual service line of `ipvsadm -Ln` (and of `--thresholds`, `--persistent-conn`, `--tun-info`). */
export interface ServiceEntry extends ServiceId {
  /** The scheduler name as printed; it may be one the protocol package does not know (e.g. a newer kernel's). */
  scheduler: string;
  schedulerFlags: string[];
  persistence: Persistence | null;
  onePacket: boolean;
  pe: string | null;
}

/** A parsed ipvsadm table: version header, then services each with their real servers. */
export interface IpvsadmTable<S, D> {
  /** `1.2.1` from the version line; null when the listing had none (`-L -t VIP:PORT`). */
  version: string | null;
  /** The connection hash table size from `(size=4096)`. */
  connectionTableSize: number | null;
  services: Array<S & { line: number; realServers: Array<D & { line: number }> }>;
}

/** A real server row of `ipvsadm -Ln`. */
export interface ListRealServer extends RealServerId {
  forwarding: Forwarding;
  weight: number;
  activeConns: number;
  inactiveConns: number;
}

/** `ipvsadm -Ln`. */
export type IpvsadmList = IpvsadmTable<ServiceEntry, ListRealServer>;

/** A real server row of `ipvsadm -Ln --thresholds`. */
export interface ThresholdsRealServer extends RealServerId {
  upperThreshold: number;
  lowerThreshold: number;
  activeConns: number;
  inactiveConns: number;
}

/** `ipvsadm -Ln --thresholds`. */
export type IpvsadmThresholds = IpvsadmTable<ServiceEntry, ThresholdsRealServer>;

/** A real server row of `ipvsadm -Ln --persistent-conn`. */
export interface PersistentConnRealServer extends RealServerId {
  weight: number;
  persistConns: number;
  activeConns: number;
  inactiveConns: number;
}

/** `ipvsadm -Ln --persistent-conn`. */
export type IpvsadmPersistentConn = IpvsadmTable<ServiceEntry, PersistentConnRealServer>;

/** Tunnel encapsulation types (`--tun-type`). */
export const tunnelTypes = ["ipip", "gue", "gre"] as const;
export type TunnelType = (typeof tunnelTypes)[number];

/** Tunnel checksum modes: `-c` nocsum, `+c` csum, `r+c` remcsum. */
export const tunnelChecksums = ["nocsum", "csum", "remcsum"] as const;
export type TunnelChecksum = (typeof tunnelChecksums)[number];

/** Tunnel settings of a destination, which `ipvsadm -e` resets unless they are sent again. */
export interface TunnelInfo {
  type: TunnelType;
  port: number | null;
  checksum: TunnelChecksum | null;
}

/** A real server row of `ipvsadm -Ln --tun-info`; `tunnel` is null for `n/a`. */
export interface TunInfoRealServer extends ListRealServer {
  tunnel: TunnelInfo | null;
}

/** `ipvsadm -Ln --tun-info`. */
export type IpvsadmTunInfo = IpvsadmTable<ServiceEntry, TunInfoRealServer>;
