import type { Family, Forwarding, IpProtocol, IpvsTimeouts, KnownScheduler } from "@lvsdeck/protocol";

/** One keepalived vrrp_instance shared by every director of the cluster. */
export interface SimVrrpInstanceConfig {
  readonly name: string;
  readonly vrid: number;
  readonly interface: string;
  readonly advertIntervalMs: number;
  readonly preempt: boolean;
  readonly vips: readonly string[];
}

/** One director and its base priority per VRRP instance (by instance name). */
export interface SimDirectorConfig {
  readonly name: string;
  readonly priorities: Readonly<Record<string, number>>;
}

/** A real server as keepalived's `real_server` block configures it. */
export interface SimRealServerConfig {
  readonly address: string;
  readonly port: number;
  readonly weight: number;
  readonly upperThreshold?: number;
  readonly lowerThreshold?: number;
}

/** Where a firewall-mark service's marked packets are addressed (the mark hides it from IPVS). */
export interface SimTrafficTarget {
  readonly address: string;
  readonly port: number;
}

/** The synthetic client load offered to one virtual service. */
export interface SimTrafficProfile {
  /** Mean new connections per second while the service's VIP is on this director. */
  readonly cps: number;
  /** Shortest and longest time a connection keeps sending, in seconds. */
  readonly lifetimeSec: readonly [number, number];
  /** Packets per second a live connection sends towards the real server. */
  readonly inPps: number;
  readonly inPacketBytes: number;
  /** Packets per second of replies; only counted when replies pass the director (NAT). */
  readonly outPps: number;
  readonly outPacketBytes: number;
  /** For FWM services: destinations of marked packets (defaults to the instance's first IPv4 VIP on :80). */
  readonly targets?: readonly SimTrafficTarget[];
}

/** A keepalived `virtual_server` block: address/port or fwmark, scheduler, persistence and real servers. */
export interface SimServiceConfig {
  readonly protocol: IpProtocol | null;
  readonly address: string | null;
  readonly port: number | null;
  readonly fwmark: number | null;
  readonly family: Family;
  readonly scheduler: KnownScheduler;
  readonly schedulerFlags?: readonly string[];
  /** `null` netmask means the full address (/32 or /128), which is how ipvsadm's default prints. */
  readonly persistence: { readonly timeoutSec: number; readonly netmask: string | null } | null;
  readonly forwarding: Forwarding;
  /** The VRRP instance whose VIPs carry this service's traffic. */
  readonly instance: string;
  readonly realServers: readonly SimRealServerConfig[];
  readonly traffic: SimTrafficProfile;
  /**
   * keepalived's `inhibit_on_failure`: true keeps a server whose check fails in the table at weight 0;
   * false (keepalived's default) deletes it from the table until its check passes again.
   */
  readonly inhibitOnFailure: boolean;
  /** The checker keepalived runs on each real server (`TCP_CHECK`, `HTTP_GET`, `MISC_CHECK`, …). */
  readonly checker: string;
}

/** A whole simulated keepalived cluster: directors, VRRP instances, virtual services and timeouts. */
export interface SimClusterConfig {
  readonly directors: readonly SimDirectorConfig[];
  readonly vrrp: readonly SimVrrpInstanceConfig[];
  readonly services: readonly SimServiceConfig[];
  readonly timeouts: IpvsTimeouts;
  /** Priority of a director not listed in `directors`. */
  readonly defaultPriority: number;
  /**
   * keepalived's `lvs_sync_daemon <interface> <instance> id <syncId>`: a master sync daemon while that
   * instance is MASTER, a backup daemon otherwise; absent for no connection sync.
   */
  readonly connectionSync?: SimConnectionSyncConfig;
}

/** The connection sync daemon keepalived runs (see {@link SimClusterConfig.connectionSync}). */
export interface SimConnectionSyncConfig {
  readonly interface: string;
  readonly instance: string;
  readonly syncId: number;
}
