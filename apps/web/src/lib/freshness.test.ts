import { describe, expect, it } from "vitest";
import { directorFreshness, formatAge } from "./freshness";
import { view } from "../test/fixtures";

describe("directorFreshness", () => {
  it("is fresh within staleAfterTicks × tickMs on the hub's clock", () => {
    const f = directorFreshness(view("d1", 10_000), 3, 12_900);
    expect(f).toMatchObject({ ageMs: 2_900, stale: false, reason: null, thresholdMs: 3_000 });
  });

  it("is stale once the data is older than the threshold, even if the hub has not flagged it yet", () => {
    expect(directorFreshness(view("d1", 10_000), 3, 13_001)).toMatchObject({ stale: true, reason: "old-data" });
  });

  it("uses the agent's own tick", () => {
    const slow = view("d1", 10_000, { agent: { version: "x", sources: [], capabilities: [], weightMode: "runtime", tickMs: 5_000 } });
    expect(directorFreshness(slow, 3, 20_000).stale).toBe(false);
  });

  it("is stale when the agent is disconnected, however recent its data", () => {
    expect(directorFreshness(view("d1", 10_000, { connected: false }), 3, 10_001)).toMatchObject({ stale: true, reason: "disconnected" });
  });

  it("is stale without data, and when the hub says so", () => {
    expect(directorFreshness(view("d1", 0, { receivedAt: null, snapshot: null }), 3, 1).reason).toBe("no-data");
    expect(directorFreshness(view("d1", 1000, { stale: true }), 3, 1000).reason).toBe("hub");
  });

  it("never reports a negative age (hub clock estimate slightly behind)", () => {
    expect(directorFreshness(view("d1", 10_000), 3, 9_990).ageMs).toBe(0);
  });
});

describe("formatAge", () => {
  it("reads naturally at every scale", () => {
    expect(formatAge(1_234)).toBe("1.2 s ago");
    expect(formatAge(42_000)).toBe("42 s ago");
    expect(formatAge(5 * 60_000)).toBe("5 min ago");
    expect(formatAge(3 * 3_600_000)).toBe("3 h ago");
    expect(formatAge(null)).toBe("no data");
  });
});
