import { describe, expect, it } from "vitest";
import type { DirectorView, VrrpInstance } from "@lvsdeck/protocol";
import { failoverPreflight, isHeld } from "./index";
import { SEED_VIP, SEED_VRID, connectionSync, director, seedCluster, seedService, vrrp } from "./fixtures";

const failoverTrack = (value = 0, weight = 1) => ({ kind: "file" as const, name: "lvsdeck_failover", weight, status: value === 0 ? ("good" as const) : ("bad" as const), value, effect: value * weight });
const instance = (state: "MASTER" | "BACKUP", patch: Partial<VrrpInstance> = {}) => vrrp(SEED_VRID, state, [SEED_VIP], { tracks: [failoverTrack()], ...patch });
const capable = (view: DirectorView): DirectorView => ({ ...view, agent: { ...view.agent!, capabilities: ["planned-failover"] } });
const syncing = { dir01: connectionSync([["master", 1]], { local: 100, synced: 0 }), dir02: connectionSync([["backup", 1]], { local: 0, synced: 95 }) };

function cluster(over: Parameters<typeof seedCluster>[0] = {}) {
  const [a, b] = seedCluster({
    dir01: { vrrp: [instance("MASTER")], connectionSync: syncing.dir01, ...over.dir01 },
    dir02: { vrrp: [instance("BACKUP", { effectivePriority: 100, basePriority: 100 })], connectionSync: syncing.dir02, ...over.dir02 },
  });
  return [capable(a!), capable(b!)];
}
const statuses = (directors: DirectorView[]) => Object.fromEntries(failoverPreflight(directors, "lvs-dir-01" as never).checks.map((c) => [c.id.split(":")[0], c.status]));

describe("planned failover preflight", () => {
  it("is ready when the BACKUP is fresh and preempts, tables equal, sync caught up and its real servers up", () => {
    const result = failoverPreflight(cluster(), "lvs-dir-01" as never);
    expect(result).toMatchObject({ director: "lvs-dir-01", takeover: "lvs-dir-02", instances: ["VI_88"], held: false, ready: true });
    expect(result.checks.map((c) => [c.status, c.text])).toEqual([
      ["ok", "the agent of lvs-dir-01 writes the failover file"],
      ["ok", "VRID 88 (192.168.50.100): lvs-dir-02 takes over (BACKUP, priority 100, preempts, data current)"],
      ["ok", "VRID 88 (192.168.50.100): the IPVS tables of lvs-dir-01 and lvs-dir-02 are the same"],
      ["ok", "VRID 88 (192.168.50.100): clients that would keep their connection on failover to lvs-dir-02 now: 95 % (95 of 100 entries synced)"],
      ["ok", "VRID 88 (192.168.50.100): every service has as many real servers taking connections on lvs-dir-02"],
    ]);
  });

  it("warns of what would break: tables that differ, sync behind or stopped, fewer real servers", () => {
    expect(statuses(cluster({ dir02: { vrrp: [instance("BACKUP")], services: [seedService({ rs1: { weight: 5 } })], connectionSync: syncing.dir02 } }))).toMatchObject({ tables: "warn", "real-servers": "ok" });
    expect(statuses(cluster({ dir02: { vrrp: [instance("BACKUP")], connectionSync: connectionSync([["backup", 1]], { local: 0, synced: 40 }) } }))).toMatchObject({ sync: "warn" });
    expect(statuses(cluster({ dir02: { vrrp: [instance("BACKUP")], connectionSync: connectionSync([]) } }))).toMatchObject({ sync: "warn" });
    const result = failoverPreflight(cluster({ dir02: { vrrp: [instance("BACKUP")], services: [seedService({ rs1: { health: "down" } })], connectionSync: syncing.dir02 } }), "lvs-dir-01" as never);
    expect(result.ready).toBe(true);
    expect(result.checks.find((c) => c.id.startsWith("real-servers"))?.text).toBe("VRID 88 (192.168.50.100): on lvs-dir-02, TCP 192.168.50.100:443 has 1 real servers taking connections (lvs-dir-01: 2)");
  });

  it("fails what would not move or would leave a service without servers", () => {
    const noServers = seedService({ rs1: { health: "down" }, rs2: { weight: 0 } });
    expect(failoverPreflight(cluster({ dir02: { vrrp: [instance("BACKUP")], services: [noServers] } }), "lvs-dir-01" as never)).toMatchObject({ ready: false });
    expect(statuses(cluster({ dir02: { vrrp: [instance("BACKUP", { preempt: false })] } }))).toMatchObject({ backup: "fail" });
    expect(statuses(cluster({ dir02: { vrrp: [instance("BACKUP")], stale: true } }))).toMatchObject({ backup: "fail" });
    expect(statuses(cluster({ dir01: { vrrp: [instance("MASTER", { tracks: [] })] } }))).toMatchObject({ track: "fail" });
    expect(statuses(cluster({ dir01: { vrrp: [instance("MASTER", { tracks: [failoverTrack(0, 2)] })] } }))).toMatchObject({ track: "fail" });
    expect(statuses(cluster({ dir01: { vrrp: [vrrp(SEED_VRID, "MASTER", [SEED_VIP])] } }))).toMatchObject({ track: "fail" });
    const [a, b] = cluster();
    expect(statuses([{ ...a!, agent: { ...a!.agent!, capabilities: [] } }, b!])).toMatchObject({ agent: "fail" });
    expect(failoverPreflight(cluster(), "lvs-dir-02" as never).checks.at(-1)).toMatchObject({ id: "master", status: "fail" });
    expect(failoverPreflight([director("lvs-dir-09", { connected: false })], "lvs-dir-09" as never).checks).toMatchObject([{ id: "director", status: "fail" }]);
  });

  it("knows a director held down from keepalived's view of the failover file", () => {
    const [a] = cluster({ dir01: { vrrp: [instance("BACKUP", { tracks: [failoverTrack(-253)], effectivePriority: 1 })] } });
    expect(isHeld(a!)).toBe(true);
    expect(isHeld(cluster()[0]!)).toBe(false);
  });
});
