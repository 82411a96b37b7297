import { describe, expect, it } from "vitest";
import { createVerdictTracker, deriveVerdicts } from "./index";
import { SEED_VIP, SEED_VRID, T0, verdictInput, director, realServer, seedCluster, seedService, service, vrrp } from "./fixtures";

const rules = (verdicts: { kind: string }[]) => verdicts.map((a) => a.kind);
const MINUTE = 60_000;

describe("quorum-lost", () => {
  it("is raised when keepalived reports a live service's quorum down, naming its sorry server", () => {
    const lost = seedService();
    const withQuorum = { ...lost, checker: { quorum: 2, quorumUp: false, sorryServer: "192.0.2.99:443" as never, sorryServerInUse: true } };
    const verdicts = deriveVerdicts(verdictInput(seedCluster({ dir01: { services: [withQuorum] }, dir02: { services: [withQuorum] } })));
    expect(verdicts).toMatchObject([{ kind: "quorum-lost", severity: "warning", scope: { service: "TCP 192.168.50.100:443" } }]);
    expect(verdicts[0]?.message).toBe("quorum lost for TCP 192.168.50.100:443 on lvs-dir-01: sorry server 192.0.2.99:443 takes the traffic");
    const up = { ...lost, checker: { ...withQuorum.checker, quorumUp: true, sorryServerInUse: false } };
    expect(deriveVerdicts(verdictInput(seedCluster({ dir01: { services: [up] }, dir02: { services: [up] } })))).toEqual([]);
  });
});

describe("all-real-servers-down", () => {
  const allOut = seedService({ rs1: { health: "down", weight: 0 }, rs2: { weight: 0 } });

  it("is raised for the MASTER's service when every real server is down or at weight 0, and cleared when one returns", () => {
    const tracker = createVerdictTracker();
    const both = (svc: typeof allOut) => seedCluster({ dir01: { services: [svc] }, dir02: { services: [svc] } });
    const down = tracker.update(verdictInput(both(allOut)));
    expect(down.raised).toMatchObject([
      { kind: "all-real-servers-down", severity: "critical", scope: { service: "TCP 192.168.50.100:443" } },
    ]);
    expect(down.raised[0]?.message).toBe("all 2 real servers of TCP 192.168.50.100:443 are out on lvs-dir-01: 1 down, 1 at weight 0");
    const back = tracker.update(verdictInput(both(seedService({ rs1: { health: "down" } }))));
    expect(rules(back.cleared)).toEqual(["all-real-servers-down"]);
  });

  it("counts a real server keepalived removed from the kernel table as out, and a service with none at all (0/0) as down", () => {
    const removed = seedService({ rs1: { health: "down", inKernel: false }, rs2: { inKernel: false, health: "unknown" } });
    const removedVerdicts = deriveVerdicts(verdictInput(seedCluster({ dir01: { services: [removed] }, dir02: { services: [removed] } })));
    expect(rules(removedVerdicts)).toEqual(["all-real-servers-down"]);
    expect(removedVerdicts[0]?.message).toBe("all 2 real servers of TCP 192.168.50.100:443 are out on lvs-dir-01: 2 removed by keepalived's checker, 0 at weight 0");
    const empty = service(SEED_VIP, 443, []);
    const verdicts = deriveVerdicts(verdictInput(seedCluster({ dir01: { services: [empty] }, dir02: { services: [empty] } })));
    expect(verdicts).toMatchObject([{ kind: "all-real-servers-down", severity: "critical" }]);
    expect(verdicts[0]?.message).toBe("TCP 192.168.50.100:443 has no real server in its table on lvs-dir-01: nothing takes its connections");
  });

  it("ignores the BACKUP's table, a stale MASTER and unknown health", () => {
    expect(rules(deriveVerdicts(verdictInput(seedCluster({ dir02: { services: [allOut] } }))))).toEqual(["tables-differ"]);
    expect(rules(deriveVerdicts(verdictInput(seedCluster({ dir01: { services: [allOut], stale: true } }))))).toEqual(["no-master", "stale-director"]);
    const unknown = seedService({ rs1: { health: "unknown" }, rs2: { health: "down" } });
    expect(deriveVerdicts(verdictInput(seedCluster({ dir01: { services: [unknown] }, dir02: { services: [unknown] } })))).toEqual([]);
    const empty = service(SEED_VIP, 80, []);
    expect(rules(deriveVerdicts(verdictInput(seedCluster({ dir02: { services: [seedService(), empty] } }))))).toEqual(["tables-differ"]);
  });

  it("only looks at services on VIPs the director is MASTER of, plus fwmark services, or all on a standalone director", () => {
    const otherVip = service("192.168.60.1", 443, [realServer("10.0.0.1", 443, { health: "down" })]);
    const fwmark = { ...service("192.168.60.2", 0, [realServer("10.0.0.2", 0, { weight: 0 })]), key: "FWM 100" as never, address: null, port: null, fwmark: 100 };
    const master = director("lvs-dir-01", { vrrp: [vrrp(SEED_VRID, "MASTER", [SEED_VIP])], services: [seedService(), otherVip, fwmark] });
    expect(deriveVerdicts(verdictInput([master])).map((a) => a.scope.service)).toEqual(["FWM 100"]);
    const standalone = director("lvs-solo", { services: [otherVip] });
    expect(deriveVerdicts(verdictInput([standalone])).map((a) => a.scope.service)).toEqual(["TCP 192.168.60.1:443"]);
  });
});

describe("drain-stuck", () => {
  const drains = [{ service: "TCP 192.168.50.100:443", realServer: "192.168.50.11:443", startedAt: T0 }];
  const draining = (activeConns: number, weight = 0) => {
    const svc = seedService({ rs1: { weight, activeConns } });
    return seedCluster({ dir01: { services: [svc] }, dir02: { services: [svc] } });
  };

  it("is raised ten minutes after the drain began while connections remain, and cleared when they are gone", () => {
    const tracker = createVerdictTracker();
    expect(tracker.update(verdictInput(draining(5), { drains, now: T0 + 9 * MINUTE })).raised).toEqual([]);
    const stuck = tracker.update(verdictInput(draining(5), { drains, now: T0 + 10 * MINUTE }));
    expect(stuck.raised).toMatchObject([
      { kind: "drain-stuck", severity: "warning", since: T0 + 10 * MINUTE, scope: { service: "TCP 192.168.50.100:443", realServer: "192.168.50.11:443" } },
    ]);
    expect(stuck.raised[0]?.message).toBe(
      "drain of 192.168.50.11:443 in TCP 192.168.50.100:443 stuck: active connections 5 on lvs-dir-01, 5 on lvs-dir-02 after 10 min",
    );
    expect(tracker.update(verdictInput(draining(3), { drains, now: T0 + 12 * MINUTE })).active).toMatchObject([{ since: T0 + 10 * MINUTE }]);
    expect(rules(tracker.update(verdictInput(draining(0), { drains, now: T0 + 13 * MINUTE })).cleared)).toEqual(["drain-stuck"]);
  });

  it("is not raised once the weight is back, and honours drainStuckAfterMs", () => {
    expect(deriveVerdicts(verdictInput(draining(5, 2), { drains, now: T0 + 20 * MINUTE }))).toEqual([]);
    expect(rules(deriveVerdicts(verdictInput(draining(5), { drains, now: T0 + MINUTE }), { drainStuckAfterMs: MINUTE }))).toEqual(["drain-stuck"]);
  });
});

describe("half-open-connections", () => {
  const both = (svc: ReturnType<typeof seedService>) => seedCluster({ dir01: { services: [svc] }, dir02: { services: [svc] } });

  it("is raised for the one real server whose handshakes do not complete while its peers' do", () => {
    const flooded = seedService({ rs1: { states: { SYN_RECV: 84, ESTABLISHED: 40 } }, rs2: { states: { ESTABLISHED: 60, TIME_WAIT: 30, SYN_RECV: 2 } } });
    const verdicts = deriveVerdicts(verdictInput(both(flooded)));
    expect(verdicts).toMatchObject([{ kind: "half-open-connections", severity: "warning", scope: { service: "TCP 192.168.50.100:443", realServer: "192.168.50.11:443" } }]);
    expect(verdicts[0]?.message).toBe(
      "192.168.50.11:443 in TCP 192.168.50.100:443 has 84 half-open connections (SYN_RECV, 68 % of its entries; its peers 2 %) on lvs-dir-01: a SYN flood toward it, or with direct routing a server that does not answer (VIP missing on its loopback, ARP)",
    );
  });

  it("is not raised when every server sees the same (a busy site), below the minimum, or without counts", () => {
    const everywhere = seedService({ rs1: { states: { SYN_RECV: 84, ESTABLISHED: 40 } }, rs2: { states: { SYN_RECV: 30, ESTABLISHED: 94 } } });
    expect(rules(deriveVerdicts(verdictInput(both(everywhere))))).toEqual([]);
    const few = seedService({ rs1: { states: { SYN_RECV: 19 } }, rs2: { states: { ESTABLISHED: 60 } } });
    expect(rules(deriveVerdicts(verdictInput(both(few))))).toEqual([]);
    expect(rules(deriveVerdicts(verdictInput(both(seedService()))))).toEqual([]);
  });

  it("follows the configured thresholds", () => {
    const few = seedService({ rs1: { states: { SYN_RECV: 19 } }, rs2: { states: { ESTABLISHED: 60 } } });
    expect(rules(deriveVerdicts(verdictInput(both(few)), { halfOpenMin: 10 }))).toEqual(["half-open-connections"]);
  });
});
