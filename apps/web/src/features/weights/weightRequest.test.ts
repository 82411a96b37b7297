import { describe, expect, it } from "vitest";
import { DRAFT_HOLD_MS, displayedWeight } from "./useWeightChange";
import { sliderMax } from "./WeightControl";

describe("displayedWeight", () => {
  it("shows the draft while dragging or waiting for the hub", () => {
    expect(displayedWeight({ weight: 7, base: 2, settledAt: null }, 2, 0)).toBe(7);
  });

  it("keeps an applied value briefly until the director's table shows it", () => {
    expect(displayedWeight({ weight: 7, base: 2, settledAt: 1000 }, 2, 1000 + DRAFT_HOLD_MS - 1)).toBe(7);
    expect(displayedWeight({ weight: 7, base: 2, settledAt: 1000 }, 2, 1000 + DRAFT_HOLD_MS)).toBe(2);
  });

  it("follows the table as soon as it changes, so nothing optimistic sticks", () => {
    expect(displayedWeight({ weight: 7, base: 2, settledAt: 1000 }, 3, 1001)).toBe(3);
    expect(displayedWeight(null, 2, 0)).toBe(2);
  });
});

describe("sliderMax", () => {
  it("reaches 4× the weight, at least 10, and past the shown value", () => {
    expect(sliderMax(2, 2)).toBe(10);
    expect(sliderMax(50, 50)).toBe(200);
    expect(sliderMax(2, 25)).toBe(25);
    expect(sliderMax(60000, 60000)).toBe(65535);
  });
});
