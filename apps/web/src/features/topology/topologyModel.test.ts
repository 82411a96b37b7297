import { describe, expect, it } from "vitest";
import { buildTopology, normalizeVip } from "./topologyModel";
import { buildBanners } from "./banners";
import { cluster, instance, view } from "../../test/fixtures";

const now = 10_000;

describe("buildTopology", () => {
  it("groups directors by VRID and shows the MASTER's table", () => {
    const c = cluster([
      view("lvs-dir-01", now, {}, { vrrp: [instance("MASTER", 200)] }),
      view("lvs-dir-02", now, {}, { vrrp: [instance("BACKUP", 100)] }),
    ]);
    const [group, ...rest] = buildTopology(c, now);
    expect(rest).toHaveLength(0);
    expect(group?.members.map((m) => `${m.view.id}:${m.state}`)).toEqual(["lvs-dir-01:MASTER", "lvs-dir-02:BACKUP"]);
    expect(group?.shown?.view.id).toBe("lvs-dir-01");
    expect(group?.services.map((s) => s.key)).toEqual(["TCP 192.0.2.10:443"]);
    expect(buildBanners(c, buildTopology(c, now), now)).toEqual([]);
  });

  it("flags split brain when two current directors are MASTER", () => {
    const c = cluster([
      view("lvs-dir-01", now, {}, { vrrp: [instance("MASTER", 200)] }),
      view("lvs-dir-02", now, {}, { vrrp: [instance("MASTER", 100)] }),
    ]);
    const groups = buildTopology(c, now);
    expect(groups[0]?.problem).toBe("split-brain");
    expect(buildBanners(c, groups, now).map((b) => b.kind)).toEqual(["split-brain"]);
  });

  it("flags split brain when a VIP is on two current directors, e.g. left behind by a killed keepalived", () => {
    const vipsPresent = ["192.0.2.10"];
    const left = cluster([
      view("lvs-dir-01", now, {}, { vrrp: [instance("STOP", 0)], vipsPresent }),
      view("lvs-dir-02", now, {}, { vrrp: [instance("MASTER", 100)], vipsPresent }),
    ]);
    expect(buildBanners(left, buildTopology(left, now), now).map((b) => [b.kind, b.message])).toEqual([
      ["split-brain", "Split brain: VIP 192.0.2.10 is on lvs-dir-01 and lvs-dir-02 at the same time"],
    ]);
    // Two MASTERs holding it: one banner, not two.
    const masters = cluster([
      view("lvs-dir-01", now, {}, { vrrp: [instance("MASTER", 200)], vipsPresent }),
      view("lvs-dir-02", now, {}, { vrrp: [instance("MASTER", 100)], vipsPresent }),
    ]);
    expect(buildBanners(masters, buildTopology(masters, now), now)).toHaveLength(1);
  });

  it("does not trust a stale MASTER: no master, and the stale banner", () => {
    const c = cluster([
      view("lvs-dir-01", now - 60_000, {}, { vrrp: [instance("MASTER", 200)] }),
      view("lvs-dir-02", now, {}, { vrrp: [instance("BACKUP", 100)] }),
    ]);
    const groups = buildTopology(c, now);
    expect(groups[0]?.problem).toBe("no-master");
    expect(groups[0]?.shown?.view.id).toBe("lvs-dir-02");
    expect(groups[0]?.members[0]?.freshness.stale).toBe(true);
    expect(buildBanners(c, groups, now).map((b) => b.kind)).toEqual(["no-master", "stale"]);
  });

  it("keeps a director whose keepalived stopped in its group, as STOP", () => {
    const c = cluster([
      view("lvs-dir-01", now, {}, { vrrp: [], keepalived: { running: false, pid: null, since: null } }),
      view("lvs-dir-02", now, {}, { vrrp: [instance("MASTER", 100)] }),
    ]);
    const groups = buildTopology(c, now);
    expect(groups).toHaveLength(1);
    expect(groups[0]?.members.map((m) => `${m.view.id}:${m.state}`)).toEqual(["lvs-dir-01:STOP", "lvs-dir-02:MASTER"]);
  });

  it("raises all-down when no real server of a shown service can take connections", () => {
    const v = view("lvs-dir-01", now, {}, { vrrp: [instance("MASTER", 200)] });
    for (const rs of v.snapshot?.services[0]?.realServers ?? []) rs.health = "down";
    const c = cluster([v]);
    expect(buildBanners(c, buildTopology(c, now), now).map((b) => b.kind)).toEqual(["all-down"]);
  });
});

describe("normalizeVip", () => {
  it("strips prefix lengths, device suffixes and brackets", () => {
    expect(normalizeVip("192.168.50.100/32 dev eth0")).toBe("192.168.50.100");
    expect(normalizeVip("[2001:DB8::1]")).toBe("2001:db8::1");
  });
});

describe("buildBanners when the feed is lost", () => {
  it("says the hub is offline and does not cry 'no MASTER' when every director is merely stale", () => {
    const c = cluster([
      view("lvs-dir-01", now - 60_000, {}, { vrrp: [instance("MASTER", 200)] }),
      view("lvs-dir-02", now - 60_000, {}, { vrrp: [instance("BACKUP", 100)] }),
    ]);
    const groups = buildTopology(c, now);
    expect(groups[0]?.problem).toBeNull();
    expect(buildBanners(c, groups, now, true).map((b) => b.kind)).toEqual(["hub-offline", "stale"]);
  });
});
