import { describe, expect, it } from "vitest";
import { STALE_AFTER_TICKS, isFresh, isStaleAt, staleReason } from "./staleness";
import { FIXTURE_TICK_MS, T0, director } from "./fixtures";

describe("staleness", () => {
  it("comes after three of the agent's ticks without data, or at once when the agent is gone", () => {
    const view = director("d1");
    expect(isStaleAt(view, T0 + STALE_AFTER_TICKS * FIXTURE_TICK_MS)).toBe(false);
    expect(isStaleAt(view, T0 + STALE_AFTER_TICKS * FIXTURE_TICK_MS + 1)).toBe(true);
    expect(isStaleAt(director("d2", { connected: false }), T0)).toBe(true);
    expect(isStaleAt(director("d3", { receivedAt: null }), T0)).toBe(true);
  });

  it("trusts only a connected director with a snapshot that the hub does not flag", () => {
    expect(isFresh(director("d1"))).toBe(true);
    expect(isFresh(director("d1", { stale: true }))).toBe(false);
    expect(isFresh({ ...director("d1"), snapshot: null })).toBe(false);
  });

  it("says why in the operator's words", () => {
    expect(staleReason(director("d1", { connected: false }), T0)).toBe("agent disconnected");
    expect(staleReason(director("d1", { receivedAt: null }), T0)).toBe("no data received");
    expect(staleReason(director("d1"), T0 + 12_000)).toBe("no data for 12 s");
  });
});
