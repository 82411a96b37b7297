import { describe, expect, it } from "vitest";
import type { DirectorId, WeightChangeResult } from "@lvsdeck/protocol";
import { overallState } from "./weightDelivery";

const r = (director: string, state: WeightChangeResult["state"]): WeightChangeResult => ({ director: director as DirectorId, state, observedWeight: null, error: null });

describe("overallState", () => {
  it("is applied only when every director carrying the service confirmed", () => {
    expect(overallState([r("a", "ok"), r("b", "ok")])).toBe("applied");
    expect(overallState([r("a", "ok"), r("b", "disconnected")])).toBe("partial");
    expect(overallState([r("a", "ok"), r("b", "drift")])).toBe("partial");
  });

  it("is pending while a director is still to answer, or none confirmed and one is away", () => {
    expect(overallState([r("a", "ok"), r("b", "pending")])).toBe("pending");
    expect(overallState([r("a", "disconnected"), r("b", "timeout")])).toBe("pending");
  });

  it("is failed when none confirmed and none is still awaited", () => {
    expect(overallState([r("a", "failed"), r("b", "drift")])).toBe("failed");
  });
});
