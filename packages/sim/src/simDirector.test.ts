import { directorSnapshotSchema, agentEventSchema, type RealServerKey, type ServiceKey } from "@lvsdeck/protocol";
import { describe, expect, it } from "vitest";
import { MAX_CONNECTIONS } from "./ipvsRuntime";
import { createSimDirector } from "./simDirector";
import { SimError } from "./simError";
import { eventsOf, runPair, T0 } from "./testCluster";

const SVC = "TCP 192.168.50.100:443" as ServiceKey;
const RS1 = "192.168.50.11:443" as RealServerKey;
/** The seed's NAT service, checked with inhibit_on_failure, and its weight-2 real server. */
const NAT_SVC = "TCP 192.168.50.101:80" as ServiceKey;
const NAT_RS = "10.50.0.23:8080" as RealServerKey;
const fault = (f: "fail-real-server" | "restore-real-server" | "silence-real-server" | "syn-flood" | "end-syn-flood" | "time-wait-pileup", service?: string, realServer?: string) => ({
  kind: "sim-fault" as const,
  fault: f,
  ...(service === undefined ? {} : { service: service as ServiceKey }),
  ...(realServer === undefined ? {} : { realServer: realServer as RealServerKey }),
});

const master = () => {
  const d = createSimDirector({ director: "lvs-dir-01", seed: 3, now: T0 });
  for (let t = T0 + 100; t <= T0 + 30_000; t += 100) d.advance(t);
  return { d, t: T0 + 30_000 };
};

describe("snapshot", () => {
  it("describes the seed cluster and passes directorSnapshotSchema", () => {
    const { d, t } = master();
    const snap = directorSnapshotSchema.parse(d.snapshot(t));
    expect(snap.services.map((s) => `${s.key} ${s.scheduler}`)).toEqual([
      "TCP 192.168.50.100:443 wrr",
      "TCP 192.168.50.101:80 wlc",
      "UDP 192.168.50.102:53 rr",
      "TCP [2001:db8:50::100]:443 wlc",
      "FWM 100 wrr",
    ]);
    const [https, http, , , fwm] = snap.services;
    expect(https?.persistence).toEqual({ timeoutSec: 120, netmask: null });
    expect(fwm?.persistence).toEqual({ timeoutSec: 300, netmask: "255.255.255.0" });
    expect(https?.realServers.map((r) => [r.key, r.weight, r.forwarding, r.health, r.weightSource, r.weightMode])).toEqual([
      ["192.168.50.11:443", 2, "Route", "up", "config", "runtime"],
      ["192.168.50.12:443", 2, "Route", "up", "config", "runtime"],
    ]);
    // DR replies bypass the director; NAT replies come back through it.
    expect(https?.stats.inPkts).toBeGreaterThan(0);
    expect(https?.stats.outPkts).toBe(0);
    expect(http?.stats.outBytes).toBeGreaterThan(0);
    expect(http?.realServers[0]?.forwarding).toBe("Masq");
    expect(https?.rates.cps).toBeGreaterThan(0);
    expect(snap.timeouts).toEqual({ tcp: 900, tcpFin: 120, udp: 300 });
    expect(snap.keepalived.running).toBe(true);
    expect(snap.vrrp[0]).toMatchObject({ name: "VI_88", vrid: 88, interface: "eth0", state: "MASTER", basePriority: 200, effectivePriority: 200, preempt: true });
  });

  it("keeps counters monotonic from one snapshot to the next", () => {
    const { d, t } = master();
    const a = d.snapshot(t).services[0]!.stats;
    const b = d.snapshot(t + 5000).services[0]!.stats;
    for (const k of ["conns", "inPkts", "inBytes"] as const) expect(b[k]).toBeGreaterThan(a[k]);
  });

  it("ignores time going backwards", () => {
    const { d, t } = master();
    const before = d.snapshot(t);
    expect(d.snapshot(t - 10_000).services).toEqual(before.services);
  });

  it("survives a ten-hour jump with a bounded connection table", () => {
    const { d, t } = master();
    const later = t + 10 * 3600_000;
    const snap = directorSnapshotSchema.parse(d.snapshot(later));
    expect(snap.vrrp[0]?.state).toBe("MASTER");
    expect(d.connections(later).length).toBeLessThanOrEqual(MAX_CONNECTIONS + 10_000);
    expect(d.drainAdverts().length).toBeLessThanOrEqual(32);
  });
});

describe("connections", () => {
  it("lists rows like ipvsadm -Lnc: UDP state, IPv6 brackets, fwmark templates as IP with the mark address", () => {
    const { d, t } = master();
    const rows = d.connections(t);
    expect(rows.some((r) => r.protocol === "UDP" && r.state === "UDP" && r.virtual === "192.168.50.102:53")).toBe(true);
    expect(rows.some((r) => r.client.startsWith("[2001:db8:") && r.virtual === "[2001:db8:50::100]:443")).toBe(true);
    expect(rows.some((r) => r.protocol === "IP" && r.state === "NONE" && r.virtual === "0.0.0.100:0" && /^\d+\.\d+\.\d+\.0:0$/.test(r.client))).toBe(true);
    expect(rows.some((r) => r.state === "ESTABLISHED" && r.expiresInSec === 900)).toBe(true);
    expect(rows.every((r) => /^(198\.51\.100|203\.0\.113)\.|^\[2001:db8:/.test(r.client))).toBe(true);
  });
});

describe("determinism", () => {
  it("gives identical snapshots, connections and events for the same seed and calls", () => {
    const play = (seed: number) => {
      const a = createSimDirector({ director: "lvs-dir-01", seed, now: T0 });
      const b = createSimDirector({ director: "lvs-dir-02", seed, now: T0 });
      let t = runPair(a, b, T0, T0 + 20_000);
      a.setWeight(SVC, RS1, 5, t);
      a.injectFault(fault("fail-real-server", "TCP 192.168.50.101:80", "10.50.0.21:8080"), t);
      t = runPair(a, b, t, t + 20_000);
      return { snap: a.snapshot(t), conns: a.connections(t), events: a.drainEvents(), peer: b.snapshot(t) };
    };
    expect(play(11)).toEqual(play(11));
    expect(play(11).snap.services[0]?.stats).not.toEqual(play(12).snap.services[0]?.stats);
  });
});

describe("weights and faults", () => {
  it("a silenced real server keeps passing its check and its weight, and its new connections stay half-open until restored", () => {
    const { d, t } = master();
    const rs = "10.50.0.21:8080";
    const destination = (c: { destination: string }) => c.destination === rs;
    expect(d.injectFault(fault("silence-real-server", NAT_SVC, rs), t)).toContain("stops answering clients on the VIP");
    let now = t;
    for (; now <= t + 30_000; now += 100) d.advance(now);
    const row = d.snapshot(now).services.find((s) => s.key === NAT_SVC)?.realServers.find((r) => r.key === rs);
    expect(row).toMatchObject({ health: "up", weight: 1 });
    const halfOpen = (to: string) => d.connections(now).filter((c) => c.destination === to && c.state === "SYN_RECV").length;
    expect(halfOpen(rs)).toBeGreaterThan(10);
    // Its peers answer as before.
    expect(halfOpen("10.50.0.22:8080")).toBe(0);
    expect(d.connections(now).some((c) => c.destination === "10.50.0.22:8080" && c.state === "ESTABLISHED")).toBe(true);
    expect(d.injectFault(fault("restore-real-server", NAT_SVC, rs), now)).toContain("answers clients again");
    const after = now;
    for (; now <= after + 10_000; now += 100) d.advance(now);
    expect(d.connections(now).some((c) => destination(c) && c.state === "ESTABLISHED")).toBe(true);
  });

  it("a SYN flood fills every real server of the service with half-open entries from spoofed sources, and ends", () => {
    const { d, t } = master();
    expect(() => d.injectFault(fault("syn-flood"), t)).toThrow(SimError);
    expect(d.injectFault(fault("syn-flood", NAT_SVC), t)).toContain("spoofed SYNs a second");
    let now = t;
    for (; now <= t + 20_000; now += 100) d.advance(now);
    const halfOpen = (at: number) => d.connections(at).filter((c) => c.state === "SYN_RECV" && c.virtual.startsWith("192.168.50.101:"));
    const flood = halfOpen(now);
    // About 100 a second for 20 s, on every real server, from the documentation range.
    expect(flood.length).toBeGreaterThan(1_000);
    expect(new Set(flood.map((c) => c.destination)).size).toBeGreaterThanOrEqual(3);
    expect(flood.every((c) => c.client.startsWith("203.0.113."))).toBe(true);
    // Real clients are still served.
    expect(d.connections(now).some((c) => c.state === "ESTABLISHED" && c.virtual.startsWith("192.168.50.101:"))).toBe(true);
    expect(d.injectFault(fault("end-syn-flood", NAT_SVC), now)).toContain("stops");
    const ended = now;
    for (; now <= ended + 61_000; now += 100) d.advance(now);
    expect(halfOpen(now).filter((c) => c.client.startsWith("203.0.113.")).length).toBe(0);
  });

  it("closes NAT connections through CLOSE_WAIT when the client closes first and FIN_WAIT otherwise; direct routing sees only FIN_WAIT", () => {
    const { d, t } = master();
    const seen = new Map<string, Set<string>>();
    for (let now = t; now <= t + 60_000; now += 250) {
      d.advance(now);
      for (const c of d.connections(now)) {
        const service = c.destination.startsWith("10.50.0.") ? "nat" : "other";
        if (!seen.has(service)) seen.set(service, new Set());
        seen.get(service)?.add(c.state);
        if (c.state === "CLOSE_WAIT") expect(c.expiresInSec).toBeLessThanOrEqual(60);
      }
    }
    expect([...(seen.get("nat") ?? [])]).toEqual(expect.arrayContaining(["ESTABLISHED", "CLOSE_WAIT", "FIN_WAIT", "TIME_WAIT"]));
    expect(seen.get("other")?.has("CLOSE_WAIT")).toBe(false);
    expect(seen.get("other")?.has("FIN_WAIT")).toBe(true);
  });

  it("a server that closes after every request leaves a pile of TIME_WAIT entries its peers do not, until restored", () => {
    const { d, t } = master();
    const rs = "10.50.0.21:8080";
    expect(d.injectFault(fault("time-wait-pileup", NAT_SVC, rs), t)).toContain("TIME_WAIT entries pile up");
    let now = t;
    for (; now <= t + 150_000; now += 100) d.advance(now);
    // The table stays within its bound, so other services keep their traffic.
    expect(d.connections(now).length).toBeLessThan(0.9 * MAX_CONNECTIONS);
    const timeWait = (to: string) => d.connections(now).filter((c) => c.destination === to && c.state === "TIME_WAIT").length;
    const peers = ["10.50.0.22:8080", "10.50.0.23:8080"].map(timeWait);
    expect(timeWait(rs)).toBeGreaterThan(5 * Math.max(1, ...peers));
    // Its clients are served all along: short connections, one after another.
    expect(d.snapshot(now).services.find((s) => s.key === NAT_SVC)?.realServers.find((r) => r.key === rs)).toMatchObject({ health: "up" });
    expect(d.injectFault(fault("restore-real-server", NAT_SVC, rs), now)).toContain("keeps connections open again");
  });

  it("setWeight returns the weight in effect, marks it operator-set and emits a weight event", () => {
    const { d, t } = master();
    d.drainEvents();
    expect(d.setWeight(SVC, RS1, 7, t)).toBe(7);
    const rs = d.snapshot(t).services[0]?.realServers[0];
    expect(rs).toMatchObject({ weight: 7, weightSource: "operator" });
    expect(d.drainEvents()).toEqual([{ kind: "weight", service: SVC, realServer: RS1, from: 2, to: 7, cause: "operator", commandId: null, at: t }]);
  });

  it("setWeight rejects unknown services, real servers and bad weights with SimError", () => {
    const { d, t } = master();
    expect(() => d.setWeight("TCP 10.0.0.1:80" as ServiceKey, RS1, 1, t)).toThrow(/no virtual service TCP 10\.0\.0\.1:80/);
    expect(() => d.setWeight(SVC, "10.0.0.9:443" as RealServerKey, 1, t)).toThrow(SimError);
    expect(() => d.setWeight(SVC, RS1, 2_147_483_648, t)).toThrow(/weight must be an integer/);
    expect(() => d.setWeight(SVC, RS1, 1.5, t)).toThrow(/weight must be an integer/);
  });

  it("fail-real-server with inhibit_on_failure marks it down at weight 0 and restore brings the configured weight back", () => {
    const { d, t } = master();
    d.drainEvents();
    expect(d.injectFault(fault("fail-real-server", NAT_SVC, NAT_RS), t)).toMatch(/down/);
    expect(d.snapshot(t).services[1]?.realServers[2]).toMatchObject({ key: NAT_RS, health: "down", weight: 0, weightSource: "health-check", checker: { types: ["HTTP_GET"], alive: false } });
    const failEvents = d.drainEvents();
    expect(failEvents.map((e) => e.kind)).toEqual(["sim-fault", "health", "weight"]);
    expect(eventsOf(failEvents, "weight")[0]).toMatchObject({ from: 2, to: 0, cause: "health-check" });
    d.injectFault(fault("restore-real-server", NAT_SVC, NAT_RS), t + 1000);
    expect(d.snapshot(t + 1000).services[1]?.realServers[2]).toMatchObject({ health: "up", weight: 2, weightSource: "config" });
    const restoreEvents = d.drainEvents();
    expect(eventsOf(restoreEvents, "health")[0]?.up).toBe(true);
    for (const e of [...failEvents, ...restoreEvents]) agentEventSchema.parse(e);
  });

  it("fail-real-server on the seed's TCP_CHECK without inhibit_on_failure: deleted from the table, still shown, down, at its configured weight", () => {
    const { d, t } = master();
    d.drainEvents();
    d.injectFault(fault("fail-real-server", SVC, RS1), t);
    const removed = d.snapshot(t).services[0]?.realServers[0];
    expect(removed).toMatchObject({ key: RS1, health: "down", inKernel: false, weight: 2, activeConns: 0, checker: { types: ["TCP_CHECK"], alive: false, lastChangeAt: t } });
    // keepalived deletes the destination: no weight change, only the checker's verdict.
    expect(d.drainEvents().map((e) => e.kind)).toEqual(["sim-fault", "health"]);
    d.injectFault(fault("restore-real-server", SVC, RS1), t + 1000);
    const back = d.snapshot(t + 1000).services[0]?.realServers[0];
    expect(back).toMatchObject({ health: "up", weight: 2 });
    expect(back?.inKernel).toBeUndefined();
    directorSnapshotSchema.parse(d.snapshot(t + 1000));
  });

  it("rejects a real-server fault without a real server, or naming one that does not exist", () => {
    const { d, t } = master();
    expect(() => d.injectFault(fault("fail-real-server", SVC), t)).toThrow(/needs realServer/);
    expect(() => d.injectFault(fault("fail-real-server", SVC, "10.9.9.9:1"), t)).toThrow(SimError);
  });

  it("a failed server stays down across a keepalived restart", () => {
    const { d, t } = master();
    d.injectFault(fault("fail-real-server", SVC, RS1), t);
    d.injectFault({ kind: "sim-fault", fault: "stop-director" }, t + 100);
    d.injectFault({ kind: "sim-fault", fault: "start-director" }, t + 200);
    expect(d.snapshot(t + 300).services[0]?.realServers[0]).toMatchObject({ health: "down", inKernel: false });
  });

  it("refuses an invalid director name", () => {
    expect(() => createSimDirector({ director: "bad name!", seed: 1, now: T0 })).toThrow(SimError);
  });
});
