// Values below are those of the real keepalived 2.2.7 captures in packages/keepalived/fixtures/real/tracks:
// lvs-dir-01 (198.51.100.11, priority 200) and lvs-dir-02 (198.51.100.12, priority 100), VRID 88.
import type { VrrpCounters, VrrpInstance, VrrpTrack } from "@lvsdeck/protocol";
import { describe, expect, it } from "vitest";
import { explainTransition } from "./transitionCause";
import type { PeerReading, TransitionEvidence } from "./transitionCause";

const counters = (changes: Partial<VrrpCounters> = {}): VrrpCounters => ({
  advertRcvd: 0, advertSent: 0, becomeMaster: 1, releaseMaster: 0, packetLenErr: 0, advertIntervalErr: 0, ipTtlErr: 0,
  invalidTypeRcvd: 0, addrListErr: 0, invalidAuthtype: 0, authtypeMismatch: 0, authFailure: 0, priZeroRcvd: 0, priZeroSent: 0, ...changes,
});
const script = (status: "good" | "bad"): VrrpTrack => ({ kind: "script", name: "chk_nginx", weight: -150, status, value: null, effect: status === "good" ? 0 : -150 });
const uplink = (up: boolean): VrrpTrack => ({ kind: "interface", name: "uplink", weight: 0, status: up ? "good" : "bad", value: null, effect: up ? 0 : "FAULT" });

function instance(changes: Partial<VrrpInstance>): VrrpInstance {
  return {
    name: "VI_88", vrid: 88, interface: "eth0", state: "BACKUP", basePriority: 100, effectivePriority: 100, advertIntervalMs: 1000,
    preempt: true, vips: ["198.51.100.100"], lastTransitionAt: 1, masterRouter: null, syncGroup: null, masterPriority: null,
    sourceAddress: "198.51.100.12", downTimerMs: 3609.375, trackFaults: 0, tracks: [script("good"), uplink(true)], counters: counters(), ...changes,
  };
}
const dir01 = (changes: Partial<VrrpInstance>) => instance({ basePriority: 200, effectivePriority: 200, sourceAddress: "198.51.100.11", downTimerMs: 3218.75, ...changes });
const peer = (director: string, reading: VrrpInstance | null, keepalivedRunning: boolean | null = true): PeerReading => ({ director, instance: reading, keepalivedRunning, fresh: true });
const explain = (e: Omit<TransitionEvidence, "peers"> & { peers?: PeerReading[] }) => explainTransition({ peers: [], ...e });

describe("explainTransition: why a VRRP instance changed state", () => {
  it("names the failing track script that lowered the MASTER's priority, and who took over", () => {
    const cause = explain({
      director: "lvs-dir-01", from: "MASTER", to: "BACKUP",
      before: dir01({ state: "MASTER", effectivePriority: 50, tracks: [script("bad"), uplink(true)] }),
      after: dir01({ effectivePriority: 50, tracks: [script("bad"), uplink(true)], masterRouter: "198.51.100.12", masterPriority: 100 }),
      peers: [peer("lvs-dir-02", instance({ state: "MASTER" }))],
    });
    expect(cause).toMatchObject({ kind: "track", text: "lvs-dir-01 priority 200 → 50: track_script chk_nginx failing (weight -150); lvs-dir-02 (198.51.100.12) took over" });
  });

  it("gives the BACKUP that took over its peer's track script as the reason (preemption)", () => {
    const cause = explain({
      director: "lvs-dir-02", from: "BACKUP", to: "MASTER",
      before: instance({ masterRouter: "198.51.100.11", masterPriority: 200, counters: counters({ advertRcvd: 16 }) }),
      after: instance({ state: "MASTER", counters: counters({ advertRcvd: 19 }) }),
      peers: [peer("lvs-dir-01", dir01({ state: "MASTER", effectivePriority: 50, tracks: [script("bad"), uplink(true)] }))],
    });
    expect(cause.kind).toBe("peer-track");
    expect(cause.text).toBe("lvs-dir-01 priority 200 → 50: track_script chk_nginx failing (weight -150) (below ours, 100: preemption)");
    expect(cause.evidence).toContain("advert_rcvd 16 → 19");
  });

  it("says which tracked interface put an instance in FAULT", () => {
    const cause = explain({
      director: "lvs-dir-01", from: "MASTER", to: "FAULT",
      before: dir01({ state: "MASTER" }),
      after: dir01({ state: "FAULT", trackFaults: 1, tracks: [script("good"), uplink(false)], counters: counters({ priZeroSent: 1 }) }),
    });
    expect(cause).toMatchObject({ kind: "track", text: "lvs-dir-01 FAULT: track_interface uplink down" });
    expect(cause.evidence).toEqual(expect.arrayContaining(["track_interface uplink up → track_interface uplink down", "pri_zero_sent 0 → 1"]));
  });

  it("explains a takeover after a priority-0 advert from a MASTER that went FAULT", () => {
    const cause = explain({
      director: "lvs-dir-02", from: "BACKUP", to: "MASTER",
      before: instance({ masterRouter: "198.51.100.11", masterPriority: 200, counters: counters({ priZeroRcvd: 1 }) }),
      after: instance({ state: "MASTER", counters: counters({ priZeroRcvd: 2 }) }),
      peers: [peer("lvs-dir-01", dir01({ state: "FAULT", tracks: [script("good"), uplink(false)] }))],
    });
    expect(cause).toMatchObject({ kind: "priority-zero", text: "lvs-dir-01 (198.51.100.11) resigned with a priority-0 advert: it went FAULT (track_interface uplink down)" });
  });

  it("explains a takeover after the MASTER's keepalived was stopped (priority-0 advert)", () => {
    const cause = explain({
      director: "lvs-dir-02", from: "BACKUP", to: "MASTER",
      before: instance({ masterRouter: "198.51.100.11" }),
      after: instance({ state: "MASTER", counters: counters({ priZeroRcvd: 1 }) }),
      peers: [peer("lvs-dir-01", dir01({ state: "STOP" }), false)],
    });
    expect(cause.text).toBe("lvs-dir-01 (198.51.100.11) resigned with a priority-0 advert: keepalived stopping");
  });

  it("reads a priority-0 advert from a down timer cut to the skew, when the dump before already counted it", () => {
    const cause = explain({
      director: "lvs-dir-02", from: "BACKUP", to: "MASTER",
      before: instance({ masterRouter: "198.51.100.11", downTimerMs: 609.375, counters: counters({ priZeroRcvd: 3 }) }),
      after: instance({ state: "MASTER", counters: counters({ priZeroRcvd: 3 }) }),
      peers: [peer("lvs-dir-01", dir01({ state: "STOP" }), false)],
    });
    expect(cause).toMatchObject({ kind: "priority-zero", text: "lvs-dir-01 (198.51.100.11) resigned with a priority-0 advert: keepalived stopping" });
  });

  it("gives the down timer when the MASTER's adverts just stopped (kill -9), with keepalived's own value", () => {
    const cause = explain({
      director: "lvs-dir-02", from: "BACKUP", to: "MASTER",
      before: instance({ masterRouter: "198.51.100.11", masterPriority: 200 }),
      after: instance({ state: "MASTER" }),
      peers: [peer("lvs-dir-01", null, false)],
    });
    expect(cause).toMatchObject({ kind: "no-adverts", text: "no adverts from 198.51.100.11 for 3.61 s (3 × advert_int 1 s + skew 0.61 s)" });
  });

  it("names no MASTER when none was heard (the first election after keepalived starts)", () => {
    const cause = explain({ director: "lvs-dir-01", from: "BACKUP", to: "MASTER", before: dir01({}), after: dir01({ state: "MASTER" }), peers: [peer("lvs-dir-02", null, null)] });
    expect(cause).toMatchObject({ kind: "election", text: "no adverts heard for 3.22 s (3 × advert_int 1 s + skew 0.22 s): elected" });
  });

  it("says the network is cut when the silent MASTER still reports MASTER", () => {
    const cause = explain({
      director: "lvs-dir-02", from: "BACKUP", to: "MASTER",
      before: instance({ masterRouter: "198.51.100.11", masterPriority: 200 }),
      after: instance({ state: "MASTER" }),
      peers: [peer("lvs-dir-01", dir01({ state: "MASTER" }))],
    });
    expect(cause.text).toBe("no adverts from lvs-dir-01 (198.51.100.11) for 3.61 s (3 × advert_int 1 s + skew 0.61 s); lvs-dir-01 still says MASTER: the VRRP network between them is cut");
  });

  it("names the higher-priority advert a MASTER yielded to, and the one that preempted it", () => {
    const yielded = explain({
      director: "lvs-dir-02", from: "MASTER", to: "BACKUP",
      before: instance({ state: "MASTER" }),
      after: instance({ masterRouter: "198.51.100.11", masterPriority: 200 }),
      peers: [peer("lvs-dir-01", dir01({ state: "MASTER" }))],
    });
    expect(yielded).toMatchObject({ kind: "preemption", text: "higher-priority advert from lvs-dir-01 (198.51.100.11): priority 200 > ours 100 (preemption)" });
    const preempted = explain({
      director: "lvs-dir-01", from: "BACKUP", to: "MASTER",
      before: dir01({}),
      after: dir01({ state: "MASTER" }),
      peers: [peer("lvs-dir-02", instance({ state: "MASTER" }))],
    });
    expect(preempted).toMatchObject({ kind: "preemption", text: "preempted lvs-dir-02 (priority 100 < ours 200)" });
  });

  it("names the preempted MASTER from its own dump even when that peer already reports BACKUP", () => {
    const cause = explain({
      director: "lvs-dir-01", from: "BACKUP", to: "MASTER",
      before: dir01({ masterRouter: "198.51.100.12", masterPriority: 100 }),
      after: dir01({ state: "MASTER" }),
      peers: [peer("lvs-dir-02", instance({ state: "BACKUP" }))],
    });
    expect(cause).toMatchObject({ kind: "preemption", text: "preempted lvs-dir-02 (198.51.100.12) (priority 100 < ours 200)" });
  });

  it("says unknown, never a guess, when there is nothing to read", () => {
    expect(explain({ director: "lvs-dir-02", from: "BACKUP", to: "MASTER", before: null, after: null }).kind).toBe("unknown");
    expect(explain({ director: "lvs-dir-02", from: "MASTER", to: "BACKUP", before: null, after: instance({ masterRouter: null, masterPriority: null }) }).kind).toBe("unknown");
    expect(explain({ director: "lvs-dir-01", from: "MASTER", to: "FAULT", before: null, after: dir01({ state: "FAULT", tracks: [] }) }).kind).toBe("unknown");
  });

  it("names keepalived starting and stopping", () => {
    expect(explain({ director: "lvs-dir-01", from: "MASTER", to: "STOP", before: null, after: null }).text).toBe("keepalived stopped on lvs-dir-01");
    expect(explain({ director: "lvs-dir-01", from: "INIT", to: "BACKUP", before: null, after: dir01({}) }).text).toBe("keepalived started on lvs-dir-01");
  });
});
