import { describe, expect, it } from "vitest";
import { createAlertTracker, deriveAlerts } from "./index";
import { SEED_VIP, SEED_VRID, T0, alertInput, director, seedCluster, vrrp } from "./fixtures";

const rules = (alerts: { rule: string }[]) => alerts.map((a) => a.rule);

describe("the healthy seed cluster", () => {
  it("raises nothing", () => {
    expect(deriveAlerts(alertInput(seedCluster()))).toEqual([]);
  });
});

describe("split-brain", () => {
  const bothMaster = (dir02: { stale?: boolean } = {}) =>
    seedCluster({ dir02: { vrrp: [vrrp(SEED_VRID, "MASTER", [SEED_VIP])], ...dir02 } });

  it("is raised, kept with the same since, and cleared when the BACKUP steps down", () => {
    const tracker = createAlertTracker();
    expect(tracker.update(alertInput(seedCluster())).raised).toEqual([]);
    const split = tracker.update(alertInput(bothMaster(), { now: T0 + 1000 }));
    expect(split.raised).toMatchObject([
      { rule: "split-brain", severity: "critical", since: T0 + 1000, scope: { vrid: 88, vip: SEED_VIP } },
    ]);
    expect(split.raised[0]?.message).toBe("split brain on VRID 88 (192.168.50.100): MASTER on lvs-dir-01 and lvs-dir-02");
    const later = tracker.update(alertInput(bothMaster(), { now: T0 + 60_000 }));
    expect(later.raised).toEqual([]);
    expect(later.active).toMatchObject([{ id: split.raised[0]?.id, since: T0 + 1000 }]);
    const healed = tracker.update(alertInput(seedCluster(), { now: T0 + 61_000 }));
    expect(rules(healed.cleared)).toEqual(["split-brain"]);
    expect(healed.active).toEqual([]);
  });

  it("does not count a stale MASTER", () => {
    expect(rules(deriveAlerts(alertInput(bothMaster({ stale: true }))))).toEqual(["stale-director"]);
  });

  it("treats the same VRID on disjoint VIPs as two networks, and overlapping VIP sets as one", () => {
    const other = [director("lvs-dir-01", { vrrp: [vrrp(88, "MASTER", [SEED_VIP])] }), director("lvs-b-01", { vrrp: [vrrp(88, "MASTER", ["10.0.0.1"])] })];
    expect(deriveAlerts(alertInput(other))).toEqual([]);
    const overlapping = [
      director("lvs-dir-01", { vrrp: [vrrp(88, "MASTER", [SEED_VIP, "192.168.50.101"])] }),
      director("lvs-dir-02", { vrrp: [vrrp(88, "MASTER", [`${SEED_VIP}/32`])] }),
    ];
    expect(deriveAlerts(alertInput(overlapping))).toMatchObject([
      { rule: "split-brain", scope: { vrid: 88, vip: "192.168.50.100,192.168.50.101" } },
    ]);
  });
});

describe("no-master", () => {
  it("is raised when every director is BACKUP and cleared when one becomes MASTER", () => {
    const tracker = createAlertTracker();
    const noMaster = seedCluster({ dir01: { vrrp: [vrrp(SEED_VRID, "BACKUP", [SEED_VIP])], vipsPresent: [] } });
    const raised = tracker.update(alertInput(noMaster));
    expect(raised.raised).toMatchObject([{ rule: "no-master", severity: "critical", scope: { vrid: 88, vip: SEED_VIP } }]);
    expect(raised.raised[0]?.message).toBe("no MASTER for VRID 88 (192.168.50.100): lvs-dir-01 BACKUP, lvs-dir-02 BACKUP");
    expect(rules(tracker.update(alertInput(seedCluster(), { now: T0 + 3000 })).cleared)).toEqual(["no-master"]);
  });

  it("counts a stale MASTER as no MASTER", () => {
    const alerts = deriveAlerts(alertInput(seedCluster({ dir01: { stale: true } })));
    expect(rules(alerts)).toEqual(["no-master", "stale-director"]);
    expect(alerts[0]?.message).toContain("lvs-dir-01 MASTER (stale)");
  });

  it("is raised for FAULT on the only director carrying the VRID", () => {
    const alerts = deriveAlerts(alertInput([director("lvs-dir-01", { vrrp: [vrrp(12, "FAULT", [])] })]));
    expect(alerts).toMatchObject([{ rule: "no-master", scope: { vrid: 12 }, message: "no MASTER for VRID 12: lvs-dir-01 FAULT" }]);
  });
});

describe("flapping", () => {
  const at = (...offsets: number[]) => offsets.map((o) => ({ director: "lvs-dir-02", vrid: SEED_VRID, at: T0 + o }));

  it("needs four transitions of one VRID on one director within five minutes", () => {
    expect(deriveAlerts(alertInput(seedCluster(), { recentTransitions: at(-60_000, -30_000, -1000) }))).toEqual([]);
    const tooOld = at(-301_000, -60_000, -30_000, -1000);
    expect(deriveAlerts(alertInput(seedCluster(), { recentTransitions: tooOld }))).toEqual([]);
    const otherDirector = [...at(-60_000, -30_000), ...at(-20_000, -1000).map((t) => ({ ...t, director: "lvs-dir-01" }))];
    expect(deriveAlerts(alertInput(seedCluster(), { recentTransitions: otherDirector }))).toEqual([]);
    const alerts = deriveAlerts(alertInput(seedCluster(), { recentTransitions: at(-240_000, -60_000, -30_000, -1000) }));
    expect(alerts).toMatchObject([
      { rule: "flapping", severity: "warning", since: T0 - 240_000, scope: { vrid: 88, director: "lvs-dir-02" } },
    ]);
    expect(alerts[0]?.message).toBe("VRID 88 on lvs-dir-02 flapping: 4 transitions in 5 min");
  });

  it("clears once the window slides past the transitions, and honours options", () => {
    const tracker = createAlertTracker({ flapTransitions: 2, flapWindowMs: 60_000 });
    const recentTransitions = at(-10_000, -5000);
    expect(rules(tracker.update(alertInput(seedCluster(), { recentTransitions })).raised)).toEqual(["flapping"]);
    expect(tracker.update(alertInput(seedCluster(), { recentTransitions, now: T0 + 30_000 })).active).toMatchObject([{ since: T0 - 10_000 }]);
    expect(rules(tracker.update(alertInput(seedCluster(), { recentTransitions, now: T0 + 56_000 })).cleared)).toEqual(["flapping"]);
  });
});

describe("stale-director", () => {
  it("is raised for old data and for a disconnected agent, not for one awaiting its first snapshot", () => {
    const old = director("lvs-dir-03", { stale: true, receivedAt: T0 - 5000 });
    const gone = director("lvs-dir-04", { connected: false });
    const waiting = director("lvs-dir-05", { stale: true, receivedAt: null });
    const alerts = deriveAlerts(alertInput([old, gone, waiting]));
    expect(alerts.map((a) => [a.rule, a.severity, a.scope.director, a.message])).toEqual([
      ["stale-director", "warning", "lvs-dir-03", "lvs-dir-03 is stale: no data for 5 s"],
      ["stale-director", "warning", "lvs-dir-04", "lvs-dir-04 is stale: agent disconnected"],
    ]);
  });

  it("clears when data flows again", () => {
    const tracker = createAlertTracker();
    tracker.update(alertInput([director("lvs-dir-03", { stale: true })]));
    expect(rules(tracker.update(alertInput([director("lvs-dir-03")])).cleared)).toEqual(["stale-director"]);
  });
});

describe("vip-on-two-directors", () => {
  it("is raised when keepalived -9 left the VIP behind on a director whose agent still reports fresh data", () => {
    const killed = seedCluster({
      dir01: { vrrp: [vrrp(SEED_VRID, "UNKNOWN", [SEED_VIP])], keepalivedRunning: false, vipsPresent: [SEED_VIP] },
      dir02: { vrrp: [vrrp(SEED_VRID, "MASTER", [SEED_VIP])], vipsPresent: [SEED_VIP] },
    });
    const alerts = deriveAlerts(alertInput(killed));
    expect(alerts).toMatchObject([
      { rule: "vip-on-two-directors", severity: "critical", scope: { vip: SEED_VIP }, message: "VIP 192.168.50.100 is on lvs-dir-01 and lvs-dir-02" },
    ]);
  });

  it("ignores a stale director's last report", () => {
    const stale = seedCluster({ dir01: { stale: true }, dir02: { vrrp: [vrrp(SEED_VRID, "MASTER", [SEED_VIP])], vipsPresent: [SEED_VIP] } });
    expect(rules(deriveAlerts(alertInput(stale)))).toEqual(["stale-director"]);
  });
});
