import { describe, expect, it } from "vitest";
import { createVerdictTracker, deriveVerdicts } from "./index";
import { SEED_VIP, SEED_VRID, T0, verdictInput, director, seedCluster, vrrp } from "./fixtures";
import { masterDownMs } from "./vrrpRules";

const rules = (verdicts: { kind: string }[]) => verdicts.map((a) => a.kind);

describe("the healthy seed cluster", () => {
  it("raises nothing", () => {
    expect(deriveVerdicts(verdictInput(seedCluster()))).toEqual([]);
  });
});

describe("split-brain", () => {
  const bothMaster = (dir02: { stale?: boolean } = {}) =>
    seedCluster({ dir02: { vrrp: [vrrp(SEED_VRID, "MASTER", [SEED_VIP])], ...dir02 } });

  it("is raised, kept with the same since, and cleared when the BACKUP steps down", () => {
    const tracker = createVerdictTracker();
    expect(tracker.update(verdictInput(seedCluster())).raised).toEqual([]);
    // A preemption overlaps by less than one advert: two MASTERs become a split brain only after two.
    expect(tracker.update(verdictInput(bothMaster(), { now: T0 + 1000 })).raised).toEqual([]);
    const split = tracker.update(verdictInput(bothMaster(), { now: T0 + 3000 }));
    expect(split.raised).toMatchObject([
      { kind: "split-brain", severity: "critical", since: T0 + 1000, scope: { vrid: 88, vips: [SEED_VIP] } },
    ]);
    expect(split.raised[0]?.message).toBe("split brain on VRID 88 (192.168.50.100): MASTER on lvs-dir-01 and lvs-dir-02");
    const later = tracker.update(verdictInput(bothMaster(), { now: T0 + 60_000 }));
    expect(later.raised).toEqual([]);
    expect(later.active).toMatchObject([{ id: split.raised[0]?.id, since: T0 + 1000 }]);
    const healed = tracker.update(verdictInput(seedCluster(), { now: T0 + 61_000 }));
    expect(rules(healed.cleared)).toEqual(["split-brain"]);
    expect(healed.active).toEqual([]);
  });

  it("does not call a preemption's overlap of two MASTERs (under one advert) a split brain", () => {
    const tracker = createVerdictTracker();
    tracker.update(verdictInput(seedCluster(), { now: T0 }));
    const overlap = tracker.update(verdictInput(bothMaster(), { now: T0 + 1000 }));
    const settled = tracker.update(verdictInput(seedCluster(), { now: T0 + 1060 }));
    expect([...overlap.raised, ...settled.raised, ...settled.cleared]).toEqual([]);
  });

  it("does not count a stale MASTER", () => {
    expect(rules(deriveVerdicts(verdictInput(bothMaster({ stale: true }))))).toEqual(["stale-director"]);
  });

  it("treats the same VRID on disjoint VIPs as two networks, and overlapping VIP sets as one", () => {
    const other = [director("lvs-dir-01", { vrrp: [vrrp(88, "MASTER", [SEED_VIP])] }), director("lvs-b-01", { vrrp: [vrrp(88, "MASTER", ["10.0.0.1"])] })];
    expect(deriveVerdicts(verdictInput(other))).toEqual([]);
    const overlapping = [
      director("lvs-dir-01", { vrrp: [vrrp(88, "MASTER", [SEED_VIP, "192.168.50.101"])] }),
      director("lvs-dir-02", { vrrp: [vrrp(88, "MASTER", [`${SEED_VIP}/32`])] }),
    ];
    expect(deriveVerdicts(verdictInput(overlapping))).toMatchObject([
      { kind: "split-brain", scope: { vrid: 88, vips: ["192.168.50.100", "192.168.50.101"] } },
    ]);
  });
});

describe("no-master", () => {
  it("is raised when every director is BACKUP and cleared when one becomes MASTER", () => {
    const tracker = createVerdictTracker();
    const noMaster = seedCluster({ dir01: { vrrp: [vrrp(SEED_VRID, "BACKUP", [SEED_VIP])], vipsPresent: [] } });
    expect(tracker.update(verdictInput(noMaster)).raised).toEqual([]);
    const raised = tracker.update(verdictInput(noMaster, { now: T0 + 4_000 }));
    expect(raised.raised).toMatchObject([{ kind: "no-master", severity: "critical", scope: { vrid: 88, vips: [SEED_VIP] } }]);
    expect(raised.raised[0]?.message).toBe("no MASTER for VRID 88 (192.168.50.100): lvs-dir-01 BACKUP, lvs-dir-02 BACKUP");
    expect(rules(tracker.update(verdictInput(seedCluster(), { now: T0 + 5000 })).cleared)).toEqual(["no-master"]);
  });

  it("becomes a verdict only after the master-down interval, dated from when it was first seen", () => {
    // A start-up election (both BACKUP) or a clean failover: a BACKUP takes over within 3 x advert_int + skew.
    const tracker = createVerdictTracker();
    const allBackup = seedCluster({ dir01: { vrrp: [vrrp(SEED_VRID, "BACKUP", [SEED_VIP])], vipsPresent: [] } });
    expect(masterDownMs({ advertIntervalMs: 1000, effectivePriority: 100 })).toBe(3_610);
    expect(tracker.update(verdictInput(allBackup)).raised).toEqual([]);
    expect(tracker.update(verdictInput(allBackup, { now: T0 + 3_000 })).raised).toEqual([]);
    // Elected in time: nothing was ever raised.
    expect(tracker.update(verdictInput(seedCluster(), { now: T0 + 3_500 }))).toMatchObject({ raised: [], cleared: [], active: [] });
    // Nobody takes over: raised once the interval has passed, since the first sight.
    expect(tracker.update(verdictInput(allBackup, { now: T0 + 10_000 })).raised).toEqual([]);
    const raised = tracker.update(verdictInput(allBackup, { now: T0 + 13_700 })).raised;
    expect(raised).toMatchObject([{ kind: "no-master", since: T0 + 10_000 }]);
  });

  it("counts a stale MASTER as no MASTER", () => {
    const verdicts = deriveVerdicts(verdictInput(seedCluster({ dir01: { stale: true } })));
    expect(rules(verdicts)).toEqual(["no-master", "stale-director"]);
    expect(verdicts[0]?.message).toContain("lvs-dir-01 MASTER (stale)");
  });

  it("is raised for FAULT on the only director carrying the VRID", () => {
    const verdicts = deriveVerdicts(verdictInput([director("lvs-dir-01", { vrrp: [vrrp(12, "FAULT", [])] })]));
    expect(verdicts).toMatchObject([{ kind: "no-master", scope: { vrid: 12 }, message: "no MASTER for VRID 12: lvs-dir-01 FAULT" }]);
  });
});

describe("flapping", () => {
  const at = (...offsets: number[]) => offsets.map((o) => ({ director: "lvs-dir-02", vrid: SEED_VRID, at: T0 + o }));

  it("needs four transitions of one VRID on one director within five minutes", () => {
    expect(deriveVerdicts(verdictInput(seedCluster(), { recentTransitions: at(-60_000, -30_000, -1000) }))).toEqual([]);
    const tooOld = at(-301_000, -60_000, -30_000, -1000);
    expect(deriveVerdicts(verdictInput(seedCluster(), { recentTransitions: tooOld }))).toEqual([]);
    const otherDirector = [...at(-60_000, -30_000), ...at(-20_000, -1000).map((t) => ({ ...t, director: "lvs-dir-01" }))];
    expect(deriveVerdicts(verdictInput(seedCluster(), { recentTransitions: otherDirector }))).toEqual([]);
    const verdicts = deriveVerdicts(verdictInput(seedCluster(), { recentTransitions: at(-240_000, -60_000, -30_000, -1000) }));
    expect(verdicts).toMatchObject([
      { kind: "flapping", severity: "warning", since: T0 - 240_000, scope: { vrid: 88, director: "lvs-dir-02" } },
    ]);
    expect(verdicts[0]?.message).toBe("VRID 88 on lvs-dir-02 flapping: 4 transitions in 5 min");
  });

  it("clears once the window slides past the transitions, and honours options", () => {
    const tracker = createVerdictTracker({ flapTransitions: 2, flapWindowMs: 60_000 });
    const recentTransitions = at(-10_000, -5000);
    expect(rules(tracker.update(verdictInput(seedCluster(), { recentTransitions })).raised)).toEqual(["flapping"]);
    expect(tracker.update(verdictInput(seedCluster(), { recentTransitions, now: T0 + 30_000 })).active).toMatchObject([{ since: T0 - 10_000 }]);
    expect(rules(tracker.update(verdictInput(seedCluster(), { recentTransitions, now: T0 + 56_000 })).cleared)).toEqual(["flapping"]);
  });
});

describe("stale-director", () => {
  it("is raised for old data and for a disconnected agent, not for one awaiting its first snapshot", () => {
    const old = director("lvs-dir-03", { stale: true, receivedAt: T0 - 5000 });
    const gone = director("lvs-dir-04", { connected: false });
    const waiting = director("lvs-dir-05", { stale: true, receivedAt: null });
    const verdicts = deriveVerdicts(verdictInput([old, gone, waiting]));
    expect(verdicts.map((a) => [a.kind, a.severity, a.scope.director, a.message])).toEqual([
      ["stale-director", "warning", "lvs-dir-03", "lvs-dir-03 is stale: no data for 5 s"],
      ["stale-director", "warning", "lvs-dir-04", "lvs-dir-04 is stale: agent disconnected"],
    ]);
  });

  it("clears when data flows again", () => {
    const tracker = createVerdictTracker();
    tracker.update(verdictInput([director("lvs-dir-03", { stale: true })]));
    expect(rules(tracker.update(verdictInput([director("lvs-dir-03")])).cleared)).toEqual(["stale-director"]);
  });
});

describe("vip-on-two-directors", () => {
  it("is raised when keepalived -9 left the VIP behind on a director whose agent still reports fresh data", () => {
    const killed = seedCluster({
      dir01: { vrrp: [vrrp(SEED_VRID, "UNKNOWN", [SEED_VIP])], keepalivedRunning: false, vipsPresent: [SEED_VIP] },
      dir02: { vrrp: [vrrp(SEED_VRID, "MASTER", [SEED_VIP])], vipsPresent: [SEED_VIP] },
    });
    const verdicts = deriveVerdicts(verdictInput(killed));
    expect(verdicts).toMatchObject([
      { kind: "vip-on-two-directors", severity: "critical", scope: { vips: [SEED_VIP] }, message: "VIP 192.168.50.100 is on lvs-dir-01 and lvs-dir-02" },
    ]);
  });

  it("ignores a stale director's last report", () => {
    const stale = seedCluster({ dir01: { stale: true }, dir02: { vrrp: [vrrp(SEED_VRID, "MASTER", [SEED_VIP])], vipsPresent: [SEED_VIP] } });
    expect(rules(deriveVerdicts(verdictInput(stale)))).toEqual(["stale-director"]);
  });
});
