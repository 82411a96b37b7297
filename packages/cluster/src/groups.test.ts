import { describe, expect, it } from "vitest";
import { countingServiceReads } from "@lvsdeck/protocol/testFixtures";
import { groupOnWire, liveServices, vrrpGroups } from "./groups";
import type { FreshDirector } from "./staleness";
import { director, service, vrrp } from "./fixtures";

const members = (groups: ReturnType<typeof vrrpGroups>) => groups.map((g) => [g.key, g.members.map((m) => `${m.director.id} ${m.state}`)]);

describe("vrrpGroups", () => {
  it("keeps the same VRID on disjoint VIP sets as two groups", () => {
    const groups = vrrpGroups([
      director("pa1", { vrrp: [vrrp(51, "MASTER", ["198.51.100.10"])] }),
      director("pa2", { vrrp: [vrrp(51, "BACKUP", ["198.51.100.10"])] }),
      director("pb1", { vrrp: [vrrp(51, "MASTER", ["203.0.113.10/32"])] }),
      director("pb2", { vrrp: [vrrp(51, "BACKUP", ["203.0.113.10"])] }),
    ]);
    expect(members(groups)).toEqual([
      ["51/198.51.100.10", ["pa1 MASTER", "pa2 BACKUP"]],
      ["51/203.0.113.10", ["pb1 MASTER", "pb2 BACKUP"]],
    ]);
  });

  it("joins the same VRID with overlapping VIPs into one group, transitively", () => {
    const groups = vrrpGroups([
      director("d1", { vrrp: [vrrp(7, "MASTER", ["10.0.0.1", "10.0.0.2"])] }),
      director("d2", { vrrp: [vrrp(7, "BACKUP", ["10.0.0.2", "10.0.0.3"])] }),
      director("d3", { vrrp: [vrrp(7, "BACKUP", ["10.0.0.3"])] }),
    ]);
    expect(groups.map((g) => [g.key, g.label, g.members.length])).toEqual([["7/10.0.0.1,10.0.0.2,10.0.0.3", "VRID 7 (10.0.0.1 +2)", 3]]);
  });

  it("puts a director without VRRP where its services' VIPs are, or in a group of its own", () => {
    const stopped = director("d2", { keepalivedRunning: false, services: [service("10.0.0.1", 80, [])] });
    const standalone = director("lvs", { services: [service("10.9.0.1", 80, [])] });
    const groups = vrrpGroups([director("d1", { vrrp: [vrrp(7, "MASTER", ["10.0.0.1"])] }), stopped, standalone]);
    expect(members(groups)).toEqual([
      ["7/10.0.0.1", ["d1 MASTER", "d2 STOP"]],
      ["director/lvs", ["lvs UNKNOWN"]],
    ]);
    expect(groupOnWire(groups[1]!)).toMatchObject({ vrid: null, vips: ["10.9.0.1"], members: [{ director: "lvs", instance: null }] });
  });
});

describe("liveServices", () => {
  it("gives the services on the VIPs a director is MASTER of, fwmark services with them, none as BACKUP", () => {
    const services = [service("198.51.100.10", 80, []), service("198.51.100.20", 80, []), service("198.51.100.30", 80, [], { address: null, fwmark: 7 })];
    const master = director("d1", { vrrp: [vrrp(51, "MASTER", ["198.51.100.10/32"]), vrrp(52, "BACKUP", ["198.51.100.20"])], services }) as FreshDirector;
    const backup = director("d2", { vrrp: [vrrp(51, "BACKUP", ["198.51.100.10"])], services }) as FreshDirector;
    const standalone = director("lvs", { services }) as FreshDirector;
    expect(liveServices(master).map((s) => s.address ?? `fwmark ${s.fwmark}`)).toEqual(["198.51.100.10", "fwmark 7"]);
    expect(liveServices(backup)).toEqual([]);
    expect(liveServices(standalone)).toHaveLength(3);
  });

  it("works them out once per snapshot, however many rules ask (five do, on every evaluation)", () => {
    const view = director("d1", { vrrp: [vrrp(51, "MASTER", ["198.51.100.10"])], services: [service("198.51.100.10", 80, [])] }) as FreshDirector;
    const { snapshot, reads } = countingServiceReads(view.snapshot);
    const watched = { ...view, snapshot };
    const first = liveServices(watched);
    expect(liveServices(watched)).toBe(first);
    expect(liveServices({ ...watched })).toBe(first);
    expect(reads()).toBe(1);
    // A new snapshot (the next tick's) is worked out afresh.
    expect(liveServices({ ...view, snapshot: { ...view.snapshot, vrrp: [vrrp(51, "BACKUP", ["198.51.100.10"])] } })).toEqual([]);
  });
});
