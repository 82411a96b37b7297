import { describe, expect, it } from "vitest";
import { formatAxisTime, formatClock, formatDateTime, fromInputValue, toInputValue, zoneLabel, zoneTag } from "./time";

const at = Date.UTC(2025, 4, 4, 13, 7, 42, 5);

describe("one time format, in the zone the user picked", () => {
  it("writes UTC with 24-hour clocks and the date only when another day", () => {
    expect(formatClock(at, at, "utc")).toBe("13:07:42.005");
    expect(formatClock(at, at + 86_400_000, "utc")).toBe("2025-05-04 13:07:42.005");
    expect(formatDateTime(at, "utc")).toBe("2025-05-04 13:07:42");
    expect(formatAxisTime(at, 60_000, "utc")).toBe("13:07:42");
    expect(formatAxisTime(at, 3_600_000, "utc")).toBe("13:07");
    expect(formatAxisTime(at, 7 * 86_400_000, "utc")).toBe("05-04 13:07");
    expect(zoneLabel(at, "utc")).toBe("UTC");
    expect(zoneTag(at, "utc")).toBe("UTC");
  });

  it("names the browser's zone by its offset", () => {
    expect(zoneTag(at, "local")).toMatch(/^UTC[+-]\d{2}:\d{2}$/);
    expect(zoneLabel(at, "local")).toMatch(/^UTC[+-]\d{2}:\d{2}/);
  });

  it("round-trips absolute range inputs and refuses text that is not a moment", () => {
    expect(fromInputValue(toInputValue(at, "utc"), "utc")).toBe(at - 5);
    expect(fromInputValue(toInputValue(at, "local"), "local")).toBe(at - 5);
    expect(toInputValue(at, "utc")).toBe("2025-05-04 13:07:42");
    expect(fromInputValue("2025-05-04T13:07", "utc")).toBe(Date.UTC(2025, 4, 4, 13, 7));
    expect(fromInputValue("2025-05-04 13:07:42", "utc")).toBe(Date.UTC(2025, 4, 4, 13, 7, 42));
    expect(fromInputValue("yesterday", "utc")).toBeNull();
    expect(fromInputValue("2025-13-04T13:07", "utc")).toBeNull();
  });
});
