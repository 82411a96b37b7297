import { describe, expect, it } from "vitest";
import type { ClusterResponse, DirectorView } from "@lvsdeck/protocol";
import { sampleRealServer, sampleService } from "@lvsdeck/protocol/testFixtures";
import { buildTopology } from "./topologyModel";
import { buildBanners } from "./banners";
import { cluster, instance, view } from "../../test/fixtures";

const now = 10_000;
const OTHER_VIP = "198.51.100.10";
const live = (c: ClusterResponse) => buildTopology(c, c.health, now);
const banners = (c: ClusterResponse) => buildBanners(c.health).map((b) => [b.kind, b.message]);
/** A director of a second pair that reuses VRID 88 on its own segment and VIP. */
const otherPair = (id: string, state: "MASTER" | "BACKUP"): DirectorView =>
  view(id, now, {}, {
    vrrp: [{ ...instance(state, state === "MASTER" ? 200 : 100), vips: [`${OTHER_VIP}/32`] }],
    services: [sampleService(OTHER_VIP, 80, [sampleRealServer("198.51.100.21", 80, 1)])],
    vipsPresent: state === "MASTER" ? [OTHER_VIP] : [],
  });

describe("buildTopology from the hub's groups", () => {
  it("shows one group per hub group with the MASTER's table, and no banner when healthy", () => {
    const c = cluster([view("lvs-dir-01", now, {}, { vrrp: [instance("MASTER", 200)] }), view("lvs-dir-02", now, {}, { vrrp: [instance("BACKUP", 100)] })]);
    const [group, ...rest] = live(c);
    expect(rest).toHaveLength(0);
    expect(group?.members.map((m) => `${m.view.id}:${m.state}`)).toEqual(["lvs-dir-01:MASTER", "lvs-dir-02:BACKUP"]);
    expect(group?.shown?.view.id).toBe("lvs-dir-01");
    expect(group?.status).toBe("ok");
    expect(group?.services.map((s) => s.key)).toEqual(["TCP 192.0.2.10:443"]);
    expect(banners(c)).toEqual([]);
  });

  it("keeps two healthy pairs that reuse a VRID apart: two groups, no split brain", () => {
    const c = cluster([
      view("pa1", now, {}, { vrrp: [instance("MASTER", 200)], vipsPresent: ["192.0.2.10"] }),
      view("pa2", now, {}, { vrrp: [instance("BACKUP", 100)] }),
      otherPair("pb1", "MASTER"),
      otherPair("pb2", "BACKUP"),
    ]);
    const groups = live(c);
    expect(groups.map((g) => [g.vrid, g.vips, g.members.map((m) => m.view.id), g.status])).toEqual([
      [88, ["192.0.2.10"], ["pa1", "pa2"], "ok"],
      [88, [OTHER_VIP], ["pb1", "pb2"], "ok"],
    ]);
    expect(groups.map((g) => g.services.map((s) => s.key))).toEqual([["TCP 192.0.2.10:443"], [`TCP ${OTHER_VIP}:80`]]);
    expect(banners(c)).toEqual([]);
  });

  it("puts a real split brain on its own pair and says what the hub says", () => {
    const c = cluster([view("pa1", now, {}, { vrrp: [instance("MASTER", 200)] }), view("pa2", now, {}, { vrrp: [instance("BACKUP", 100)] }), otherPair("pb1", "MASTER"), otherPair("pb2", "MASTER")]);
    expect(live(c).map((g) => [g.members.map((m) => m.view.id).join(), g.status, g.problem])).toEqual([
      ["pa1,pa2", "ok", null],
      ["pb1,pb2", "split-brain", "split-brain"],
    ]);
    expect(banners(c)).toEqual([
      ["split-brain", `split brain on VRID 88 (${OTHER_VIP}): MASTER on pb1 and pb2`],
      ["split-brain", `VIP ${OTHER_VIP} is on pb1 and pb2`],
    ]);
  });

  it("does not trust a stale MASTER: no MASTER, the stale banner, and the BACKUP's table", () => {
    const c = cluster([
      view("lvs-dir-01", now - 60_000, { stale: true }, { vrrp: [instance("MASTER", 200)] }),
      view("lvs-dir-02", now, {}, { vrrp: [instance("BACKUP", 100)] }),
    ]);
    const [group] = live(c);
    expect(group?.problem).toBe("no-master");
    expect(group?.shown?.view.id).toBe("lvs-dir-02");
    expect(group?.members[0]?.freshness.stale).toBe(true);
    expect(banners(c).map(([kind]) => kind)).toEqual(["no-master", "stale"]);
  });

  it("with no MASTER, shows the table that holds services, and the same one whoever reported last", () => {
    for (const [first, second] of [[now, now - 500], [now - 500, now]] as const) {
      const c = cluster([
        // A FAULT director whose table was flushed, and a BACKUP still waiting out the master-down interval.
        view("lvs-dir-01", first, {}, { vrrp: [instance("FAULT", 200)], services: [] }),
        view("lvs-dir-02", second, {}, { vrrp: [instance("BACKUP", 100)] }),
      ]);
      const [group] = live(c);
      expect(group?.members.map((m) => m.view.id)).toEqual(["lvs-dir-01", "lvs-dir-02"]);
      expect(group?.shown?.view.id).toBe("lvs-dir-02");
    }
  });

  it("keeps a director whose keepalived stopped in its group, as STOP", () => {
    const c = cluster([
      view("lvs-dir-01", now, {}, { vrrp: [], keepalived: { running: false, pid: null, since: null } }),
      view("lvs-dir-02", now, {}, { vrrp: [instance("MASTER", 100)] }),
    ]);
    const groups = live(c);
    expect(groups).toHaveLength(1);
    expect(groups[0]?.members.map((m) => `${m.view.id}:${m.state}`)).toEqual(["lvs-dir-01:STOP", "lvs-dir-02:MASTER"]);
  });

  it("shows the hub's verdict when no real server of a service can take connections", () => {
    const v = view("lvs-dir-01", now, {}, { vrrp: [instance("MASTER", 200)] });
    for (const rs of v.snapshot?.services[0]?.realServers ?? []) rs.health = "down";
    const c = cluster([v]);
    expect(live(c)[0]?.status).toBe("degraded");
    expect(banners(c)).toEqual([["all-down", "all 2 real servers of TCP 192.0.2.10:443 are out on lvs-dir-01: 2 down, 0 at weight 0"]]);
  });

  it("says per BACKUP whether the live MASTER's clients would keep their connection on failover, only with one live MASTER", () => {
    const daemon = (role: "master" | "backup") => ({ role, interface: "eth0", syncId: 88, maxlen: null, group: null, port: null, ttl: null });
    const c = cluster([
      view("lvs-dir-01", now, {}, { vrrp: [instance("MASTER", 200)], connectionSync: { daemons: [daemon("master")], entries: { local: 400, synced: 0, countedAt: now } } }),
      view("lvs-dir-02", now, {}, { vrrp: [instance("BACKUP", 100)], connectionSync: { daemons: [daemon("backup")], entries: { local: 0, synced: 300, countedAt: now } } }),
    ]);
    expect(live(c)[0]?.sync).toEqual([
      { master: "lvs-dir-01", backup: "lvs-dir-02", kind: "syncing", text: "clients that would keep their connection on failover to lvs-dir-02 now: 75 % (300 of 400 entries synced)" },
    ]);
    const stopped = cluster([c.directors[0]!, view("lvs-dir-02", now, {}, { vrrp: [instance("BACKUP", 100)], connectionSync: { daemons: [], entries: null } })]);
    expect(live(stopped)[0]?.sync.map((s) => s.kind)).toEqual(["stopped"]);
    const twoMasters = cluster([c.directors[0]!, view("lvs-dir-02", now, {}, { vrrp: [instance("MASTER", 100)] })]);
    expect(live(twoMasters)[0]?.sync).toEqual([]);
  });

  it("gives a director the hub has not grouped yet a card of its own, status unknown", () => {
    const c = { ...cluster([view("lvs-dir-01", now, {}, { vrrp: [instance("MASTER", 200)] })]), health: { groups: [], verdicts: [] } };
    expect(live(c).map((g) => [g.key, g.status])).toEqual([["director/lvs-dir-01", "unknown"]]);
  });
});

describe("when the live feed is lost", () => {
  it("says the hub is unreachable, keeps the last grouping and calls every status unknown", () => {
    const c = cluster([view("lvs-dir-01", now, {}, { vrrp: [instance("MASTER", 200)] }), view("lvs-dir-02", now, {}, { vrrp: [instance("MASTER", 100)] })]);
    const groups = buildTopology(c, null, now);
    expect(groups.map((g) => [g.members.length, g.status, g.problem])).toEqual([[2, "unknown", null]]);
    expect(buildBanners(null).map((b) => b.kind)).toEqual(["hub-offline"]);
  });
});
