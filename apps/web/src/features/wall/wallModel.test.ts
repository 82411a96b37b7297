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

  it("shows a recent MASTER move for the pair it happened in, keeps it in the incident list, and drops the banner after a while", () => {
    const c = cluster([view("d2", now, {}, { vrrp: [instance("MASTER", 100)] }), view("d1", now, {}, { vrrp: [instance("BACKUP", 200)] }), other("e1", "MASTER"), other("e2", "BACKUP")], now);
    const state = summariesFromCluster(c);
    const moved = (id: number, director: string, from: "MASTER" | "BACKUP", to: "MASTER" | "BACKUP", at: number): HubEvent => ({
      id, director: view(director, 0).id, seq: id, observedAt: at, receivedAt: at, event: { kind: "vrrp-transition", instance: "VI_1", vrid: 88, from, to, priority: null, at },
    });
    // d1 was MASTER, left it, and d2 took over; e1's own start-up in the other pair is no failover.
    const events = [moved(1, "d1", "BACKUP", "MASTER", now - 60_000), moved(2, "e1", "BACKUP", "MASTER", now - 59_000), moved(3, "d1", "MASTER", "BACKUP", now - 6_000), moved(4, "d2", "BACKUP", "MASTER", now - 5_000)];
    const wall = buildWall(state, c.health, events, now);
    const banners = wall.banners.filter((b) => b.kind === "failover");
    expect(banners).toHaveLength(1);
    expect(banners[0]?.message).toMatch(/^VRID 88 .*: MASTER moved from d1 to d2 at \d\d:\d\d:\d\d after 1 s without one$/);
    expect(wall.incidents.incidents.map((i) => i.kind)).toEqual(["failover"]);
    const later = buildWall(state, c.health, events, now + 30 * 60_000);
    expect(later.banners.some((b) => b.kind === "failover")).toBe(false);
    expect(later.incidents.incidents).toHaveLength(1);
  });
});

describe("pages", () => {
  it("cycles through pages when more tiles than fit", () => {
    expect(tilesPerPage(1864, 760, 360, 18, 560)).toBe(6);
    expect(tilesPerPage(1864, 500, 360, 18, 560)).toBe(3);
    expect(tilesPerPage(390, 300, 360, 18, 560)).toBe(1);
    expect(pagesOf([1, 2, 3, 4, 5, 6, 7], 3)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(pagesOf([], 3)).toEqual([[]]);
  });
});
