import { describe, expect, it } from "vitest";
import { chartCsv, chartLink, directorRows, splitCsv, stateRows, withGaps, windowFromSearch, type ChartPoint } from "./chartData";

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

describe("per-director rows", () => {
  it("puts each director's connections side by side, so a failover shows them moving", () => {
    const rows = directorRows(
      [
        { director: "lvs-dir-01", points: [point(1000, 50), point(2000, 30), point(3000, 0)] },
        { director: "lvs-dir-02", points: [point(1000, 0), point(2000, 20), point(3000, 50)] },
      ],
      1000,
    );
    expect(rows.map((r) => [r.t, r["lvs-dir-01|active"], r["lvs-dir-02|active"]])).toEqual([[1000, 50, 0], [2000, 30, 20], [3000, 0, 50]]);
  });
  it("carries a skipped tick for two steps, then breaks the line of a director that went away; live times round to the step", () => {
    const rows = directorRows(
      [
        { director: "a", points: [point(1000, 5), point(3400, 6)] },
        { director: "b", points: [point(1000, 1), point(2000, 1), point(3000, 1), point(4000, 1), point(5000, 1), point(6000, 1)] },
      ],
      1000,
    );
    expect(rows.map((r) => [r.t, r["a|active"]])).toEqual([[1000, 5], [2000, 5], [3000, 6], [4000, 6], [5000, 6], [6000, null]]);
  });
  it("writes a CSV column per director and value, gaps empty", () => {
    const rows = directorRows([{ director: "a", points: [point(0, 5)] }, { director: "b", points: [point(4000, 1)] }], 1000);
    const csv = splitCsv(rows, ["a", "b"]).split("\n");
    expect(csv[0]).toBe("time_utc,a_active,a_inactive,a_cps,a_inBps,a_outBps,b_active,b_inactive,b_cps,b_inBps,b_outBps");
    expect(csv[2]).toBe("1970-01-01T00:00:04.000Z,,,,,,1,0,1,0,0");
  });
});

describe("per-state rows", () => {
  it("draws the busiest states, 0 where a count did not see one, and a break where counts stopped", () => {
    const { states, rows } = stateRows([
      { t: 1000, states: { ESTABLISHED: 10, SYN_RECV: 1 } },
      { t: 3000, states: { ESTABLISHED: 12, TIME_WAIT: 30 } },
      { t: 200_000, states: { ESTABLISHED: 5 } },
    ]);
    expect(states).toEqual(["TIME_WAIT", "ESTABLISHED", "SYN_RECV"]);
    expect(rows).toEqual([
      { t: 1000, TIME_WAIT: 0, ESTABLISHED: 10, SYN_RECV: 1 },
      { t: 3000, TIME_WAIT: 30, ESTABLISHED: 12, SYN_RECV: 0 },
      { t: 3001, TIME_WAIT: null, ESTABLISHED: null, SYN_RECV: null },
      { t: 200_000, TIME_WAIT: 0, ESTABLISHED: 5, SYN_RECV: 0 },
    ]);
  });
});
