import type { RealServerKey, ServiceKey } from "@lvsdeck/protocol";
import { describe, expect, it } from "vitest";
import { createSimDirector, type SimDirector } from "./simDirector";
import { soloCluster, T0 } from "./testCluster";

const SVC = "TCP 192.168.50.100:443" as ServiceKey;
const RS1 = "192.168.50.11:443" as RealServerKey;
const RS2 = "192.168.50.12:443" as RealServerKey;

/** A lone director (MASTER after ~3.6 s) offering the seed HTTPS service with the given overrides. */
function solo(overrides: Parameters<typeof soloCluster>[0]): { d: SimDirector; t: number } {
  const d = createSimDirector({ director: "solo", seed: 42, now: T0, cluster: soloCluster(overrides) });
  const t = T0 + 5000;
  d.advance(t);
  return { d, t };
}

function run(d: SimDirector, from: number, ms: number): number {
  for (let t = from + 100; t <= from + ms; t += 100) d.advance(t);
  return from + ms;
}

/** New connections per real server during `ms`. */
function newConns(d: SimDirector, from: number, ms: number): { counts: number[]; t: number } {
  const before = d.snapshot(from).services[0]!.realServers.map((r) => r.stats.conns);
  const t = run(d, from, ms);
  const after = d.snapshot(t).services[0]!.realServers.map((r) => r.stats.conns);
  return { counts: after.map((c, i) => c - (before[i] ?? 0)), t };
}

const share = (counts: number[]): number => (counts[0] ?? 0) / counts.reduce((a, b) => a + b, 0);

describe("traffic placement", () => {
  it("wrr 2:2 splits new connections evenly; after setWeight 6:2 three quarters go to the first", () => {
    const { d, t } = solo({ scheduler: "wrr", persistence: null });
    const even = newConns(d, t, 60_000);
    expect(even.counts[0]! + even.counts[1]!).toBeGreaterThan(600);
    expect(share(even.counts)).toBeCloseTo(0.5, 1);
    expect(d.setWeight(SVC, RS1, 6, even.t)).toBe(6);
    const skewed = newConns(d, even.t, 60_000);
    expect(share(skewed.counts)).toBeGreaterThan(0.72);
    expect(share(skewed.counts)).toBeLessThan(0.78);
  });

  it("wlc keeps active connections in proportion to weight", () => {
    const { d, t } = solo({ scheduler: "wlc", persistence: null, realServers: [{ address: "192.168.50.11", port: 443, weight: 1 }, { address: "192.168.50.12", port: 443, weight: 3 }] });
    const end = run(d, t, 60_000);
    const [a, b] = d.snapshot(end).services[0]!.realServers.map((r) => r.activeConns) as [number, number];
    expect(a + b).toBeGreaterThan(100);
    expect(b / (a + b)).toBeGreaterThan(0.7);
    expect(b / (a + b)).toBeLessThan(0.8);
  });

  it("sh sends each client to one server", () => {
    const { d, t } = solo({ scheduler: "sh", persistence: null });
    const end = run(d, t, 30_000);
    expectOneServerPerClient(d, end);
  });

  it("persistence keeps a client on its server across connections, with a template per client", () => {
    const { d, t } = solo({ scheduler: "rr", persistence: { timeoutSec: 120, netmask: null } });
    const end = run(d, t, 30_000);
    expectOneServerPerClient(d, end);
    const templates = d.connections(end).filter((c) => c.state === "NONE");
    const persist = d.snapshot(end).services[0]!.realServers.reduce((sum, r) => sum + r.persistConns, 0);
    expect(templates.length).toBeGreaterThan(20);
    expect(persist).toBe(templates.length);
    expect(templates.every((c) => c.client.endsWith(":0") && c.expiresInSec <= 120)).toBe(true);
  });

  it("weight 0 quiesces a server for new non-persistent connections while old ones drain", () => {
    const { d, t } = solo({ scheduler: "rr", persistence: null });
    const warm = run(d, t, 20_000);
    d.setWeight(SVC, RS1, 0, warm);
    const quiet = newConns(d, warm, 30_000);
    expect(quiet.counts[0]).toBe(0);
    expect(quiet.counts[1]).toBeGreaterThan(300);
  });

  it("a quiesced server still receives its persistent clients (expire_quiescent_template=0)", () => {
    const { d, t } = solo({ scheduler: "wrr", persistence: { timeoutSec: 120, netmask: null } });
    const warm = run(d, t, 20_000);
    d.setWeight(SVC, RS1, 0, warm);
    const quiet = newConns(d, warm, 20_000);
    expect(quiet.counts[0]).toBeGreaterThan(0);
    expect(quiet.counts[1]).toBeGreaterThan(quiet.counts[0]!);
  });

  it("a server failing its health check gets no new clients, and its stuck persistent clients sit in SYN_RECV", () => {
    // inhibit_on_failure keeps the server (and its persistence templates) in the table at weight 0.
    const { d, t } = solo({ scheduler: "wrr", persistence: { timeoutSec: 120, netmask: null }, inhibitOnFailure: true });
    const warm = run(d, t, 20_000);
    d.injectFault({ kind: "sim-fault", fault: "fail-real-server", service: SVC, realServer: RS1 }, warm);
    const end = run(d, warm, 10_000);
    const rows = d.connections(end).filter((c) => c.destination === RS1 && c.state === "SYN_RECV");
    expect(rows.length).toBeGreaterThan(0);
  });

  it("a server keepalived deletes (no inhibit_on_failure) loses its persistent clients to the others at once", () => {
    const { d, t } = solo({ scheduler: "wrr", persistence: { timeoutSec: 120, netmask: null }, inhibitOnFailure: false });
    const warm = run(d, t, 20_000);
    d.injectFault({ kind: "sim-fault", fault: "fail-real-server", service: SVC, realServer: RS1 }, warm);
    const { counts, t: end } = newConns(d, warm, 10_000);
    // Its templates went with it: no client is held on it in SYN_RECV, the other server takes them all.
    expect(d.connections(end).filter((c) => c.destination === RS1 && c.state === "SYN_RECV")).toEqual([]);
    expect(counts[1]).toBeGreaterThan(50);
    expect(d.snapshot(end).services[0]?.realServers[0]).toMatchObject({ key: RS1, health: "down", inKernel: false, activeConns: 0 });
  });
});

function expectOneServerPerClient(d: SimDirector, now: number): void {
  const byClient = new Map<string, Set<string>>();
  for (const row of d.connections(now)) {
    const client = row.client.slice(0, row.client.lastIndexOf(":"));
    byClient.set(client, (byClient.get(client) ?? new Set()).add(row.destination));
  }
  expect(byClient.size).toBeGreaterThan(20);
  for (const servers of byClient.values()) expect(servers.size).toBe(1);
  const used = new Set([...byClient.values()].flatMap((s) => [...s]));
  expect(used).toEqual(new Set([RS1, RS2]));
}
