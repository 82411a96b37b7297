import { describe, expect, it } from "vitest";
import type { HubEvent } from "@lvsdeck/protocol";
import { buildWall, pagesOf, tileKeyOfService, tilesPerPage } from "./wallModel";
import { summariesFromCluster } from "../../live/summaries";
import { cluster, instance, view } from "../../test/fixtures";

const now = 10_000;

function wallOf(...views: ReturnType<typeof view>[]) {
  return buildWall(summariesFromCluster(cluster(views, now)), [], now);
}

describe("buildWall", () => {
  it("makes a tile per VIP with its MASTER and real servers up", () => {
    const { tiles, banners } = wallOf(view("d1", now, {}, { vrrp: [instance("MASTER", 200)] }), view("d2", now, {}, { vrrp: [instance("BACKUP", 100)] }));
    expect(tiles.map((t) => [t.key, t.master, `${t.realServersUp}/${t.realServers}`, t.status])).toEqual([["192.0.2.10", "d1", "2/2", "ok"]]);
    expect(banners).toEqual([]);
  });

  it("raises split brain and no MASTER", () => {
    expect(wallOf(view("d1", now, {}, { vrrp: [instance("MASTER", 200)] }), view("d2", now, {}, { vrrp: [instance("MASTER", 100)] })).banners.map((b) => b.kind)).toEqual(["split-brain"]);
    const none = wallOf(view("d1", now, {}, { vrrp: [instance("BACKUP", 200)] }), view("d2", now, {}, { vrrp: [instance("FAULT", 100)] }));
    expect(none.banners.map((b) => b.kind)).toEqual(["no-master"]);
    expect(none.tiles[0]?.status).toBe("bad");
  });

  it("raises split brain for a VIP left on a director whose keepalived died (kill -9), once per problem", () => {
    const vip = ["192.0.2.10"];
    const left = wallOf(view("d1", now, {}, { vrrp: [instance("STOP", 0)], vipsPresent: vip }), view("d2", now, {}, { vrrp: [instance("MASTER", 100)], vipsPresent: vip }));
    expect(left.banners.map((b) => [b.kind, b.message])).toEqual([["split-brain", "VIP 192.0.2.10 is on d1 and d2 at once"]]);
    expect(left.tiles[0]).toMatchObject({ status: "bad", note: "VIP on 2 directors" });
    // Two MASTERs holding the VIP is one split brain, said once.
    const both = wallOf(view("d1", now, {}, { vrrp: [instance("MASTER", 200)], vipsPresent: vip }), view("d2", now, {}, { vrrp: [instance("MASTER", 100)], vipsPresent: vip }));
    expect(both.banners.map((b) => b.key)).toEqual(["split-88"]);
    // Once the VIP is removed from d1 the wall is calm again.
    const cleared = wallOf(view("d1", now, {}, { vrrp: [instance("STOP", 0)] }), view("d2", now, {}, { vrrp: [instance("MASTER", 100)], vipsPresent: vip }));
    expect(cleared.banners).toEqual([]);
  });

  it("does not trust a stale MASTER, and says which director is stale", () => {
    const { tiles, banners } = wallOf(view("d1", now - 60_000, {}, { vrrp: [instance("MASTER", 200)] }), view("d2", now, {}, { vrrp: [instance("BACKUP", 100)] }));
    expect(tiles[0]?.master).toBeNull();
    expect(banners.map((b) => b.kind)).toEqual(["no-master", "stale"]);
    expect(banners[1]?.message).toContain("d1");
  });

  it("raises all-down when no real server of a VIP is up", () => {
    const v = view("d1", now, {}, { vrrp: [instance("MASTER", 200)] });
    for (const rs of v.snapshot?.services[0]?.realServers ?? []) rs.health = "down";
    expect(wallOf(v).banners.map((b) => b.kind)).toEqual(["all-down"]);
  });

  it("shows a recent MASTER change from the event log, and forgets it after a while", () => {
    const state = summariesFromCluster(cluster([view("d2", now, {}, { vrrp: [instance("MASTER", 100)] })], now));
    const event: HubEvent = { id: 1, director: view("d1", 0).id, seq: 1, observedAt: now - 5_000, receivedAt: now - 5_000, event: { kind: "vrrp-transition", instance: "VI_1", vrid: 88, from: "MASTER", to: "STOP", priority: 200, at: now - 5_000 } };
    const banner = buildWall(state, [event], now).banners.find((b) => b.kind === "failover");
    expect(banner?.message).toMatch(/d1 left MASTER .* now MASTER: d2/);
    expect(buildWall(state, [event], now + 60 * 60_000).banners.some((b) => b.kind === "failover")).toBe(false);
  });
});

describe("tiles and pages", () => {
  it("keys services by VIP, firewall marks by mark", () => {
    expect(tileKeyOfService("TCP 192.168.50.100:443")).toBe("192.168.50.100");
    expect(tileKeyOfService("TCP [2001:DB8::1]:443")).toBe("2001:db8::1");
    expect(tileKeyOfService("FWM 100")).toBe("FWM 100");
  });

  it("cycles through pages when more tiles than fit", () => {
    expect(tilesPerPage(1920, 860)).toBe(6);
    expect(pagesOf([1, 2, 3, 4, 5, 6, 7], 3)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(pagesOf([], 3)).toEqual([[]]);
  });
});
