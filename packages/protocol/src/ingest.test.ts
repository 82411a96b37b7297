import { describe, expect, it } from "vitest";
import { parseAgentFrame } from "./ingest";
import { sampleRealServer, sampleService, sampleSnapshot } from "./testFixtures";
import type { DirectorSnapshot } from "./model";

type Loose = Record<string, unknown>;

function snapshotWith(edit: (snapshot: Loose & { services: Array<Loose & { realServers: Loose[] }>; vrrp: Loose[] }) => void): string {
  const snapshot = sampleSnapshot("lvs-dir-01", 1) as unknown as Loose & { services: Array<Loose & { realServers: Loose[] }>; vrrp: Loose[] };
  snapshot.services.push(sampleService("192.0.2.20", 80, [sampleRealServer("192.0.2.21", 80, 1)]) as unknown as Loose & { realServers: Loose[] });
  edit(snapshot);
  return JSON.stringify({ type: "snapshot", snapshot });
}

function readSnapshot(text: string): { snapshot: DirectorSnapshot; flagged: string[]; dropped: string[] } {
  const read = parseAgentFrame(text);
  if (!read.ok || read.value.type !== "snapshot") throw new Error(read.ok ? "not a snapshot" : read.error);
  return { snapshot: read.value.snapshot, ...read.report };
}

const vrrpInstance = { name: "VI_1", vrid: 51, interface: "eth0", state: "MASTER", basePriority: 150, effectivePriority: 150, advertIntervalMs: 1000, preempt: true, vips: ["192.0.2.10"], lastTransitionAt: null, masterRouter: null, syncGroup: null };

describe("parseAgentFrame", () => {
  it("takes weights up to 2147483647 and a scheduler it does not know, unflagged", () => {
    const { snapshot, flagged } = readSnapshot(
      snapshotWith((s) => {
        const rs = s.services[0]?.realServers[0];
        if (rs) rs.weight = 2147483647;
        if (s.services[1]) s.services[1].scheduler = "twos";
      }),
    );
    expect(flagged).toEqual([]);
    expect(snapshot.services[0]?.realServers[0]?.weight).toBe(2147483647);
    expect(snapshot.services[1]?.scheduler).toBe("twos");
  });

  it("keeps a real server with an unreadable value, flagged with its raw text, and every other object whole", () => {
    const { snapshot, flagged } = readSnapshot(
      snapshotWith((s) => {
        const rs = s.services[0]?.realServers[1];
        if (rs) rs.weight = 2147483648;
      }),
    );
    const odd = snapshot.services[0]?.realServers[1];
    expect(odd?.key).toBe("192.0.2.12:443");
    expect(odd?.health).toBe("unknown");
    expect(odd?.issues).toEqual([{ field: "weight", raw: "2147483648", message: expect.stringMatching(/at most 2147483647/) }]);
    expect(snapshot.services[0]?.realServers[0]).toEqual(sampleRealServer("192.0.2.11", 443, 2));
    expect(snapshot.services[1]).toEqual(sampleService("192.0.2.20", 80, [sampleRealServer("192.0.2.21", 80, 1)]));
    expect(flagged).toEqual(["service TCP 192.0.2.10:443 real server 192.0.2.12:443: weight"]);
  });

  it("flags a scheduler name with unsafe characters on its service and keeps the service", () => {
    const { snapshot } = readSnapshot(snapshotWith((s) => s.services[1] && (s.services[1].scheduler = "<b>x</b>")));
    expect(snapshot.services[1]?.issues).toEqual([{ field: "scheduler", raw: "<b>x</b>", message: expect.any(String) }]);
    expect(snapshot.services[1]?.realServers).toHaveLength(1);
  });

  it("leaves out, and reports, only objects whose key cannot be read", () => {
    const { snapshot, dropped } = readSnapshot(
      snapshotWith((s) => {
        s.services.push({ key: 7, realServers: [] });
        s.services[0]?.realServers.push({ weight: 1 });
      }),
    );
    expect(snapshot.services.map((svc) => svc.key)).toEqual(["TCP 192.0.2.10:443", "TCP 192.0.2.20:80"]);
    expect(snapshot.services[0]?.realServers).toHaveLength(2);
    expect(snapshot.services[0]?.issues?.[0]?.field).toBe("realServers");
    expect(dropped).toHaveLength(2);
  });

  it("keeps a VRRP instance with an unreadable state as UNKNOWN, flagged", () => {
    const { snapshot } = readSnapshot(snapshotWith((s) => s.vrrp.push({ ...vrrpInstance, state: "BOSS" })));
    expect(snapshot.vrrp[0]).toMatchObject({ name: "VI_1", vrid: 51, state: "UNKNOWN", issues: [{ field: "state", raw: "BOSS" }] });
  });

  it("reads deltas the same way", () => {
    const bad = { ...sampleService("192.0.2.30", 80, [{ ...sampleRealServer("192.0.2.31", 80, 1), activeConns: -1 }]) };
    const read = parseAgentFrame(JSON.stringify({ type: "delta", takenAt: 2, upsertServices: [bad], removeServices: [], vrrp: [{ ...vrrpInstance, vrid: 999 }] }));
    if (!read.ok || read.value.type !== "delta") throw new Error("delta not read");
    expect(read.value.upsertServices[0]?.realServers[0]?.issues?.[0]).toMatchObject({ field: "activeConns", raw: "-1" });
    expect(read.value.vrrp).toEqual([]);
    expect(read.report.dropped).toHaveLength(1);
  });

  it("still refuses a frame whose envelope is wrong", () => {
    const read = parseAgentFrame(JSON.stringify({ type: "snapshot", snapshot: { director: "lvs-dir-01" } }));
    expect(read.ok).toBe(false);
  });
});
