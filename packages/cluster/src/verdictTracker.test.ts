import { describe, expect, it } from "vitest";
import { createVerdictTracker } from "./index";
import { SEED_VIP, SEED_VRID, T0, verdictInput, seedCluster, vrrp } from "./fixtures";

const TICK = 1000;

describe("alert tracker on a recorded failover", () => {
  // lvs-dir-01's agent dies while MASTER; keepalived on lvs-dir-02 takes over three adverts later.
  const sequence = [
    { now: T0, directors: seedCluster() },
    { now: T0 + 4 * TICK, directors: seedCluster({ dir01: { stale: true } }) },
    { now: T0 + 5 * TICK, directors: seedCluster({ dir01: { connected: false } }) },
    {
      now: T0 + 7 * TICK,
      directors: seedCluster({ dir01: { connected: false }, dir02: { vrrp: [vrrp(SEED_VRID, "MASTER", [SEED_VIP])], vipsPresent: [SEED_VIP] } }),
    },
    { now: T0 + 60 * TICK, directors: seedCluster({ dir02: { vrrp: [vrrp(SEED_VRID, "MASTER", [SEED_VIP])], vipsPresent: [SEED_VIP] } }) },
  ];

  it("raises, keeps and clears each alert once, with ids and since stable", () => {
    const tracker = createVerdictTracker();
    const steps = sequence.map((step) => tracker.update(verdictInput(step.directors, { now: step.now })));
    const ids = (verdicts: { id: string }[]) => verdicts.map((a) => a.id);

    expect(steps[0]?.active).toEqual([]);
    // No MASTER for 3 s is keepalived's own master-down interval at work, not an outage: never raised.
    expect(ids(steps[1]!.raised)).toEqual(["stale-director|director=lvs-dir-01"]);
    expect(steps[2]!.raised).toEqual([]);
    expect(steps[2]!.updated.map((a) => a.message)).toEqual(["lvs-dir-01 is stale: agent disconnected"]);
    expect(steps[2]!.active.map((a) => a.since)).toEqual([T0 + 4 * TICK]);
    expect(steps[3]!.cleared).toEqual([]);
    expect(steps[3]!.active).toMatchObject([{ id: "stale-director|director=lvs-dir-01", since: T0 + 4 * TICK }]);
    // lvs-dir-01 is back and MASTER again by preemption in its report while lvs-dir-02 is still MASTER:
    // within two advert intervals that is a preemption in progress, not yet a split brain.
    expect(steps[4]!.raised).toEqual([]);
    expect(steps[4]!.cleared.map((a) => a.kind)).toEqual(["stale-director"]);
    // Still both MASTER two adverts later: now it is one.
    const stillBoth = tracker.update(verdictInput(sequence[4]!.directors, { now: sequence[4]!.now + 2 * TICK }));
    expect(stillBoth.raised.map((a) => a.kind)).toEqual(["split-brain", "vip-on-two-directors"]);
    expect(stillBoth.raised.map((a) => a.since)).toEqual([sequence[4]!.now, sequence[4]!.now]);
    expect(tracker.active().map((a) => a.severity)).toEqual(["critical", "critical"]);
  });
});

describe("a hub that just started", () => {
  // Only the BACKUP's agent is back after the hub restarted; the MASTER's reconnects 12 s later.
  const backupOnly = seedCluster().filter((d) => d.id === "lvs-dir-02");

  it("does not call a group without MASTER while it waits for the directors it knew to report", () => {
    const tracker = createVerdictTracker();
    const waitUntil = T0 + 30 * TICK;
    const early = tracker.update(verdictInput(backupOnly, { now: T0, holdNoMasterUntil: waitUntil }));
    const later = tracker.update(verdictInput(backupOnly, { now: T0 + 10 * TICK, holdNoMasterUntil: waitUntil }));
    expect([...early.raised, ...later.raised].map((v) => v.kind)).not.toContain("no-master");
    // The MASTER is back: nothing was ever raised.
    const back = tracker.update(verdictInput(seedCluster(), { now: T0 + 12 * TICK }));
    expect(back.raised.map((v) => v.kind)).not.toContain("no-master");
  });

  it("raises it once the wait is over and the MASTER is still missing", () => {
    const tracker = createVerdictTracker();
    tracker.update(verdictInput(backupOnly, { now: T0, holdNoMasterUntil: T0 + 30 * TICK }));
    const over = tracker.update(verdictInput(backupOnly, { now: T0 + 30 * TICK }));
    expect(over.raised.map((v) => v.kind)).toContain("no-master");
    // Since when it was first seen, not since the wait ended.
    expect(over.raised.find((v) => v.kind === "no-master")?.since).toBe(T0);
  });
});
