import { describe, expect, it } from "vitest";
import type { DirectorId, RealServerKey, ServiceKey, WeightChange, WeightChangeResult } from "@lvsdeck/protocol";
import { describeResult, describeWeightChange, reapplicableStates, resultLabel } from "./describeWeightChange";

const result = (director: string, state: WeightChangeResult["state"], observedWeight: number | null = null, error: string | null = null): WeightChangeResult => ({
  director: director as DirectorId,
  state,
  observedWeight,
  error,
});

const change = (state: WeightChange["state"], results: WeightChangeResult[]): WeightChange => ({
  id: "c1",
  service: "TCP 192.0.2.10:443" as ServiceKey,
  realServer: "192.0.2.11:443" as RealServerKey,
  weight: 6,
  requestedAt: 0,
  state,
  results,
});

describe("describeWeightChange", () => {
  it("says applied only with every director's confirmation", () => {
    expect(describeWeightChange(change("applied", [result("dir-a", "ok", 6), result("dir-b", "ok", 6)]))).toBe(
      "weight 6 applied — dir-a: applied (weight 6), dir-b: applied (weight 6)",
    );
  });

  it("names a director that is away as pending (disconnected) and does not call the change applied", () => {
    const text = describeWeightChange(change("partial", [result("dir-a", "ok", 6), result("dir-b", "disconnected")]));
    expect(text).toBe("weight 6 applied on 1 of 2 directors (1 pending (disconnected)) — dir-a: applied (weight 6), dir-b: pending (disconnected)");
    expect(text).not.toMatch(/^weight 6 applied —/);
  });

  it("is pending when no director confirmed yet and one is away", () => {
    expect(describeWeightChange(change("pending", [result("dir-b", "disconnected")]))).toBe("weight 6 pending — dir-b: pending (disconnected)");
  });

  it("shows a drifted director with the weight it came back with and why it was left alone", () => {
    const drift = result("dir-b", "drift", 9, "weight 9 on its return, neither 2 (before the change) nor 6: not overwritten");
    expect(describeResult(drift)).toBe("dir-b: drift (weight 9) — weight 9 on its return, neither 2 (before the change) nor 6: not overwritten");
    expect(describeWeightChange(change("partial", [result("dir-a", "ok", 6), drift]))).toMatch(/^weight 6 applied on 1 of 2 directors \(1 drift\) — /);
  });

  it("says failed and timeout in words, with the hub's reason", () => {
    expect(describeResult(result("dir-b", "failed", null, "ipvsadm: no such destination"))).toBe("dir-b: failed — ipvsadm: no such destination");
    expect(resultLabel(result("dir-b", "timeout"))).toBe("no answer (timeout)");
  });

  it("offers Reapply for drift, failed and timeout only", () => {
    expect(["ok", "pending", "disconnected", "drift", "failed", "timeout"].filter((s) => reapplicableStates.has(s as WeightChangeResult["state"]))).toEqual(["drift", "failed", "timeout"]);
  });
});
