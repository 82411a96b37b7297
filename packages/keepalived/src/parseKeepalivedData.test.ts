import type { VrrpInstance } from "@lvsdeck/protocol";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseKeepalivedData } from "./parseKeepalivedData";

function readFixture(path: string): string {
  return readFileSync(new URL(`../fixtures/${path}`, import.meta.url), "utf8");
}

const capturedPassword = "lvsdkpw";
const realDataFiles = [
  "a-master.data",
  "b-backup.data",
  "b-fault.data",
  "b-master-after-sigterm.data",
  "a-master-after-restart.data",
  "b-backup-after-restart.data",
  "b-master-after-kill9.data",
  "b-master-after-reload.data",
];

function parsedReal(file: string) {
  const result = parseKeepalivedData(readFixture(`real/${file}`));
  if (!result.ok) throw new Error(`${file}: ${result.error.message}`);
  return result.value;
}

describe("parseKeepalivedData on real SIGUSR1 dumps", () => {
  it("gives the BACKUP's master router address, which only this dump has", () => {
    const { instances, details, syncGroups, virtualServers } = parsedReal("b-backup.data");
    expect(instances[0]).toEqual({
      name: "VI_1",
      vrid: 51,
      interface: "eth0",
      state: "BACKUP",
      basePriority: 100,
      effectivePriority: 100,
      advertIntervalMs: 1000,
      preempt: true,
      vips: ["198.51.100.100", "198.51.100.101"],
      lastTransitionAt: 1795660944795,
      masterRouter: "198.51.100.11",
      syncGroup: "G web",
      masterPriority: 200,
      sourceAddress: "198.51.100.12",
      downTimerMs: expect.any(Number),
      trackFaults: 0,
      tracks: [{ kind: "file", name: "tf_prio", weight: 1, status: "good", value: 0, effect: 0 }],
    });
    expect(instances[1]).toMatchObject({ name: "VI web", vrid: 52, masterRouter: "198.51.100.11", vips: ["198.51.100.102"] });
    expect(details[0]).toMatchObject({ wantState: "BACKUP", vipsInstalled: false });
    expect(syncGroups).toEqual([{ name: "G web", state: "BACKUP", instances: ["VI_1", "VI web"] }]);
    expect(virtualServers).toEqual([]);
  });

  it("has no master router on the MASTER, and its VIPs are set", () => {
    const { instances, details, syncGroups } = parsedReal("a-master.data");
    expect(instances.map((instance) => [instance.state, instance.masterRouter])).toEqual([
      ["MASTER", null],
      ["MASTER", null],
    ]);
    expect(details.map((detail) => detail.vipsInstalled)).toEqual([true, true]);
    expect(syncGroups[0]?.state).toBe("MASTER");
  });

  it("reads FAULT with the effective priority raised by the track file", () => {
    const { instances, syncGroups } = parsedReal("b-fault.data");
    expect(instances.map((instance) => [instance.state, instance.effectivePriority])).toEqual([
      ["FAULT", 103],
      ["FAULT", 100],
    ]);
    expect(syncGroups[0]?.state).toBe("FAULT");
  });

  it("agrees with the JSON dump taken at the same moment on everything both carry", async () => {
    const { parseKeepalivedJson } = await import("./parseKeepalivedJson");
    for (const file of realDataFiles) {
      const json = parseKeepalivedJson(readFixture(`real/${file.replace(".data", ".json")}`));
      // The data dump alone has the master router, sync groups and tracks; the JSON alone has the counters.
      const strip = (list: readonly VrrpInstance[]) =>
        list.map(({ sourceAddress: _a, downTimerMs: _d, trackFaults: _f, tracks: _t, counters: _c, masterPriority: _p, ...entry }) => ({ ...entry, masterRouter: null, syncGroup: null }));
      expect(json.ok && strip(json.value.instances), file).toEqual(strip(parsedReal(file).instances));
    }
  });

  it.each(realDataFiles)("never exposes the VRRP password (%s)", (file) => {
    expect(readFixture(`real/${file}`)).toContain(`Password = ${capturedPassword}`);
    expect(JSON.stringify(parsedReal(file))).not.toContain(capturedPassword);
  });
});

describe("parseKeepalivedData on the checker's dump", () => {
  it("reads virtual servers and the real servers' alive flag and weight (hand-built from check_data.c)", () => {
    const result = parseKeepalivedData(readFixture("synthetic/keepalived_check.data"));
    expect(result).toMatchObject({ ok: true, value: { instances: [], syncGroups: [] } });
    if (!result.ok) return;
    const [web, fwmark] = result.value.virtualServers;
    expect(web).toMatchObject({ serviceKey: "TCP 198.51.100.100:80", scheduler: "wlc", alive: true, quorumUp: true });
    expect(web?.realServers).toEqual([
      { address: "198.51.100.21", port: 80, key: "198.51.100.21:80", weight: 10, effectiveWeight: null, alive: true, failedCheckers: 0, forwarding: "DR", inKernel: true, inhibitOnFailure: false, checkers: [] },
      { address: "198.51.100.22", port: 80, key: "198.51.100.22:80", weight: 5, effectiveWeight: null, alive: false, failedCheckers: 1, forwarding: "DR", inKernel: false, inhibitOnFailure: false, checkers: [] },
    ]);
    expect(fwmark).toMatchObject({ serviceKey: "FWM 7", quorumUp: false, realServers: [{ key: "[2001:db8::11]:0", alive: false }] });
  });

  it("reads an EFF WEIGHT when the version prints one", () => {
    const text = readFixture("synthetic/keepalived_check.data").replace("WEIGHT = 10\n", "WEIGHT = 10 EFF WEIGHT = 7\n");
    const result = parseKeepalivedData(text);
    expect(result.ok && result.value.virtualServers[0]?.realServers[0]?.effectiveWeight).toBe(7);
  });
});

describe("parseKeepalivedData on keepalived 2.2.7's real checker dump (lab VM, real IPVS)", () => {
  // vm-check-failed.data: rs2:80 failed (no inhibit_on_failure), rs2:8081 failed (inhibit_on_failure),
  // rs1:8082 failed under `quorum 2` with a sorry server; the matching `ipvsadm -Ln` is beside it.
  const parsed = parseKeepalivedData(readFixture("real/vm-check-failed.data"));
  const service = (key: string) => (parsed.ok ? parsed.value.virtualServers.find((vs) => vs.serviceKey === key) : undefined);
  const server = (key: string, rs: string) => service(key)?.realServers.find((r) => r.key === rs);

  it("parses every virtual server with its real servers", () => {
    expect(parsed.ok && parsed.value.virtualServers.map((vs) => [vs.serviceKey, vs.realServers.length])).toEqual([
      ["TCP 198.51.100.100:443", 2],
      ["TCP 198.51.100.100:80", 2],
      ["TCP 198.51.100.100:8081", 2],
      ["TCP 198.51.100.100:8082", 2],
    ]);
  });

  it("a failed server without inhibit_on_failure is dead and out of the kernel table (RS set = 0)", () => {
    expect(server("TCP 198.51.100.100:80", "203.0.113.12:80")).toMatchObject({ alive: false, failedCheckers: 1, inKernel: false, inhibitOnFailure: false, weight: 2, effectiveWeight: 2, forwarding: "NAT" });
    expect(server("TCP 198.51.100.100:80", "203.0.113.11:80")).toMatchObject({ alive: true, failedCheckers: 0, inKernel: true });
  });

  it("a failed server with inhibit_on_failure is dead but stays in the kernel table", () => {
    expect(server("TCP 198.51.100.100:8081", "203.0.113.12:8081")).toMatchObject({ alive: false, inKernel: true, inhibitOnFailure: true });
  });

  it("reads weights above 65535 as keepalived holds them", () => {
    expect(server("TCP 198.51.100.100:8081", "203.0.113.11:8081")).toMatchObject({ weight: 100000, effectiveWeight: 100000, alive: true });
  });

  it("reads the quorum, its state and the sorry server; an alive server is out of the table while the quorum is lost", () => {
    expect(service("TCP 198.51.100.100:8082")).toMatchObject({ quorum: 2, quorumUp: false, alive: true, sorryServer: "203.0.113.12:8083" });
    expect(service("TCP 198.51.100.100:80")).toMatchObject({ quorum: 1, quorumUp: true, sorryServer: null });
    expect(server("TCP 198.51.100.100:8082", "203.0.113.12:8082")).toMatchObject({ alive: true, inKernel: false });
  });

  it("gives each real server its checker type and verdict from the Health checkers section", () => {
    expect(server("TCP 198.51.100.100:80", "203.0.113.12:80")?.checkers).toEqual([{ method: "TCP_CHECK", up: false }]);
    expect(server("TCP 198.51.100.100:443", "203.0.113.11:443")?.checkers).toEqual([{ method: "TCP_CHECK", up: true }]);
  });

  it("with every server of a service failed, the service has no alive server and its quorum is down", () => {
    const all = parseKeepalivedData(readFixture("real/vm-check-alldown.data"));
    const seed = all.ok ? all.value.virtualServers.find((vs) => vs.serviceKey === "TCP 198.51.100.100:443") : undefined;
    expect(seed).toMatchObject({ quorumUp: false, sorryServer: null });
    expect(seed?.realServers.map((rs) => [rs.key, rs.alive, rs.inKernel])).toEqual([
      ["203.0.113.11:443", false, false],
      ["203.0.113.12:443", false, false],
    ]);
  });
});

describe("parseKeepalivedData on half-written and broken files", () => {
  it.each(["b-backup.data", "a-master-after-restart.data"])("every prefix of %s is incomplete or the full result", (file) => {
    const text = readFixture(`real/${file}`);
    const full = parseKeepalivedData(text);
    for (let end = 0; end <= text.length; end += 1) {
      const result = parseKeepalivedData(text.slice(0, end));
      if (result.ok) expect(result).toEqual(full);
      else expect(result.error.kind, `prefix of ${end} characters`).toBe("incomplete");
    }
  });

  it("every line-boundary prefix of the checker dump is incomplete or parses", () => {
    const lines = readFixture("synthetic/keepalived_check.data").split("\n");
    for (let count = 0; count <= lines.length; count += 1) {
      const result = parseKeepalivedData(lines.slice(0, count).join("\n") + "\n");
      if (!result.ok) expect(result.error.kind, `${count} lines`).toBe("incomplete");
    }
  });

  it("says invalid, naming the instance, when a complete dump lacks a required line", () => {
    const text = readFixture("real/b-backup.data").replace("   Virtual Router ID = 52\n", "");
    expect(parseKeepalivedData(text)).toEqual({ ok: false, error: { kind: "invalid", message: 'instance "VI web": no "Virtual Router ID" line' } });
  });

  it("says invalid for text that is not a dump", () => {
    expect(parseKeepalivedData("hello\n")).toMatchObject({ ok: false, error: { kind: "invalid" } });
  });

  it("never throws on random strings", () => {
    fc.assert(fc.property(fc.string({ unit: "binary" }), (text) => void parseKeepalivedData(text)), { numRuns: 1000 });
    const shaped = fc.array(
      fc.oneof(fc.constantFrom("------< VRRP Topology >------", " VRRP Instance = x", "------< Interfaces >------", "------< LVS Topology >------", " ------< Virtual server >------", "   ------< Real server >------", "   reloaded = 0"), fc.string()),
    );
    fc.assert(fc.property(shaped, (lines) => void parseKeepalivedData(lines.join("\n") + "\n")), { numRuns: 1000 });
  });
});
