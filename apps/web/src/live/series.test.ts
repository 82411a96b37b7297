import { describe, expect, it } from "vitest";
import { applySeriesUpdate, seriesKey } from "./series";
import { view } from "../test/fixtures";

const key = seriesKey("TCP 192.0.2.10:443", "192.0.2.11:443");

describe("applySeriesUpdate", () => {
  it("adds one point per real server per new snapshot", () => {
    let series = applySeriesUpdate(undefined, view("d1", 1000));
    series = applySeriesUpdate(series, view("d1", 2000));
    expect(series?.byServer[key]?.map((p) => p.t)).toEqual([1000, 2000]);
    expect(Object.keys(series?.byServer ?? {})).toHaveLength(2);
  });

  it("ignores a repeated or older snapshot (a presence-only frame)", () => {
    const series = applySeriesUpdate(undefined, view("d1", 2000));
    expect(applySeriesUpdate(series, view("d1", 2000, { connected: false }))).toBe(series);
    expect(applySeriesUpdate(series, view("d1", 1000))).toBe(series);
  });

  it("keeps at most `capacity` points, dropping the oldest", () => {
    let series = applySeriesUpdate(undefined, view("d1", 0), 5);
    for (let t = 1; t < 20; t++) series = applySeriesUpdate(series, view("d1", t * 1000), 5);
    const points = series?.byServer[key] ?? [];
    expect(points).toHaveLength(5);
    expect(points[0]?.t).toBe(15_000);
    expect(points.at(-1)?.t).toBe(19_000);
  });

  it("forgets real servers that left the table", () => {
    const series = applySeriesUpdate(undefined, view("d1", 1000));
    const empty = applySeriesUpdate(series, view("d1", 2000, {}, { services: [] }));
    expect(empty?.byServer).toEqual({});
  });

  it("records active and inactive connections, the connection rate and bytes", () => {
    const v = view("d1", 1000);
    const rs = v.snapshot?.services[0]?.realServers[0];
    if (rs === undefined) throw new Error("fixture has a real server");
    Object.assign(rs, { activeConns: 7, inactiveConns: 3, rates: { ...rs.rates, cps: 2.5, inBps: 900, outBps: 4000 } });
    expect(applySeriesUpdate(undefined, v)?.byServer[key]).toEqual([{ t: 1000, activeConns: 7, inactiveConns: 3, cps: 2.5, inBps: 900, outBps: 4000 }]);
  });
});
