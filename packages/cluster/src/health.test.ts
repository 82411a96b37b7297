import { describe, expect, it } from "vitest";
import type { Verdict } from "@lvsdeck/protocol";
import { alertOfVerdict, clusterHealth, deriveVerdicts, scopeHealth, statusOf, verdictInScope, verdictsOfGroup, verdictsOfVip } from "./index";
import { SEED_VIP, SEED_VRID, director, seedCluster, seedService, verdictInput, vrrp } from "./fixtures";

const OTHER_VIP = "203.0.113.10";
const otherPair = (bState: "BACKUP" | "MASTER") => [
  director("pb1", { vrrp: [vrrp(SEED_VRID, "MASTER", [OTHER_VIP])], vipsPresent: [OTHER_VIP] }),
  director("pb2", { vrrp: [vrrp(SEED_VRID, bState, [OTHER_VIP])] }),
];
const healthOf = (directors: ReturnType<typeof seedCluster>) => clusterHealth(directors, deriveVerdicts(verdictInput(directors)));

describe("statusOf", () => {
  const verdict = (kind: Verdict["kind"]): Verdict => ({ id: kind, kind, severity: "critical", message: "", since: 0, scope: {} });
  it("is the worst of split brain, no MASTER, stale, degraded, else ok", () => {
    expect(statusOf([])).toBe("ok");
    expect(statusOf([verdict("tables-differ")])).toBe("degraded");
    expect(statusOf([verdict("tables-differ"), verdict("stale-director")])).toBe("stale");
    expect(statusOf([verdict("stale-director"), verdict("no-master")])).toBe("no-master");
    expect(statusOf([verdict("no-master"), verdict("vip-on-two-directors")])).toBe("split-brain");
  });
});

describe("verdicts of a group and of a VIP", () => {
  it("belong to the pair that has them, not to another pair reusing its VRID", () => {
    const health = healthOf([...seedCluster(), ...otherPair("MASTER")]);
    expect(statusOf(verdictsOfVip(health, SEED_VIP))).toBe("ok");
    expect(statusOf(verdictsOfVip(health, OTHER_VIP))).toBe("split-brain");
    const [seed, other] = health.groups;
    expect(seed && verdictsOfGroup(health, seed)).toEqual([]);
    expect(other && verdictsOfGroup(health, other).map((v) => v.kind)).toEqual(["split-brain"]);
  });

  it("include a service with no real server left and a stale member", () => {
    const down = seedService({ rs1: { health: "down" }, rs2: { weight: 0 } });
    const health = healthOf(seedCluster({ dir01: { services: [down] }, dir02: { services: [down], stale: true } }));
    expect(verdictsOfVip(health, SEED_VIP).map((v) => v.kind).sort()).toEqual(["all-real-servers-down", "stale-director"]);
    expect(statusOf(verdictsOfVip(health, SEED_VIP))).toBe("stale");
  });
});

describe("verdicts of one VIP in a group of several", () => {
  it("keep a service's verdict on its own VIP, while a group's split brain is on every VIP of the group", () => {
    const SECOND_VIP = "192.168.50.101";
    const down = seedService({ rs1: { health: "down" }, rs2: { health: "down" } });
    const both = [SEED_VIP, SECOND_VIP];
    const health = healthOf(seedCluster({ dir01: { services: [down], vrrp: [vrrp(SEED_VRID, "MASTER", both)] }, dir02: { services: [down], vrrp: [vrrp(SEED_VRID, "BACKUP", both)] } }));
    expect(verdictsOfVip(health, SEED_VIP).map((v) => v.kind)).toEqual(["all-real-servers-down"]);
    expect(verdictsOfVip(health, SECOND_VIP)).toEqual([]);
    const split = healthOf(seedCluster({ dir01: { vrrp: [vrrp(SEED_VRID, "MASTER", both)] }, dir02: { vrrp: [vrrp(SEED_VRID, "MASTER", both)] } }));
    expect(statusOf(verdictsOfVip(split, SECOND_VIP))).toBe("split-brain");
  });
});

describe("scope", () => {
  it("shows a VIP-scoped viewer only the groups and verdicts of its VIPs", () => {
    const health = healthOf([...seedCluster({ dir02: { stale: true } }), ...otherPair("MASTER")]);
    const mine = scopeHealth(health, [SEED_VIP]);
    expect(mine.groups.map((g) => g.vips)).toEqual([[SEED_VIP]]);
    expect(mine.verdicts.map((v) => v.kind)).toEqual(["stale-director"]);
    expect(health.verdicts.filter((v) => verdictInScope(v, [OTHER_VIP])).map((v) => v.kind)).toEqual(["split-brain"]);
  });
});

describe("scope of a group with VIPs on both sides", () => {
  it("keeps only the viewer's VIPs in the group and its verdicts", () => {
    const both = [SEED_VIP, "192.168.50.101"];
    const directors = seedCluster({ dir02: { vrrp: [vrrp(SEED_VRID, "MASTER", both)] }, dir01: { vrrp: [vrrp(SEED_VRID, "MASTER", both)], vipsPresent: [SEED_VIP] } });
    const mine = scopeHealth(healthOf(directors), ["192.168.50.101"]);
    expect(mine.groups.map((g) => g.vips)).toEqual([["192.168.50.101"]]);
    expect(mine.verdicts.map((v) => [v.kind, v.scope.vips])).toEqual([["split-brain", ["192.168.50.101"]]]);
  });
});

describe("alertOfVerdict", () => {
  it("keeps the id and spells the VIPs as one field", () => {
    const [split] = deriveVerdicts(verdictInput(otherPair("MASTER")));
    expect(split && alertOfVerdict(split)).toMatchObject({ id: `split-brain|vrid=88|vip=${OTHER_VIP}`, rule: "split-brain", scope: { vrid: 88, vip: OTHER_VIP } });
  });
});
