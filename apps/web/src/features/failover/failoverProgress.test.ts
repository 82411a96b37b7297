import { describe, expect, it } from "vitest";
import type { DirectorId, VrrpState } from "@lvsdeck/protocol";
import { buildTopology } from "../topology/topologyModel";
import { cluster, instance, view } from "../../test/fixtures";
import { failoverSteps } from "./failoverProgress";

const now = 10_000;
const A = "lvs-dir-01" as DirectorId;
const B = "lvs-dir-02" as DirectorId;
const track = (value: number) => [{ kind: "file" as const, name: "lvsdeck_failover", weight: 1, status: value === 0 ? ("good" as const) : ("bad" as const), value, effect: value === 0 ? 0 : -199 }];
function group(a: { state: VrrpState; held: boolean; vip: boolean }, b: { state: VrrpState; vip: boolean }) {
  const c = cluster([
    view(A, now, {}, { vrrp: [{ ...instance(a.state, 200), effectivePriority: a.held ? 1 : 200, tracks: track(a.held ? -253 : 0) }], vipsPresent: a.vip ? ["192.0.2.10"] : [] }),
    view(B, now, {}, { vrrp: [{ ...instance(b.state, 100), tracks: track(0) }], vipsPresent: b.vip ? ["192.0.2.10"] : [] }),
  ]);
  return buildTopology(c, c.health, now)[0]!;
}
const done = (g: ReturnType<typeof group>, back = false) => failoverSteps(g.members, g.vips, A, B, back).map((s) => s.done);

describe("planned failover steps", () => {
  it("ticks each step only when the directors report it", () => {
    expect(done(group({ state: "MASTER", held: false, vip: true }, { state: "BACKUP", vip: false }))).toEqual([false, false, false, false]);
    expect(done(group({ state: "MASTER", held: true, vip: true }, { state: "BACKUP", vip: false }))).toEqual([true, false, false, false]);
    expect(done(group({ state: "BACKUP", held: true, vip: false }, { state: "MASTER", vip: true }))).toEqual([true, true, true, true]);
    expect(failoverSteps(group({ state: "MASTER", held: true, vip: true }, { state: "BACKUP", vip: false }).members, ["192.0.2.10"], A, B, false).map((s) => s.text)).toEqual([
      "keepalived on lvs-dir-01 reads the held failover file: priority 200 → 1",
      "lvs-dir-02 becomes MASTER",
      "lvs-dir-01 steps down to BACKUP",
      "the VIPs (192.0.2.10) are on lvs-dir-02",
    ]);
  });

  it("moving back swaps the roles: released, lvs-dir-01 MASTER again with the VIPs", () => {
    expect(done(group({ state: "BACKUP", held: true, vip: false }, { state: "MASTER", vip: true }), true)).toEqual([false, false, false, false]);
    expect(done(group({ state: "MASTER", held: false, vip: true }, { state: "BACKUP", vip: false }), true)).toEqual([true, true, true, true]);
  });
});
