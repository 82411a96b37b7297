import { describe, expect, it } from "vitest";
import type { DirectorView, HubEvent } from "@lvsdeck/protocol";
import { sampleRealServer, sampleService } from "@lvsdeck/protocol/testFixtures";
import { buildWall, pagesOf, tilesPerPage } from "./wallModel";
import { summariesFromCluster } from "../../live/summaries";
import { cluster, instance, view } from "../../test/fixtures";

const now = 10_000;
const OTHER_VIP = "198.51.100.10";

function wallOf(...views: DirectorView[]) {
  const c = cluster(views, now);
  return buildWall(summariesFromCluster(c), c.health, [], now);
}
const tilesOf = (wall: ReturnType<typeof wallOf>) => wall.tiles.map((t) => [t.key, t.state, t.master, t.directors.map((d) => `${d.id} ${d.state}`).join(" · ")]);
const bannersOf = (wall: ReturnType<typeof wallOf>) => wall.banners.map((b) => [b.kind, b.title, b.message]);
/** A director of a second pair that reuses VRID 88 on its own segment and VIP. */
const other = (id: string, state: "MASTER" | "BACKUP"): DirectorView =>
  view(id, now, {}, {
    vrrp: [{ ...instance(state, 100), vips: [OTHER_VIP] }],
    services: [sampleService(OTHER_VIP, 80, [sampleRealServer("198.51.100.21", 80, 1)])],
    vipsPresent: state === "MASTER" ? [OTHER_VIP] : [],
  });

describe("buildWall from the hub's groups and verdicts", () => {
  it("makes a tile per VIP with its MASTER and real servers up, OK and without banners", () => {
    const wall = wallOf(view("d1", now, {}, { vrrp: [instance("MASTER", 200)] }), view("d2", now, {}, { vrrp: [instance("BACKUP", 100)] }));
    expect(wall.tiles.map((t) => [t.key, t.state, t.status, t.master, `${t.realServersUp}/${t.realServers}`])).toEqual([["192.0.2.10", "ok", "ok", "d1", "2/2"]]);
    expect(wall.banners).toEqual([]);
  });

  it("shows two healthy pairs that reuse a VRID as two OK tiles, with no split brain and no 'no MASTER'", () => {
    const wall = wallOf(view("d1", now, {}, { vrrp: [instance("MASTER", 200)] }), view("d2", now, {}, { vrrp: [instance("BACKUP", 100)] }), other("e1", "MASTER"), other("e2", "BACKUP"));
    expect(tilesOf(wall)).toEqual([
      ["192.0.2.10", "ok", "d1", "d1 MASTER · d2 BACKUP"],
      [OTHER_VIP, "ok", "e1", "e1 MASTER · e2 BACKUP"],
    ]);
    expect(wall.banners).toEqual([]);
  });

  it("gives a real split brain one state on its own tile, and banners that say the same", () => {
    const wall = wallOf(view("d1", now, {}, { vrrp: [instance("MASTER", 200)] }), view("d2", now, {}, { vrrp: [instance("BACKUP", 100)] }), other("e1", "MASTER"), other("e2", "MASTER"));
    expect(tilesOf(wall)).toEqual([
      ["192.0.2.10", "ok", "d1", "d1 MASTER · d2 BACKUP"],
      [OTHER_VIP, "split-brain", null, "e1 MASTER · e2 MASTER"],
    ]);
    expect(bannersOf(wall)).toEqual([
      ["split-brain", "SPLIT BRAIN", `split brain on VRID 88 (${OTHER_VIP}): MASTER on e1 and e2`],
      ["split-brain", "SPLIT BRAIN", `VIP ${OTHER_VIP} is on e1 and e2`],
    ]);
  });

  it("says NO MASTER when no current director is MASTER", () => {
    const wall = wallOf(view("d1", now, {}, { vrrp: [instance("BACKUP", 200)] }), view("d2", now, {}, { vrrp: [instance("FAULT", 100)] }));
    expect(wall.tiles.map((t) => [t.state, t.status])).toEqual([["no-master", "bad"]]);
    expect(bannersOf(wall).map(([kind, title]) => [kind, title])).toEqual([["no-master", "NO MASTER"]]);
  });

  it("calls a VIP left on a director whose keepalived died (kill -9) a split brain", () => {
    const vipsPresent = ["192.0.2.10"];
    const wall = wallOf(view("d1", now, {}, { vrrp: [instance("STOP", 0)], vipsPresent }), view("d2", now, {}, { vrrp: [instance("MASTER", 100)], vipsPresent }));
    expect(wall.tiles.map((t) => [t.state, t.master])).toEqual([["split-brain", "d2"]]);
    expect(bannersOf(wall)).toEqual([["split-brain", "SPLIT BRAIN", "VIP 192.0.2.10 is on d1 and d2"]]);
  });

  it("does not trust a stale MASTER, and says which director is stale", () => {
    const wall = wallOf(view("d1", now - 60_000, { stale: true }, { vrrp: [instance("MASTER", 200)] }), view("d2", now, {}, { vrrp: [instance("BACKUP", 100)] }));
    expect(wall.tiles.map((t) => [t.state, t.master])).toEqual([["no-master", null]]);
    expect(bannersOf(wall).map(([kind]) => kind)).toEqual(["no-master", "stale"]);
    expect(wall.banners[1]?.message).toContain("d1");
  });

  it("marks a stale BACKUP STALE, and no real server taking connections DEGRADED and bad", () => {
    const staleBackup = wallOf(view("d1", now, {}, { vrrp: [instance("MASTER", 200)] }), view("d2", now - 60_000, { stale: true }, { vrrp: [instance("BACKUP", 100)] }));
    expect(staleBackup.tiles.map((t) => [t.state, t.status, t.master])).toEqual([["stale", "warn", "d1"]]);
    const v = view("d1", now, {}, { vrrp: [instance("MASTER", 200)] });
    for (const rs of v.snapshot?.services[0]?.realServers ?? []) rs.health = "down";
    const down = wallOf(v);
    expect(down.tiles.map((t) => [t.state, t.status])).toEqual([["degraded", "bad"]]);
    expect(bannersOf(down).map(([kind, title]) => [kind, title])).toEqual([["all-down", "DEGRADED"]]);
  });

  it("calls every tile unknown, with no banner, while the hub's verdicts are not at hand", () => {
    const c = cluster([view("d1", now, {}, { vrrp: [instance("MASTER", 200)] }), view("d2", now, {}, { vrrp: [instance("MASTER", 100)] })], now);
    const wall = buildWall(summariesFromCluster(c), null, [], now);
    expect(wall.tiles.map((t) => [t.key, t.state, t.status, `${t.realServersUp}/${t.realServers}`])).toEqual([["192.0.2.10", "unknown", "unknown", "2/2"]]);
    expect(wall.banners).toEqual([]);
  });

  it("shows a recent MASTER change for the pair it happened in, and forgets it after a while", () => {
    const c = cluster([view("d2", now, {}, { vrrp: [instance("MASTER", 100)] }), view("d1", now, {}, { vrrp: [instance("BACKUP", 200)] }), other("e1", "MASTER"), other("e2", "BACKUP")], now);
    const state = summariesFromCluster(c);
    const event: HubEvent = { id: 1, director: view("d1", 0).id, seq: 1, observedAt: now - 5_000, receivedAt: now - 5_000, event: { kind: "vrrp-transition", instance: "VI_1", vrid: 88, from: "MASTER", to: "BACKUP", priority: 200, at: now - 5_000 } };
    const banner = buildWall(state, c.health, [event], now).banners.find((b) => b.kind === "failover");
    expect(banner?.message).toMatch(/d1 left MASTER .* now MASTER: d2$/);
    expect(buildWall(state, c.health, [event], now + 60 * 60_000).banners.some((b) => b.kind === "failover")).toBe(false);
  });
});

describe("pages", () => {
  it("cycles through pages when more tiles than fit", () => {
    expect(tilesPerPage(1920, 860)).toBe(6);
    expect(pagesOf([1, 2, 3, 4, 5, 6, 7], 3)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(pagesOf([], 3)).toEqual([[]]);
  });
});
