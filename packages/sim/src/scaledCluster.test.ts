import { describe, expect, it } from "vitest";
import { scaledCluster } from "./scaledCluster";
import { seedCluster } from "./seedCluster";
import { createSimDirector } from "./simDirector";

describe("scaledCluster", () => {
  it("adds services with their own VIPs on the first instance, and a director serves them all", () => {
    const big = scaledCluster(seedCluster, 50, 20);
    expect(big.services).toHaveLength(seedCluster.services.length + 50);
    expect(big.services.slice(seedCluster.services.length).reduce((n, s) => n + s.realServers.length, 0)).toBe(1000);
    expect(big.vrrp[0]?.vips).toContain("203.0.113.50");
    const sim = createSimDirector({ director: "lvs-dir-01", seed: 1, now: 0, cluster: big });
    const services = sim.snapshot(1_000).services;
    expect(services.reduce((n, s) => n + s.realServers.length, 0)).toBe(1000 + seedCluster.services.reduce((n, s) => n + s.realServers.length, 0));
  });
  it("leaves the seed alone without extra services, and refuses sizes out of range", () => {
    expect(scaledCluster(seedCluster, 0, 20)).toBe(seedCluster);
    expect(() => scaledCluster(seedCluster, 251, 20)).toThrow("extra services must be 0 to 250, not 251");
    expect(() => scaledCluster(seedCluster, 5, 0)).toThrow("real servers per extra service must be 1 to 200, not 0");
  });
});
