import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { aggregateConnections } from "./aggregateConnections";
import { buildEditRealServerArgs } from "./buildEditCommand";
import { mergeIpvsTables } from "./mergeIpvsTables";
import { parseConnections } from "./parseConnections";
import { parseIpvsadmFailure } from "./parseIpvsadmFailure";
import { parseIpvsadmList, parseIpvsadmPersistentConn, parseIpvsadmThresholds } from "./parseIpvsadmList";
import { parseIpvsadmSave } from "./parseIpvsadmSave";
import { parseProcIpVs } from "./parseProcIpVs";
import { parseProcIpVsStats, parseProcIpVsStatsPercpu } from "./parseProcStats";
import { parseIpvsadmRate, parseIpvsadmStats } from "./parseStats";
import { parseIpvsadmTimeout } from "./parseTimeout";

// Real captures kept in the package (fixtures/real), so it tests itself in any clone.
const fixture = (name: string): string => readFileSync(new URL(`../fixtures/real/${name}`, import.meta.url), "utf8");

interface TruthRealServer { address: string; port: number; forward: string; weight: number; u_threshold: number; l_threshold: number }
interface TruthService {
  proto: string; af: "inet" | "inet6"; fwmark: number | null; vip: string | null; port: number | null; scheduler: string;
  sched_flags: string[]; persistent: boolean; persistence_timeout: number | null; netmask: string | null; ops: boolean; pe: string | null;
  real_servers: TruthRealServer[];
}
const truth = JSON.parse(fixture("truth.json")) as {
  services: TruthService[];
  weight_edit: { command: string; service_key: [string, string, string, number]; real_server: string; port: number; forward: string; weight_after: number };
  connections: {
    total_entries: number; persistence_templates: number; by_state: Record<string, number>; by_proto: Record<string, number>;
    by_destination: Record<string, number>; by_virtual: Record<string, number>; by_destination_state: Record<string, Record<string, number>>;
    distinct_sources: number; expire_seconds_min: number; expire_seconds_max: number;
    templates: Array<{ proto: string; state: string; client: string; virtual: string; destination: string }>;
  };
  errors: Array<{ command: string; rc: number; stderr: string }>;
};

const truthKey = (s: TruthService): string => (s.fwmark !== null ? `FWM ${s.fwmark}${s.af === "inet6" ? " IPv6" : ""}` : `${s.proto} ${s.af === "inet6" ? `[${s.vip}]` : s.vip}:${s.port}`);

/** What every listing must agree with truth.json on, in one comparable shape. */
function expectedServices() {
  return truth.services
    .map((s) => ({
      key: truthKey(s), scheduler: s.scheduler, schedulerFlags: s.sched_flags, onePacket: s.ops, pe: s.pe,
      persistence: s.persistent ? { timeoutSec: s.persistence_timeout, netmask: s.netmask } : null,
      realServers: s.real_servers
        .map((d) => ({ address: d.address, port: d.port, forwarding: d.forward, weight: d.weight }))
        .sort((a, b) => `${a.address}:${a.port}`.localeCompare(`${b.address}:${b.port}`)),
    }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

type Comparable = { key: string; scheduler: string; schedulerFlags: string[]; onePacket: boolean; pe: string | null; persistence: unknown; realServers: Array<{ address: string; port: number; forwarding: string; weight: number }> };
function comparable(services: readonly Comparable[]) {
  return services
    .map((s) => ({
      key: s.key, scheduler: s.scheduler, schedulerFlags: s.schedulerFlags, onePacket: s.onePacket, pe: s.pe, persistence: s.persistence,
      realServers: s.realServers
        .map((d) => ({ address: d.address, port: d.port, forwarding: d.forwarding, weight: d.weight }))
        .sort((a, b) => `${a.address}:${a.port}`.localeCompare(`${b.address}:${b.port}`)),
    }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

describe("real captures agree with truth.json", () => {
  it("reads every service and real server of ipvsadm -Ln exactly", () => {
    const { value, errors } = parseIpvsadmList(fixture("ipvsadm-Ln.txt"));
    expect(errors).toEqual([]);
    expect(value.version).toBe("1.2.1");
    expect(value.connectionTableSize).toBe(4096);
    expect(comparable(value.services)).toEqual(expectedServices());
    const fwm = value.services.find((s) => s.key === "FWM 10");
    expect(fwm?.realServers.map((d) => [d.key, d.activeConns, d.inactiveConns])).toEqual([["10.0.0.13:0", 0, 12], ["10.0.0.23:0", 1, 0]]);
  });

  it("reads the same services from ipvsadm -Sn", () => {
    const { value, errors } = parseIpvsadmSave(fixture("ipvsadm-Sn.txt"));
    expect(errors).toEqual([]);
    expect(comparable(value.services)).toEqual(expectedServices());
    const tunnel = value.services.find((s) => s.key === "FWM 10")?.realServers.find((d) => d.address === "10.0.0.23");
    expect(tunnel?.tunnel).toEqual({ type: "ipip", port: null, checksum: null });
  });

  it("reads the same services from /proc/net/ip_vs with HZ 250", () => {
    const { value, errors } = parseProcIpVs(fixture("proc-ip_vs.txt"));
    expect(errors).toEqual([]);
    expect(comparable(value.services)).toEqual(expectedServices());
    expect(value.services.find((s) => s.key === "TCP 10.0.0.100:80")?.persistentJiffies).toBe(75000);
  });

  it("shows the edited weight after ipvsadm -e", () => {
    const edit = truth.weight_edit;
    const { value, errors } = parseIpvsadmList(fixture("ipvsadm-Ln-after-edit.txt"));
    expect(errors).toEqual([]);
    const service = value.services.find((s) => s.key === `${edit.service_key[0]} ${edit.service_key[2]}:${edit.service_key[3]}`);
    const edited = service?.realServers.find((d) => d.address === edit.real_server && d.port === edit.port);
    expect(edited).toMatchObject({ weight: edit.weight_after, forwarding: edit.forward });
  });

  it("builds the argv of the captured weight edit, plus the thresholds ipvsadm would otherwise reset", () => {
    const edit = truth.weight_edit;
    const result = buildEditRealServerArgs({
      service: { family: "inet", protocol: "TCP", address: edit.service_key[2], port: edit.service_key[3], fwmark: null },
      realServer: { address: edit.real_server, port: edit.port, forwarding: "Masq", upperThreshold: 0, lowerThreshold: 0 },
      weight: edit.weight_after,
    });
    expect(result).toEqual({ ok: true, argv: [...edit.command.split(" ").slice(1), "-x", "0", "-y", "0"] });
  });

  it("counts the -Lnc connection table by state, real server and service exactly", () => {
    const c = truth.connections;
    const summary = aggregateConnections(fixture("ipvsadm-Lnc.txt"));
    expect(summary.errors).toEqual([]);
    expect(summary.total).toBe(c.total_entries);
    expect(summary.templates).toBe(c.persistence_templates);
    expect(summary.byState).toEqual(c.by_state);
    expect(summary.byProtocol).toEqual(c.by_proto);
    expect(Object.fromEntries(summary.services.map((s) => [s.serviceKey.split(" ")[1], s.total]))).toEqual(c.by_virtual);
    const byDestination: Record<string, number> = {};
    const byDestinationState: Record<string, Record<string, number>> = {};
    for (const s of summary.services) {
      for (const d of s.realServers) {
        byDestination[d.realServerKey] = (byDestination[d.realServerKey] ?? 0) + d.total;
        byDestinationState[d.realServerKey] = d.byState;
      }
    }
    expect(byDestination).toEqual(c.by_destination);
    expect(byDestinationState).toEqual(c.by_destination_state);
    // Mainline counts SYN_RECV as active: 3 ESTABLISHED + 5 SYN_RECV.
    expect(summary.active).toBe(8);
    expect(summary.inactive).toBe(c.total_entries - c.persistence_templates - 8);
  });

  it("reads the templates, expiry range and distinct clients of -Lnc", () => {
    const c = truth.connections;
    const { value, errors } = parseConnections(fixture("ipvsadm-Lnc.txt"));
    expect(errors).toEqual([]);
    const templates = value.filter((e) => e.template).map((e) => ({
      proto: e.protocol, state: e.state, client: e.client.address, virtual: `${e.virtual.address}:${e.virtual.port}`, destination: e.realServerKey,
    }));
    expect(templates).toEqual(c.templates);
    expect(Math.min(...value.map((e) => e.expiresSec))).toBe(c.expire_seconds_min);
    expect(Math.max(...value.map((e) => e.expiresSec))).toBe(c.expire_seconds_max);
    expect(new Set(value.map((e) => e.client.address)).size).toBe(c.distinct_sources);
  });

  it("gives the same counts from /proc/net/ip_vs_conn and -Lnc --persistent-conn", () => {
    const c = truth.connections;
    for (const name of ["proc-ip_vs_conn.txt", "ipvsadm-Lnc-persistent-conn.txt"]) {
      const summary = aggregateConnections(fixture(name));
      expect(summary.errors).toEqual([]);
      expect(summary.byState).toEqual(c.by_state);
      const byDestination: Record<string, number> = {};
      for (const d of summary.services.flatMap((s) => s.realServers)) byDestination[d.realServerKey] = (byDestination[d.realServerKey] ?? 0) + d.total;
      expect(byDestination).toEqual(c.by_destination);
    }
  });

  it("reads --stats, --stats --exact, --rate and --rate --exact", () => {
    for (const name of ["ipvsadm-Ln-stats.txt", "ipvsadm-Ln-stats-exact.txt"]) {
      const { value, errors } = parseIpvsadmStats(fixture(name));
      expect(errors).toEqual([]);
      expect(value.services.find((s) => s.key === "TCP 10.0.0.100:80")?.values).toEqual({ conns: 27, inPkts: 148, outPkts: 140, inBytes: 9736, outBytes: 13352 });
      expect(value.services.find((s) => s.key === "FWM 10")?.realServers.map((d) => d.values.conns)).toEqual([15, 1]);
    }
    for (const name of ["ipvsadm-Ln-rate.txt", "ipvsadm-Ln-rate-exact.txt"]) {
      const { value, errors } = parseIpvsadmRate(fixture(name));
      expect(errors).toEqual([]);
      expect(value.services.find((s) => s.key === "TCP [2001:db8::100]:80")?.values).toEqual({ cps: 0, inPps: 2, outPps: 2, inBps: 180, outBps: 198 });
    }
  });

  it("reads --thresholds, --persistent-conn and --timeout", () => {
    const thresholds = parseIpvsadmThresholds(fixture("ipvsadm-Ln-thresholds.txt"));
    expect(thresholds.errors).toEqual([]);
    const truthThresholds = truth.services.flatMap((s) => s.real_servers.map((d) => [d.u_threshold, d.l_threshold]));
    expect(thresholds.value.services.flatMap((s) => s.realServers.map((d) => [d.upperThreshold, d.lowerThreshold]))).toEqual(truthThresholds);
    const persistent = parseIpvsadmPersistentConn(fixture("ipvsadm-Ln-persistent-conn.txt"));
    expect(persistent.errors).toEqual([]);
    expect(persistent.value.services[0]?.realServers.map((d) => [d.weight, d.persistConns])).toEqual([[3, 3], [1, 1], [0, 0]]);
    expect(parseIpvsadmTimeout(fixture("ipvsadm-Ln-timeout.txt"))).toEqual({ value: { tcp: 900, tcpFin: 120, udp: 300 }, errors: [] });
  });

  it("reads /proc/net/ip_vs_stats and ip_vs_stats_percpu as hex", () => {
    const stats = parseProcIpVsStats(fixture("proc-ip_vs_stats.txt"));
    expect(stats).toEqual({
      value: { totals: { conns: 0x39, inPkts: 0x110, outPkts: 0xf2, inBytes: 0x490a, outBytes: 0x5c82 }, rates: { cps: 2, inPps: 9, outPps: 8, inBps: 0x283, outBps: 0x311 } },
      errors: [],
    });
    const percpu = parseProcIpVsStatsPercpu(fixture("proc-ip_vs_stats_percpu.txt"));
    expect(percpu.errors).toEqual([]);
    expect(percpu.value.cpus).toEqual([{ cpu: 0, counters: stats.value.totals }]);
    expect(percpu.value.totals).toEqual(stats.value.totals);
    expect(percpu.value.rates).toEqual(stats.value.rates);
  });

  it("merges the listings into protocol virtual services", () => {
    const { value, errors } = mergeIpvsTables({
      list: parseIpvsadmList(fixture("ipvsadm-Ln.txt")).value,
      stats: parseIpvsadmStats(fixture("ipvsadm-Ln-stats-exact.txt")).value,
      rates: parseIpvsadmRate(fixture("ipvsadm-Ln-rate-exact.txt")).value,
      thresholds: parseIpvsadmThresholds(fixture("ipvsadm-Ln-thresholds.txt")).value,
      persistentConn: parseIpvsadmPersistentConn(fixture("ipvsadm-Ln-persistent-conn.txt")).value,
    });
    expect(errors).toEqual([]);
    expect(value).toHaveLength(4);
    expect(value.flatMap((s) => s.realServers)).toHaveLength(10);
    const tcp = value.find((s) => s.key === "TCP 10.0.0.100:80");
    expect(tcp?.stats.conns).toBe(27);
    expect(tcp?.realServers[0]).toMatchObject({ key: "10.0.0.11:8080", weight: 3, persistConns: 3, stats: { conns: 18 }, rates: { cps: 1 }, health: "unknown", weightSource: "config", weightMode: "runtime" });
  });

  it("classifies every captured ipvsadm failure", () => {
    const kinds = truth.errors.map((e) => parseIpvsadmFailure(e.rc, e.stderr).kind);
    expect(kinds).toEqual(["kernel-refused", "kernel-refused", "not-found", "not-found", "kernel-refused", "bad-arguments", "not-found", "bad-arguments"]);
    const text = fixture("errors.txt");
    expect(text).toContain("No such destination");
  });
});
