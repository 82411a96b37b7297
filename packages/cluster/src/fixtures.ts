import type { ConnectionSync, DirectorId, DirectorView, RealServer, VirtualService, VrrpInstance, VrrpState } from "@lvsdeck/protocol";
import { sampleRealServer, sampleService } from "@lvsdeck/protocol/testFixtures";
import type { VerdictInput } from "./verdictOptions";

/** The hub clock at the start of every recorded sequence (ms). */
export const T0 = 1_750_000_000_000;
/** The agents' tick in fixtures (ms). */
export const FIXTURE_TICK_MS = 1000;
/** The seed cluster's VIP. */
export const SEED_VIP = "192.168.50.100";
/** The seed cluster's VRID. */
export const SEED_VRID = 88;

/** A DR real server at weight 2, health up, no connections, for tests. */
export function realServer(address: string, port: number, patch: Partial<RealServer> = {}): RealServer {
  return { ...sampleRealServer(address, port, 2), ...patch };
}

/** A TCP wrr service with persistence 120 s, for tests. */
export function service(address: string, port: number, realServers: RealServer[], patch: Partial<VirtualService> = {}): VirtualService {
  return { ...sampleService(address, port, realServers), persistence: { timeoutSec: 120, netmask: null }, ...patch };
}

/** The seed cluster's service: 192.168.50.100:443 with two real servers of weight 2. */
export function seedService(patch: { rs1?: Partial<RealServer>; rs2?: Partial<RealServer> } = {}): VirtualService {
  return service(SEED_VIP, 443, [realServer("192.168.50.11", 443, patch.rs1), realServer("192.168.50.12", 443, patch.rs2)]);
}

/** A keepalived vrrp_instance in `state`, for tests. */
export function vrrp(vrid: number, state: VrrpState, vips: string[], patch: Partial<VrrpInstance> = {}): VrrpInstance {
  return {
    name: `VI_${vrid}`,
    vrid,
    interface: "eth0",
    state,
    basePriority: state === "MASTER" ? 200 : 100,
    effectivePriority: state === "MASTER" ? 200 : 100,
    advertIntervalMs: 1000,
    preempt: true,
    vips,
    lastTransitionAt: null,
    masterRouter: null,
    syncGroup: null,
    ...patch,
  };
}

/** What a director reports, plus how the hub sees it. */
export interface DirectorFixture {
  vrrp?: VrrpInstance[];
  services?: VirtualService[];
  vipsPresent?: string[];
  connected?: boolean;
  stale?: boolean;
  receivedAt?: number | null;
  keepalivedRunning?: boolean;
  connectionSync?: ConnectionSync;
}

/** A DirectorView as fleet.ts holds it; fresh and connected unless told otherwise. */
export function director(id: string, f: DirectorFixture = {}): DirectorView {
  const connected = f.connected ?? true;
  return {
    id: id as DirectorId,
    connected,
    receivedAt: f.receivedAt === undefined ? T0 : f.receivedAt,
    stale: f.stale ?? !connected,
    agent: { version: "0.1.0", sources: ["sim"], capabilities: [], weightMode: "runtime", tickMs: FIXTURE_TICK_MS },
    snapshot: {
      director: id as DirectorId,
      takenAt: T0,
      keepalived: { running: f.keepalivedRunning ?? true, pid: 1, since: 0 },
      vrrp: f.vrrp ?? [],
      syncGroups: [],
      vipsPresent: f.vipsPresent ?? [],
      services: f.services ?? [],
      timeouts: null,
      ...(f.connectionSync !== undefined && { connectionSync: f.connectionSync }),
    },
  };
}

/** A director's connection sync: its daemons by role and sync id, and its entries by origin. */
export function connectionSync(daemons: Array<["master" | "backup", number]> | null, entries: { local: number; synced: number } | null = null): ConnectionSync {
  return {
    daemons: daemons === null ? null : daemons.map(([role, syncId]) => ({ role, interface: "eth0", syncId, maxlen: null, group: null, port: null, ttl: null })),
    entries: entries === null ? null : { ...entries, countedAt: T0 },
  };
}

/** The reference cluster: lvs-dir-01 MASTER holding the VIP, lvs-dir-02 BACKUP, identical tables. */
export function seedCluster(over: { dir01?: DirectorFixture; dir02?: DirectorFixture } = {}): DirectorView[] {
  return [
    director("lvs-dir-01", { vrrp: [vrrp(SEED_VRID, "MASTER", [SEED_VIP])], vipsPresent: [SEED_VIP], services: [seedService()], ...over.dir01 }),
    director("lvs-dir-02", { vrrp: [vrrp(SEED_VRID, "BACKUP", [SEED_VIP])], services: [seedService()], ...over.dir02 }),
  ];
}

/** A verdict input at `now` with no transitions and no drains unless given. */
export function verdictInput(directors: DirectorView[], patch: Partial<VerdictInput> = {}): VerdictInput {
  return { directors, now: T0, recentTransitions: [], drains: [], ...patch };
}
