import { describe, expect, it } from "vitest";
import { createConnectionAggregator } from "./aggregateConnections";
import { createSpaceSaving } from "./spaceSaving";

const STATES = ["ESTABLISHED", "TIME_WAIT", "SYN_RECV", "FIN_WAIT", "CLOSE"] as const;
const SERVICES = ["10.0.0.100:80", "10.0.0.100:443", "[2001:db8::100]:80"] as const;
const REAL_SERVERS = ["10.0.0.11:8080", "10.0.0.12:8080", "[2001:db8::11]:8080", "10.0.0.13:8080"] as const;

/** Row i of a synthetic -Lnc table; 4 "heavy" clients share every 10th row, the others are all distinct. */
function row(i: number): string {
  const heavy = i % 10 === 0;
  const client = heavy ? `198.51.100.${(i / 10) % 4}` : `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  const state = STATES[i % STATES.length] ?? "CLOSE";
  const service = SERVICES[i % SERVICES.length] ?? "";
  const realServer = REAL_SERVERS[i % REAL_SERVERS.length] ?? "";
  return `TCP 01:${String(i % 60).padStart(2, "0")}  ${state.padEnd(11)} ${client}:${1024 + (i % 60000)} ${service.padEnd(18)} ${realServer}\n`;
}

describe("createConnectionAggregator", () => {
  it("aggregates a 1,000,000-line -Lnc stream in chunks with bounded state and exact totals", () => {
    const rows = 1_000_000;
    const k = 64;
    const aggregator = createConnectionAggregator({ sketchCapacity: k, topClients: 4 });
    let maxSketch = 0;
    let maxPending = 0;
    aggregator.push("IPVS connection entries\npro expire state       source             virtual            destination\n");
    let chunk = "";
    for (let i = 0; i < rows; i += 1) {
      chunk += row(i);
      // Odd chunk sizes so lines are split across pushes.
      if (chunk.length > 65_531) {
        aggregator.push(chunk.slice(0, 40_000));
        aggregator.push(chunk.slice(40_000));
        chunk = "";
        const footprint = aggregator.footprint();
        maxSketch = Math.max(maxSketch, footprint.sketchCounters);
        maxPending = Math.max(maxPending, footprint.pendingChars);
      }
    }
    aggregator.push(chunk);
    const footprint = aggregator.footprint();
    const summary = aggregator.finish();

    expect(summary.errorCount).toBe(0);
    expect(summary.total).toBe(rows);
    expect(summary.byState).toEqual(Object.fromEntries(STATES.map((s) => [s, rows / STATES.length])));
    expect(summary.active).toBe(rows * 2 / 5);
    expect(summary.inactive).toBe(rows * 3 / 5);
    expect(Object.fromEntries(summary.services.map((s) => [s.serviceKey, s.total]))).toEqual({
      "TCP 10.0.0.100:80": 333_334,
      "TCP 10.0.0.100:443": 333_333,
      "TCP [2001:db8::100]:80": 333_333,
    });
    expect(summary.services.flatMap((s) => s.realServers).reduce((sum, d) => sum + d.total, 0)).toBe(rows);

    // Retained state: one entry per service / real server and at most k sketch counters per service.
    expect(footprint.services).toBe(3);
    expect(footprint.realServers).toBe(12);
    expect(maxSketch).toBeLessThanOrEqual(3 * k);
    expect(footprint.sketchCounters).toBeLessThanOrEqual(3 * k);
    expect(maxPending).toBeLessThan(200);

    // Each heavy client has ~8,333 rows per service, above N/k = 333,333 / 64 ≈ 5,208, so all 4 must be found.
    for (const service of summary.services) {
      expect(service.topClients).toHaveLength(4);
      for (const hitter of service.topClients) {
        expect(hitter.item.startsWith("198.51.100.")).toBe(true);
        expect(hitter.error).toBeLessThanOrEqual(service.clientOffers / k);
      }
    }
  }, 120_000);

  it("keeps templates out of the active and inactive counts and reports bad lines", () => {
    const aggregator = createConnectionAggregator();
    aggregator.push("TCP 04:50  ASSURED     192.168.50.14:0    10.0.0.100:80      10.0.0.11:8080\nSCTP 00:10 ESTABLISHED 1.2.3.4:5 10.0.0.1:3868 10.0.0.2:3868\nSCTP 00:10 COOKIE 1.2.3.4:6 10.0.0.1:3868 10.0.0.2:3868\nnot a row\n");
    aggregator.push("x".repeat(10_000));
    aggregator.push("\nUDP 04:59  UDP 198.51.100.4:33000 10.0.0.100:53 192.168.1.12:53");
    const summary = aggregator.finish();
    expect([summary.total, summary.templates, summary.active, summary.inactive]).toEqual([4, 1, 1, 2]);
    expect(summary.errors.map((e) => [e.line, e.message])).toEqual([
      [4, "not a connection entry: expected 6-8 columns (ipvsadm -Lnc) or 9-11 (/proc), found 3"],
      [5, "line too long to be a connection entry"],
    ]);
    expect(summary.errors[1]?.text.length).toBeLessThan(300);
  });

  it("folds a fwmark service's VIPs with serviceKeyOf", () => {
    const aggregator = createConnectionAggregator({ serviceKeyOf: (e) => (e.virtual.address === "10.0.0.101" ? "FWM 10" : e.serviceKey) });
    aggregator.push("TCP 01:45  TIME_WAIT   192.168.50.11:56458 10.0.0.101:8000    10.0.0.13:8000\nTCP 01:45  TIME_WAIT   192.168.50.11:56459 10.0.0.101:8001    10.0.0.13:8001\n");
    expect(aggregator.finish().services.map((s) => [s.serviceKey, s.total])).toEqual([["FWM 10", 2]]);
  });
});

describe("createSpaceSaving", () => {
  it("finds every item above N/k and never underestimates", () => {
    const sketch = createSpaceSaving(10);
    const truth = new Map<string, number>();
    for (let i = 0; i < 10_000; i += 1) {
      // Two items take a quarter of the stream each (2,500 > N/k = 1,000); the rest are all distinct.
      const item = i % 2 === 0 ? `hot-${(i / 2) % 2}` : `cold-${i}`;
      truth.set(item, (truth.get(item) ?? 0) + 1);
      sketch.offer(item);
    }
    expect(sketch.size()).toBe(10);
    const top = sketch.top(10);
    for (const hitter of top) {
      const real = truth.get(hitter.item) ?? 0;
      expect(hitter.count).toBeGreaterThanOrEqual(real);
      expect(hitter.count - hitter.error).toBeLessThanOrEqual(real);
      expect(hitter.error).toBeLessThanOrEqual(10_000 / 10);
    }
    expect(top.slice(0, 2).map((h) => h.item).sort()).toEqual(["hot-0", "hot-1"]);
  });
});
