import type { RealServer } from "@lvsdeck/protocol";
import { describe, expect, it } from "vitest";
import { createTimeWaitHistory, deriveVerdicts, sampleTimeWait } from "./index";
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

  describe("by growth over the window", () => {
    const at = (timeWait: number[]) => cluster(...timeWait.map((n) => ({ ESTABLISHED: 80, TIME_WAIT: n })));
    const T0 = verdictInput([]).now;

    it("is raised for a server gaining TIME_WAIT far faster than its peers, before its level stands out", () => {
      const earlier = sampleTimeWait(at([100, 100, 100, 100]), T0 - 60_000);
      // 400 against peers' 130: not yet 5x the level, but a gain of 300 against their 30.
      const verdicts = deriveVerdicts(verdictInput(at([400, 130, 130, 130]), { timeWaitEarlier: earlier }));
      expect(rules(verdicts)).toEqual(["time-wait-pileup"]);
      expect(verdicts[0]?.message).toBe(
        `192.168.50.11:443 in TCP ${SEED_VIP}:443 has 400 connections in TIME_WAIT, up 300 in 60 s where its peers' median gain was 30 on lvs-dir-01: it closes far more connections than they do (keep-alive off, a client reconnecting in a loop)`,
      );
      // The same counts with no earlier sample are a level below the alert.
      expect(rules(deriveVerdicts(verdictInput(at([400, 130, 130, 130]))))).toEqual([]);
    });

    it("names both when level and growth are out of line", () => {
      const earlier = sampleTimeWait(at([100, 100, 100, 100]), T0 - 60_000);
      const verdicts = deriveVerdicts(verdictInput(at([900, 110, 110, 110]), { timeWaitEarlier: earlier }));
      expect(verdicts[0]?.message).toContain("900 connections in TIME_WAIT, 8x its peers' median (110), up 800 in 60 s where its peers' median gain was 10 on");
    });

    it("is not raised when every server grows alike, the gain is small, or the server was not counted before", () => {
      const earlier = sampleTimeWait(at([100, 100, 100, 100]), T0 - 60_000);
      expect(rules(deriveVerdicts(verdictInput(at([450, 450, 450, 450]), { timeWaitEarlier: earlier })))).toEqual([]);
      expect(rules(deriveVerdicts(verdictInput(at([300, 110, 110, 110]), { timeWaitEarlier: earlier })))).toEqual([]);
      expect(rules(deriveVerdicts(verdictInput(at([300, 110, 110, 110]), { timeWaitEarlier: earlier }), { timeWaitGrowthMin: 150 }))).toEqual(["time-wait-pileup"]);
      const unknown = sampleTimeWait(cluster(undefined, { TIME_WAIT: 100 }, { TIME_WAIT: 100 }, { TIME_WAIT: 100 }), T0 - 60_000);
      expect(unknown.counts.size).toBe(3);
      expect(rules(deriveVerdicts(verdictInput(at([400, 130, 130, 130]), { timeWaitEarlier: unknown })))).toEqual([]);
    });
  });
});

describe("TIME_WAIT history", () => {
  const four = (n: number) => cluster(...[n, 10, 10, 10].map((tw) => ({ ESTABLISHED: 5, TIME_WAIT: tw })));

  it("gives the newest sample a whole window old, sampling at most every sixth of it and forgetting older ones", () => {
    const history = createTimeWaitHistory(60_000);
    expect(history.earlier(0)).toBeUndefined();
    for (let t = 0; t <= 125_000; t += 1_000) history.note(four(t), t);
    const earlier = history.earlier(125_000);
    // Samples at 0, 10 s, 20 s, … : the newest at least 60 s before 125 s is the one at 60 s.
    expect(earlier?.at).toBe(60_000);
    expect(earlier?.counts.get(`lvs-dir-01|TCP ${SEED_VIP}:443|192.168.50.11:443`)).toBe(60_000);
    expect(history.earlier(50_000)?.at).toBeUndefined();
  });

  it("starts over when the clock goes back", () => {
    const history = createTimeWaitHistory(60_000);
    history.note(four(1), 100_000);
    history.note(four(2), 50_000);
    expect(history.earlier(110_000)?.at).toBe(50_000);
    expect(history.earlier(109_000)).toBeUndefined();
  });
});
