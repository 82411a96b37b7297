import { describe, expect, it } from "vitest";
import type { ClusterResponse } from "@lvsdeck/protocol";
import { director, vrrp } from "@lvsdeck/cluster/fixtures";
import { defaultDirector, defaultVip } from "./connectionsModel";

const cluster = {
  serverTime: 0,
  staleAfterTicks: 3,
  directors: [
    director("lvs-dir-01", { vrrp: [vrrp(51, "MASTER", ["192.0.2.10/32"]), vrrp(52, "BACKUP", ["192.0.2.20/32"])] }),
    director("lvs-dir-02", { vrrp: [vrrp(51, "BACKUP", ["192.0.2.10/32"]), vrrp(52, "MASTER", ["192.0.2.20/32"])] }),
  ],
  health: { groups: [], verdicts: [] },
} as unknown as ClusterResponse;

describe("connection browser defaults", () => {
  it("reads the table of the director that is MASTER for the user's VIP now", () => {
    expect(defaultDirector(cluster, "192.0.2.20")).toBe("lvs-dir-02");
    expect(defaultDirector(cluster, "192.0.2.10")).toBe("lvs-dir-01");
    expect(defaultDirector(cluster)).toBe("lvs-dir-01");
  });

  it("pre-fills a VIP-scoped user's VIP, and none for an unscoped one", () => {
    expect(defaultVip(["192.0.2.20", "192.0.2.10"])).toBe("192.0.2.20");
    expect(defaultVip(null)).toBe("");
  });
});
