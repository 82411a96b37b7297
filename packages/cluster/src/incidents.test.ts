import { describe, expect, it } from "vitest";
import type { ClusterGroup, DirectorId, HubEvent, VrrpState } from "@lvsdeck/protocol";
import { INCIDENT_WINDOW_MS, recentIncidents } from "./incidents";

const T = 1_750_000_000_000;
let nextId = 1;
const transition = (director: string, from: VrrpState, to: VrrpState, at: number, vrid = 51): HubEvent => ({
  id: nextId++, director: director as DirectorId, seq: null, observedAt: at, receivedAt: at + 2,
  event: { kind: "vrrp-transition", instance: `VI_${vrid}`, vrid, from, to, priority: null, at },
});
const alert = (alertId: string, raised: boolean, at: number, rule = "no-master"): HubEvent => ({
  id: nextId++, director: "hub" as DirectorId, seq: null, observedAt: null, receivedAt: at,
  event: { kind: "alert", alertId, rule, raised, message: `no MASTER for VRID 51 (198.51.100.10)`, at },
});
const lost = (director: string, at: number): HubEvent => ({
  id: nextId++, director: director as DirectorId, seq: null, observedAt: null, receivedAt: at,
  event: { kind: "agent", connected: false, detail: "connection closed", at },
});
const group = (key: string, vip: string, members: string[]): ClusterGroup => ({
  key, vrid: 51, vips: [vip], names: ["VI_51"], label: `VRID 51 (${vip})`,
  members: members.map((director) => ({ director: director as DirectorId, instance: "VI_51", state: "BACKUP", fresh: true })),
});
const pairA = group("51/198.51.100.10", "198.51.100.10", ["pa1", "pa2"]);
const pairB = group("51/198.51.100.20", "198.51.100.20", ["pb1", "pb2"]);
const startUp = [transition("pa1", "INIT", "BACKUP", T), transition("pa2", "INIT", "BACKUP", T), transition("pa1", "BACKUP", "MASTER", T + 3_000)];

describe("recentIncidents", () => {
  it("does not count a start-up election as a failover", () => {
    expect(recentIncidents(startUp, [pairA], T + 10_000).incidents).toEqual([]);
  });

  it("names a failover after the MASTER that left and the one that took over, with the time without a MASTER", () => {
    const events = [...startUp, transition("pa1", "MASTER", "STOP", T + 60_000), transition("pa2", "BACKUP", "MASTER", T + 63_600)];
    const [move] = recentIncidents(events, [pairA], T + 70_000).incidents;
    expect(move).toMatchObject({ kind: "failover", startedAt: T + 60_000, endedAt: T + 63_600 });
    expect(move?.message).toMatch(/^VRID 51 \(198\.51\.100\.10\): MASTER moved from pa1 to pa2 at \d\d:\d\d:\d\d after 4 s without one$/);
  });

  it("names the previous MASTER from the log when its agent died and reported nothing", () => {
    const events = [...startUp, lost("pa1", T + 86_000), transition("pa2", "BACKUP", "MASTER", T + 90_000)];
    const [move] = recentIncidents(events, [pairA], T + 95_000).incidents;
    expect(move?.message).toContain("MASTER moved from pa1 to pa2");
    expect(move?.startedAt).toBe(T + 86_000);
  });

  it("calls a split brain that ends with the older MASTER yielding a move to the newer one", () => {
    const events = [...startUp, transition("pa2", "BACKUP", "MASTER", T + 90_000), transition("pa1", "MASTER", "BACKUP", T + 95_000)];
    const [move] = recentIncidents(events, [pairA], T + 99_000).incidents;
    expect(move).toMatchObject({ kind: "failover", endedAt: T + 90_000 });
    expect(move?.message).toContain("MASTER moved from pa1 to pa2");
  });

  it("does not call a second MASTER beside one still there a move: that is a split brain, the hub's verdict", () => {
    const events = [...startUp, transition("pa2", "BACKUP", "MASTER", T + 90_000), transition("pa2", "MASTER", "BACKUP", T + 95_000)];
    expect(recentIncidents(events, [pairA], T + 99_000).incidents).toEqual([]);
  });

  it("keeps a failover listed after the failback that ended it, newest first", () => {
    const events = [
      ...startUp,
      transition("pa1", "MASTER", "STOP", T + 60_000), transition("pa2", "BACKUP", "MASTER", T + 63_000),
      transition("pa1", "INIT", "BACKUP", T + 120_000), transition("pa1", "BACKUP", "MASTER", T + 121_000), transition("pa2", "MASTER", "BACKUP", T + 121_005),
    ];
    const messages = recentIncidents(events, [pairA], T + 130_000).incidents.map((i) => i.message);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toContain("from pa2 to pa1");
    expect(messages[1]).toContain("from pa1 to pa2");
  });

  it("keeps two pairs that reuse a VRID apart: each pair's start-up is its own, not a move between pairs", () => {
    const events = [...startUp, transition("pb1", "BACKUP", "MASTER", T + 3_100)];
    expect(recentIncidents(events, [pairA, pairB], T + 10_000).incidents).toEqual([]);
  });

  it("lists the hub's alerts with how long they lasted, open ones without an end, in any input order", () => {
    const events = [alert("x", false, T + 50_000), alert("x", true, T + 20_000), alert("y", true, T + 40_000, "tables-differ")];
    const { incidents } = recentIncidents(events, [], T + 60_000);
    expect(incidents.map((i) => [i.kind, i.severity, i.startedAt, i.endedAt])).toEqual([
      ["tables-differ", "warning", T + 40_000, null],
      ["no-master", "critical", T + 20_000, T + 50_000],
    ]);
  });

  it("drops what ended before the window and says how far back the log reaches", () => {
    const now = T + INCIDENT_WINDOW_MS + 120_000;
    const events = [alert("x", true, T + 1_000), alert("x", false, T + 2_000), alert("y", true, T + 3_000)];
    const list = recentIncidents(events, [], now);
    expect(list.incidents.map((i) => i.key)).toEqual([`alert/y/${T + 3_000}`]);
    expect(list.coveredFrom).toBe(now - INCIDENT_WINDOW_MS);
    expect(recentIncidents([alert("z", true, T + 5_000)], [], T + 60_000).coveredFrom).toBe(T + 5_000);
  });
});
