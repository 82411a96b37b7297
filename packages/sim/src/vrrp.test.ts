import { describe, expect, it } from "vitest";
import { decodeAdvert, encodeAdvert } from "./advert";
import { createSimDirector } from "./simDirector";
import { eventsOf, runPair, T0, vrrpState } from "./testCluster";
import { masterDownIntervalMs } from "./vrrpInstance";

const pair = () => [
  createSimDirector({ director: "lvs-dir-01", seed: 7, now: T0 }),
  createSimDirector({ director: "lvs-dir-02", seed: 7, now: T0 }),
] as const;

describe("VRRP election", () => {
  it("starts in BACKUP and elects lvs-dir-01 (priority 200) MASTER after its master-down interval", () => {
    const [a, b] = pair();
    expect(vrrpState(a, T0)).toBe("BACKUP");
    let t = runPair(a, b, T0, T0 + 3100);
    expect(vrrpState(a, t)).toBe("BACKUP");
    t = runPair(a, b, t, T0 + 10_000);
    expect(vrrpState(a, t)).toBe("MASTER");
    expect(vrrpState(b, t)).toBe("BACKUP");
    expect(masterDownIntervalMs(200, 1000)).toBeCloseTo(3218.75);
    const snapA = a.snapshot(t);
    expect(snapA.vipsPresent).toContain("192.168.50.100");
    expect(snapA.vrrp[0]?.masterRouter).toBe("lvs-dir-01");
    expect(b.snapshot(t).vipsPresent).toEqual([]);
    expect(b.snapshot(t).vrrp[0]?.masterRouter).toBe("lvs-dir-01");
    const transitions = eventsOf(a.drainEvents(), "vrrp-transition");
    expect(transitions.map((e) => `${e.from}>${e.to}`)).toEqual(["INIT>BACKUP", "BACKUP>MASTER"]);
    expect(transitions[1]?.at).toBeCloseTo(T0 + 3218.75);
    expect(snapA.vrrp[0]?.lastTransitionAt).toBe(transitions[1]?.at);
  });

  it("fails over to lvs-dir-02 within 4 s when keepalived stops on the MASTER", () => {
    const [a, b] = pair();
    let t = runPair(a, b, T0, T0 + 10_000);
    a.injectFault({ kind: "sim-fault", fault: "stop-director" }, t);
    t = runPair(a, b, t, t + 1000);
    expect(vrrpState(b, t)).toBe("MASTER");
    const snapA = a.snapshot(t);
    expect(snapA.keepalived.running).toBe(false);
    expect(snapA.vrrp[0]?.state).toBe("STOP");
    expect(snapA.services).toEqual([]);
    expect(snapA.vipsPresent).toEqual([]);
    expect(eventsOf(a.drainEvents(), "keepalived").map((e) => e.running)).toEqual([false]);
  });

  it("without the goodbye advert the BACKUP still takes over after the master-down interval", () => {
    const [a, b] = pair();
    let t = runPair(a, b, T0, T0 + 10_000);
    a.injectFault({ kind: "sim-fault", fault: "cut-link" }, t);
    a.injectFault({ kind: "sim-fault", fault: "stop-director" }, t);
    // The last advert left lvs-dir-01 at 9.22 s; lvs-dir-02 waits 3.61 s (3 adverts + skew) from it.
    t = runPair(a, b, t, t + 2500);
    expect(vrrpState(b, t)).toBe("BACKUP");
    t = runPair(a, b, t, t + 500);
    expect(vrrpState(b, t)).toBe("MASTER");
  });

  it("preempts: lvs-dir-01 takes MASTER back as soon as it hears lvs-dir-02 after restarting", () => {
    const [a, b] = pair();
    let t = runPair(a, b, T0, T0 + 10_000);
    a.injectFault({ kind: "sim-fault", fault: "stop-director" }, t);
    t = runPair(a, b, t, t + 5000);
    a.injectFault({ kind: "sim-fault", fault: "start-director" }, t);
    expect(vrrpState(a, t)).toBe("BACKUP");
    t = runPair(a, b, t, t + 1500);
    expect(vrrpState(a, t)).toBe("MASTER");
    expect(vrrpState(b, t)).toBe("BACKUP");
    expect(a.snapshot(t).services).toHaveLength(5);
  });

  it("cut-link makes both MASTER (split brain) and restore-link leaves exactly one", () => {
    const [a, b] = pair();
    let t = runPair(a, b, T0, T0 + 10_000);
    b.injectFault({ kind: "sim-fault", fault: "cut-link" }, t);
    t = runPair(a, b, t, t + 5000);
    expect([vrrpState(a, t), vrrpState(b, t)]).toEqual(["MASTER", "MASTER"]);
    expect(b.snapshot(t).vipsPresent).toContain("192.168.50.100");
    b.injectFault({ kind: "sim-fault", fault: "restore-link" }, t);
    t = runPair(a, b, t, t + 2000);
    expect([vrrpState(a, t), vrrpState(b, t)]).toEqual(["MASTER", "BACKUP"]);
  });

  it("a BACKUP carries no connections; the MASTER does", () => {
    const [a, b] = pair();
    const t = runPair(a, b, T0, T0 + 20_000);
    expect(a.connections(t).length).toBeGreaterThan(50);
    expect(b.connections(t)).toEqual([]);
    const backupServices = b.snapshot(t).services;
    expect(backupServices.flatMap((s) => s.realServers).every((r) => r.activeConns === 0 && r.inactiveConns === 0)).toBe(true);
  });
});

describe("VRRP adverts", () => {
  it("round-trip through the datagram encoding", () => {
    const advert = { director: "lvs-dir-01", vrid: 88, priority: 200, advertIntervalMs: 1000, vips: ["192.168.50.100"] };
    expect(decodeAdvert(encodeAdvert(advert))).toEqual(advert);
  });

  it("decode to null for garbage, never throwing", () => {
    for (const text of ["", "{", "null", "[]", '{"director":"x"}', '{"director":"x","vrid":0,"priority":1,"advertIntervalMs":1,"vips":[]}', "x".repeat(100_000)]) {
      expect(decodeAdvert(text)).toBeNull();
    }
  });

  it("ignore adverts for another VRID", () => {
    const a = createSimDirector({ director: "lvs-dir-02", seed: 1, now: T0 });
    for (let t = T0 + 100; t <= T0 + 6000; t += 100) a.receiveAdvert({ director: "lvs-dir-01", vrid: 12, priority: 250, advertIntervalMs: 1000, vips: [] }, t);
    expect(vrrpState(a, T0 + 6000)).toBe("MASTER");
  });
});
