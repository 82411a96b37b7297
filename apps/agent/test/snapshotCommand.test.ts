// Runs the real agent (`lvsdeck-agent snapshot`) against substitute binaries that print real captures.
import { execFile } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directorSnapshotSchema } from "@lvsdeck/protocol";
import type { DirectorSnapshot } from "@lvsdeck/protocol";
import { createFakeDirector, ipvsFixtures, repoRoot, startFakeKeepalived } from "./fakes";
import type { FakeDirector, FakeKeepalived } from "./fakes";

interface TruthRealServer { address: string; af: string; port: number; forward: string; weight: number; u_threshold: number; l_threshold: number }
interface TruthService { proto: string; af: string; fwmark: number | null; vip: string | null; port: number | null; scheduler: string; real_servers: TruthRealServer[] }
const truth = JSON.parse(readFileSync(join(ipvsFixtures, "truth.json"), "utf8")) as { services: TruthService[] };

function runAgent(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", join(repoRoot, "apps/agent/src/main.ts"), ...args], { cwd: repoRoot }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === "number" ? err.code : -1, stdout, stderr });
    });
  });
}

const keyOf = (s: TruthService) => (s.fwmark !== null ? `FWM ${s.fwmark}` : s.af === "inet6" ? `${s.proto} [${s.vip}]:${s.port}` : `${s.proto} ${s.vip}:${s.port}`);
const rsKey = (r: TruthRealServer) => (r.af === "inet6" ? `[${r.address}]:${r.port}` : `${r.address}:${r.port}`);

describe("lvsdeck-agent snapshot", () => {
  let fake: FakeDirector;
  let keepalived: FakeKeepalived;
  const flags = () => [
    "--director", "lvs-dir-01",
    "--ipvsadm", fake.ipvsadm, "--ip", fake.ip, "--proc-root", fake.procRoot,
    "--keepalived-pid-file", keepalived.pidFile, "--keepalived-json", keepalived.jsonPath,
  ];

  beforeAll(async () => {
    fake = createFakeDirector();
    keepalived = await startFakeKeepalived(fake.dir, "a-master.json");
  });
  afterAll(async () => {
    await keepalived.kill();
    rmSync(fake.dir, { recursive: true, force: true });
  });

  it("prints the director exactly as the real captures and keepalived's dump describe it", async () => {
    const { code, stdout, stderr } = await runAgent(["snapshot", "--source", "ipvsadm,procfs,keepalived", ...flags()]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const snapshot: DirectorSnapshot = directorSnapshotSchema.parse(JSON.parse(stdout));
    expect(snapshot.services.map((s) => s.key).sort()).toEqual(truth.services.map(keyOf).sort());
    for (const expected of truth.services) {
      const service = snapshot.services.find((s) => s.key === keyOf(expected));
      expect(service?.scheduler).toBe(expected.scheduler);
      expect(service?.realServers.map((r) => ({ key: r.key, weight: r.weight, forwarding: r.forwarding, upper: r.upperThreshold, lower: r.lowerThreshold })).sort((a, b) => a.key.localeCompare(b.key))).toEqual(
        expected.real_servers.map((r) => ({ key: rsKey(r), weight: r.weight, forwarding: r.forward, upper: r.u_threshold, lower: r.l_threshold })).sort((a, b) => a.key.localeCompare(b.key)),
      );
    }
    // Connection counts as the kernel reported them in -Ln (ActiveConn / InActConn).
    const dr = snapshot.services.find((s) => s.key === "TCP 10.0.0.100:80")?.realServers.find((r) => r.key === "10.0.0.12:8080");
    expect(dr).toMatchObject({ activeConns: 3, inactiveConns: 6, weightMode: "runtime", weightSource: "config" });
    expect(snapshot.timeouts).toEqual({ tcp: 900, tcpFin: 120, udp: 300 });
    expect(snapshot.keepalived).toMatchObject({ running: true, pid: keepalived.child.pid });
    expect(snapshot.vrrp.map((i) => [i.name, i.vrid, i.state, i.vips])).toEqual([
      ["VI_1", 51, "MASTER", ["198.51.100.100", "198.51.100.101"]],
      ["VI web", 52, "MASTER", ["198.51.100.102"]],
    ]);
  });

  it("prints per-state connection counts equal to the truth computed from -Lnc", async () => {
    const truthConnections = (JSON.parse(readFileSync(join(ipvsFixtures, "truth.json"), "utf8")) as { connections: { by_state: Record<string, number>; by_destination_state: Record<string, Record<string, number>> } }).connections;
    for (const source of ["ipvsadm", "procfs"]) {
      const { code, stdout } = await runAgent(["details", "--source", source, ...flags()]);
      expect(code).toBe(0);
      const details = JSON.parse(stdout) as { connections: { byState: Record<string, number>; services: Array<{ realServers: Array<{ realServerKey: string; byState: Record<string, number> }> }> } };
      expect(details.connections.byState).toEqual(truthConnections.by_state);
      const byDestination = Object.fromEntries(details.connections.services.flatMap((s) => s.realServers.map((r) => [r.realServerKey, r.byState])));
      expect(byDestination).toEqual(truthConnections.by_destination_state);
    }
  });

  it("reads /proc alone without root: weights and forwarding, persistence from jiffies", async () => {
    const { code, stdout } = await runAgent(["snapshot", "--source", "procfs", ...flags()]);
    expect(code).toBe(0);
    const snapshot = directorSnapshotSchema.parse(JSON.parse(stdout));
    expect(snapshot.services.find((s) => s.key === "TCP 10.0.0.100:80")?.persistence).toEqual({ timeoutSec: 300, netmask: "255.255.255.255" });
    expect(snapshot.services.flatMap((s) => s.realServers).length).toBe(10);
  });

  it("fails with one clear line when ipvsadm is missing", async () => {
    const { code, stdout, stderr } = await runAgent(["snapshot", "--source", "ipvsadm", ...flags(), "--ipvsadm", "/nonexistent/ipvsadm"]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toBe("lvsdeck-agent: ipvsadm not found at /nonexistent/ipvsadm (set --ipvsadm)\n");
  });

  it("fails clearly when /proc has no IPVS", async () => {
    const { code, stderr } = await runAgent(["snapshot", "--source", "procfs", ...flags(), "--proc-root", fake.dir]);
    expect(code).toBe(1);
    expect(stderr).toBe(`lvsdeck-agent: ${fake.dir}/net/ip_vs does not exist (is the ip_vs module loaded? set --proc-root)\n`);
  });

  it("never shows a dead keepalived as MASTER", async () => {
    const stopped = await startFakeKeepalived(join(fake.dir, "proc"), "a-master.json");
    await stopped.kill();
    const { code, stdout } = await runAgent(["snapshot", "--source", "keepalived", ...flags(), "--keepalived-pid-file", stopped.pidFile]);
    expect(code).toBe(0);
    const snapshot = directorSnapshotSchema.parse(JSON.parse(stdout));
    expect(snapshot.keepalived.running).toBe(false);
    expect(snapshot.vrrp.some((i) => i.state === "MASTER")).toBe(false);
  });
});
