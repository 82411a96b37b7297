import { describe, expect, it } from "vitest";
import type { DirectorId, DirectorSnapshot, HubEvent, VrrpInstance, VrrpState } from "@lvsdeck/protocol";
import { sampleSnapshot } from "@lvsdeck/protocol/testFixtures";
import { openDatabase } from "./database";
import { createEventStore } from "./eventStore";
import { createTransitionTimes } from "./transitionTimes";
import type { PeerReading } from "@lvsdeck/cluster";
import type { VrrpCounters } from "@lvsdeck/protocol";

const zeroCounters: VrrpCounters = {
  advertRcvd: 0, advertSent: 0, becomeMaster: 0, releaseMaster: 0, packetLenErr: 0, advertIntervalErr: 0, ipTtlErr: 0,
  invalidTypeRcvd: 0, addrListErr: 0, invalidAuthtype: 0, authtypeMismatch: 0, authFailure: 0, priZeroRcvd: 0, priZeroSent: 0,
};

const director = "lvs-dir-02" as DirectorId;
const t0 = Date.UTC(2026, 10, 26, 3, 12, 0);

const instance = (state: VrrpState, lastTransitionAt: number | null): VrrpInstance => ({
  name: "VI_1", vrid: 51, interface: "eth0", state, basePriority: 100, effectivePriority: 100, advertIntervalMs: 1000,
  preempt: true, vips: ["192.0.2.10"], lastTransitionAt, masterRouter: null, syncGroup: null,
});
const snapshot = (state: VrrpState, lastTransitionAt: number | null): DirectorSnapshot => ({ ...sampleSnapshot(director, t0), vrrp: [instance(state, lastTransitionAt)] });

/** Resolves once every annotation already started has been stored and handed on (the store answers within a turn of the loop). */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve));

function setUp(peers: PeerReading[] = [], clock = { now: t0 }) {
  const events = createEventStore(openDatabase(":memory:"));
  const amended: HubEvent[] = [];
  const times = createTransitionTimes(events, (e) => amended.push(e), () => peers, () => clock.now, (err) => {
    throw err;
  });
  let seq = 0;
  /** Stores a transition as the agent reports it from a FIFO line: `at` is the line's arrival. */
  const transition = (from: VrrpState, to: VrrpState, at: number) =>
    events.appendAgentEvent({ director, seq: seq++, observedAt: at, receivedAt: at + 3, event: { kind: "vrrp-transition", instance: "VI_1", vrid: 51, from, to, priority: 100, at } });
  const transitions = async () => (await settled(), await events.query({ director, kind: "vrrp-transition", limit: 100 }));
  const stored = async () => (await transitions()).map((e) => (e.event.kind === "vrrp-transition" ? e.event.keepalivedAt : "other"));
  const causes = async () => (await transitions()).map((e) => (e.event.kind === "vrrp-transition" ? e.event.cause?.text : "other"));
  return { times, transition, stored, amended, causes, events };
}

describe("keepalived's own transition times", () => {
  it("adds last_transition from the next snapshot to the transition the FIFO line reported", async () => {
    const { times, transition, stored, amended } = setUp();
    times.observe(snapshot("BACKUP", t0 - 60_000));
    transition("BACKUP", "MASTER", t0 + 4);
    times.observe(snapshot("MASTER", t0 - 60_000));
    expect(await stored()).toEqual([undefined]);
    times.observe(snapshot("MASTER", t0 + 0.417));
    expect(await stored()).toEqual([t0 + 0.417]);
    // The amended event goes out again, so open pages replace their copy.
    expect(amended.map((e) => [e.seq, e.event.kind === "vrrp-transition" && e.event.keepalivedAt])).toEqual([[0, t0 + 0.417]]);
  });

  it("annotates the matching transition only: same new state, close in time, not already annotated", async () => {
    const { times, transition, stored } = setUp();
    transition("BACKUP", "MASTER", t0 + 5);
    transition("MASTER", "BACKUP", t0 + 40_000);
    // A dump that says BACKUP belongs to the second transition, not the first.
    times.observe(snapshot("BACKUP", t0 + 39_999.5));
    expect(await stored()).toEqual([undefined, t0 + 39_999.5]);
    // A last_transition from long before any stored line annotates nothing.
    times.observe(snapshot("MASTER", t0 - 120_000));
    expect(await stored()).toEqual([undefined, t0 + 39_999.5]);
    // Nor does a later dump re-stamp a transition that already has keepalived's time.
    times.observe(snapshot("BACKUP", t0 + 40_000.2));
    expect(await stored()).toEqual([undefined, t0 + 39_999.5]);
  });

  it("stores the cause read from the reading before the transition, the dump after it and the peers", async () => {
    const silentMaster: PeerReading = { director: "lvs-dir-01", instance: { ...instance("MASTER", t0 - 90_000), basePriority: 200, effectivePriority: 200, sourceAddress: "192.0.2.1" }, keepalivedRunning: true, fresh: true };
    const { times, transition, causes, amended } = setUp([silentMaster]);
    times.observe({ ...snapshot("BACKUP", t0 - 60_000), vrrp: [{ ...instance("BACKUP", t0 - 60_000), masterRouter: "192.0.2.1", downTimerMs: 3609.375 }] });
    transition("BACKUP", "MASTER", t0 + 4);
    times.observe(snapshot("MASTER", t0 + 0.417));
    expect(await causes()).toEqual(["no adverts from lvs-dir-01 (192.0.2.1) for 3.61 s (3 × advert_int 1 s + skew 0.61 s); lvs-dir-01 still says MASTER: the VRRP network between them is cut"]);
    expect(amended[0]?.event).toMatchObject({ keepalivedAt: t0 + 0.417, cause: { kind: "no-adverts" } });
  });

  it("compares with the earliest reading of the look-back: a priority-0 advert dumped just before the takeover still counts", async () => {
    const clock = { now: t0 - 5_000 };
    const { times, transition, causes } = setUp([], clock);
    const backup = (priZeroRcvd: number, downTimerMs: number) => ({ ...snapshot("BACKUP", t0 - 60_000), vrrp: [{ ...instance("BACKUP", t0 - 60_000), masterRouter: "192.0.2.1", downTimerMs, counters: { ...zeroCounters, priZeroRcvd } }] });
    times.observe(backup(0, 3609.375));
    clock.now = t0 - 500;
    // keepalived dumped after the priority-0 advert and before its down timer (now the skew alone) ran out.
    times.observe(backup(1, 609.375));
    transition("BACKUP", "MASTER", t0 + 4);
    clock.now = t0 + 100;
    times.observe({ ...snapshot("MASTER", t0 + 0.417), vrrp: [{ ...instance("MASTER", t0 + 0.417), counters: { ...zeroCounters, priZeroRcvd: 1 } }] });
    expect(await causes()).toEqual(["192.0.2.1 resigned with a priority-0 advert"]);
  });

  it("gives a stop its cause at once: no dump follows keepalived stopping", async () => {
    const { times, transition, causes, amended } = setUp();
    const stored = await transition("MASTER", "STOP", t0);
    if (stored === null) throw new Error("not stored");
    times.noteEvent(stored);
    expect(await causes()).toEqual([`keepalived stopped on ${director}`]);
    expect(amended).toHaveLength(1);
  });

  it("does not explain the first reading it ever saw: there is nothing before it", async () => {
    const { times, transition, causes } = setUp();
    transition("BACKUP", "MASTER", t0 + 4);
    times.observe(snapshot("MASTER", t0 + 0.417));
    expect(await causes()).toEqual(["lvs-dir-02 became MASTER: no reading from before the transition"]);
  });
});
