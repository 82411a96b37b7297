import { describe, expect, it } from "vitest";
import { CLOCK_SAMPLE_WINDOW, applyClockSample, initialServerClock, serverNow } from "./serverClock";

describe("server clock", () => {
  it("corrects a browser clock that runs 10 s behind the hub", () => {
    const clock = applyClockSample(initialServerClock, 1_010_000, 1_000_000);
    expect(serverNow(clock, 1_000_500)).toBe(1_010_500);
  });

  it("prefers the sample with the least network delay", () => {
    let clock = applyClockSample(initialServerClock, 10_000, 10_050); // 50 ms in flight
    clock = applyClockSample(clock, 20_000, 20_005); // 5 ms in flight
    expect(clock.offsetMs).toBe(-5);
  });

  it("follows a clock jump once the old samples age out of the window", () => {
    let clock = applyClockSample(initialServerClock, 100_000, 0);
    for (let i = 1; i <= CLOCK_SAMPLE_WINDOW; i++) clock = applyClockSample(clock, 1000 * i, 1000 * i);
    expect(clock.offsetMs).toBe(0);
    expect(clock.samples).toHaveLength(CLOCK_SAMPLE_WINDOW);
  });

  it("assumes no skew before any sample", () => {
    expect(serverNow(initialServerClock, 42)).toBe(42);
  });
});
