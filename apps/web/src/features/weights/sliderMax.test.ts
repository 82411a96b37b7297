import { describe, expect, it } from "vitest";
import { MAX_WEIGHT } from "@lvsdeck/protocol";
import { sliderMax } from "./WeightControl";

describe("sliderMax", () => {
  it("reaches a weight above 65535 as it is, so the slider never clamps it", () => {
    expect(sliderMax(100_000, 100_000)).toBeGreaterThanOrEqual(100_000);
    expect(sliderMax(2147483647, 2147483647)).toBe(2147483647);
    expect(MAX_WEIGHT).toBe(2147483647);
  });

  it("stays practical for usual weights: 4× the confirmed weight, at least 10", () => {
    expect(sliderMax(3, 3)).toBe(12);
    expect(sliderMax(1, 1)).toBe(10);
  });
});
