import { describe, expect, it } from "vitest";
import { director, vrrp } from "@lvsdeck/cluster/fixtures";
import { sampleService } from "@lvsdeck/protocol/testFixtures";
import type { ServiceKey } from "@lvsdeck/protocol";
import { scopeView } from "./scope";
import { inScope, type Principal } from "./principal";

describe("scopeView", () => {
  it("leaves out the services, VRRP instances and VIPs outside the principal's VIPs", () => {
    const view = director("d1", {
      vrrp: [vrrp(88, "MASTER", ["192.168.50.100/32", "192.168.50.101/32"]), vrrp(89, "MASTER", ["10.0.0.1"])],
      vipsPresent: ["192.168.50.100/32", "192.168.50.101/32", "10.0.0.1"],
      services: [sampleService("192.168.50.100", 443, []), sampleService("192.168.50.101", 443, [])],
    });
    const snapshot = scopeView(view, ["192.168.50.101"]).snapshot;
    expect(snapshot?.vrrp.map((i) => [i.vrid, i.vips])).toEqual([[88, ["192.168.50.101/32"]]]);
    expect(snapshot?.vipsPresent).toEqual(["192.168.50.101/32"]);
    expect(snapshot?.services.map((s) => s.key)).toEqual(["TCP 192.168.50.101:443"]);
  });
});

describe("scope follows the service key, not what an agent says beside it", () => {
  // A rogue agent claims a service keyed on VIP .101 whose `address` field says .100.
  const forged = { ...sampleService("192.168.50.101", 80, []), address: "192.168.50.100" };
  const scoped: Principal = { kind: "user", user: { name: "sam", role: "operator", vips: ["192.168.50.100"], createdAt: 0, disabled: false } };

  it("refuses a .100-scoped operator a service keyed on .101", () => {
    expect(inScope(scoped, forged)).toBe(false);
    expect(inScope(scoped, sampleService("192.168.50.100", 443, []))).toBe(true);
    expect(inScope(scoped, { key: "FWM 7" as ServiceKey })).toBe(false);
  });

  it("leaves the forged service out of a .100-scoped view", () => {
    const view = director("rogue", { services: [forged, sampleService("192.168.50.100", 443, [])] });
    expect(scopeView(view, ["192.168.50.100"]).snapshot?.services.map((s) => s.key)).toEqual(["TCP 192.168.50.100:443"]);
  });
});
