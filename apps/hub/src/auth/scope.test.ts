import { describe, expect, it } from "vitest";
import { director, vrrp } from "@lvsdeck/cluster/fixtures";
import { sampleService } from "@lvsdeck/protocol/testFixtures";
import { scopeView } from "./scope";

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
