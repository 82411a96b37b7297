import { describe, expect, it } from "vitest";
import { chartCsv, chartLink, withGaps, windowFromSearch, type ChartPoint } from "./chartData";

const point = (t: number, active: number): ChartPoint => ({ t, active, inactive: 0, cps: 1, inBps: 0, outBps: 0 });

describe("charts without false zeros", () => {
  it("breaks the line where the hub has no point, and never inserts a zero", () => {
    const drawn = withGaps([point(1000, 5), point(2000, 6), point(9000, 7)], 1000);
    expect(drawn.map((r) => [r.t, r.active])).toEqual([[1000, 5], [2000, 6], [3000, null], [9000, 7]]);
    expect(drawn.some((r) => r.active === 0)).toBe(false);
    // A step skipped by one tick is not a gap.
    expect(withGaps([point(1000, 5), point(3000, 6)], 1000)).toHaveLength(2);
  });

  it("exports what is shown as CSV with UTC times and empty cells for gaps", () => {
    const csv = chartCsv(withGaps([point(Date.UTC(2025, 4, 4, 13, 0, 0), 5), point(Date.UTC(2025, 4, 4, 13, 0, 9), 7)], 1000));
    expect(csv.split("\n")).toEqual([
      "time_utc,active,inactive,cps,inBps,outBps",
      "2025-05-04T13:00:00.000Z,5,0,1,0,0",
      "2025-05-04T13:00:01.000Z,,,,,",
      "2025-05-04T13:00:09.000Z,7,0,1,0,0",
      "",
    ]);
  });

  it("carries a chosen window in a link and reads it back for the same service only", () => {
    const link = chartLink("http://hub/?x=1", "TCP 192.0.2.1:80", { from: 1000, to: 5000 });
    const search = new URL(link).search;
    expect(windowFromSearch(search, "TCP 192.0.2.1:80")).toEqual({ from: 1000, to: 5000 });
    expect(windowFromSearch(search, "TCP 192.0.2.2:80")).toBeNull();
    expect(windowFromSearch("?chart=TCP%20192.0.2.1%3A80&chartFrom=9&chartTo=3", "TCP 192.0.2.1:80")).toBeNull();
  });
});
