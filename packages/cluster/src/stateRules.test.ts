import type { RealServer } from "@lvsdeck/protocol";
import { describe, expect, it } from "vitest";
import { deriveVerdicts } from "./index";
import { SEED_VIP, realServer, seedCluster, service, verdictInput } from "./fixtures";

const rules = (verdicts: { kind: string }[]) => verdicts.map((a) => a.kind);
/** The seed VIP's service with four real servers carrying these state counts, on both directors. */
const cluster = (...states: (Record<string, number> | undefined)[]) => {
  const servers: RealServer[] = states.map((s, i) => realServer(`192.168.50.${11 + i}`, 443, s === undefined ? {} : { states: s }));
  const svc = service(SEED_VIP, 443, servers);
  return seedCluster({ dir01: { services: [svc] }, dir02: { services: [svc] } });
};

describe("syn-flood", () => {
  it("is raised for a service whose handshakes fail on most of its real servers, and no single server is singled out", () => {
    const flood = { SYN_RECV: 150, ESTABLISHED: 40 };
    const verdicts = deriveVerdicts(verdictInput(cluster(flood, flood, flood, { SYN_RECV: 10, ESTABLISHED: 50 })));
    expect(rules(verdicts)).toEqual(["syn-flood"]);
    expect(verdicts[0]).toMatchObject({ severity: "critical", scope: { service: `TCP ${SEED_VIP}:443` } });
    expect(verdicts[0]?.message).toBe(`TCP ${SEED_VIP}:443 is under a SYN flood: 460 half-open connections (SYN_RECV, 73 % of its entries) across 3 of 4 real servers on lvs-dir-01`);
  });

  it("leaves one bad server to half-open-connections, and a busy healthy service alone", () => {
    const calm = { SYN_RECV: 2, ESTABLISHED: 60 };
    expect(rules(deriveVerdicts(verdictInput(cluster({ SYN_RECV: 300, ESTABLISHED: 10 }, calm, calm, calm))))).toEqual(["half-open-connections"]);
    expect(rules(deriveVerdicts(verdictInput(cluster({ SYN_RECV: 40, ESTABLISHED: 400 }, { SYN_RECV: 40, ESTABLISHED: 400 }, calm, calm))))).toEqual([]);
  });

  it("needs counts: real servers never counted raise nothing, and the thresholds are configurable", () => {
    expect(rules(deriveVerdicts(verdictInput(cluster(undefined, undefined, undefined))))).toEqual([]);
    const small = { SYN_RECV: 30, ESTABLISHED: 5 };
    expect(rules(deriveVerdicts(verdictInput(cluster(small, small, small))))).toEqual([]);
    expect(rules(deriveVerdicts(verdictInput(cluster(small, small, small)), { synFloodMin: 50 }))).toEqual(["syn-flood"]);
  });
});

describe("time-wait-pileup", () => {
  it("is raised for the real server whose TIME_WAIT count is far above its peers' median", () => {
    const peer = { ESTABLISHED: 80, TIME_WAIT: 120 };
    const verdicts = deriveVerdicts(verdictInput(cluster({ ESTABLISHED: 80, TIME_WAIT: 900 }, peer, peer, { ESTABLISHED: 70, TIME_WAIT: 140 })));
    expect(rules(verdicts)).toEqual(["time-wait-pileup"]);
    expect(verdicts[0]).toMatchObject({ severity: "warning", scope: { service: `TCP ${SEED_VIP}:443`, realServer: "192.168.50.11:443" } });
    expect(verdicts[0]?.message).toBe(
      `192.168.50.11:443 in TCP ${SEED_VIP}:443 has 900 connections in TIME_WAIT, 8x its peers' median (120) on lvs-dir-01: it closes far more connections than they do (keep-alive off, a client reconnecting in a loop)`,
    );
  });

  it("is not raised when every server piles up alike, below the minimum, or with fewer than two peers to compare", () => {
    const busy = { ESTABLISHED: 80, TIME_WAIT: 900 };
    expect(rules(deriveVerdicts(verdictInput(cluster(busy, busy, busy))))).toEqual([]);
    expect(rules(deriveVerdicts(verdictInput(cluster({ TIME_WAIT: 400 }, { TIME_WAIT: 10 }, { TIME_WAIT: 10 }))))).toEqual([]);
    expect(rules(deriveVerdicts(verdictInput(cluster({ TIME_WAIT: 900 }, { TIME_WAIT: 10 }))))).toEqual([]);
    expect(rules(deriveVerdicts(verdictInput(cluster({ TIME_WAIT: 400 }, { TIME_WAIT: 10 }, { TIME_WAIT: 10 })), { timeWaitMin: 300 }))).toEqual(["time-wait-pileup"]);
  });
});
