import { describe, expect, it } from "vitest";
import type { RealServer } from "@lvsdeck/protocol";
import { sampleRealServer } from "@lvsdeck/protocol/testFixtures";
import { connectionShares, expectedShares } from "./expectedShare";

function rs(last: number, weight: number, patch: Partial<RealServer> = {}): RealServer {
  return { ...sampleRealServer(`192.0.2.${last}`, 443, weight), ...patch };
}

/** The shares of a scheduler whose spread is known. */
function known(shares: Map<string, number> | null): Map<string, number> {
  if (shares === null) throw new Error("expected a known spread");
  return shares;
}

describe("expectedShares", () => {
  it("splits by weight for wrr", () => {
    const shares = known(expectedShares("wrr", [rs(11, 2), rs(12, 2)], new Map([["192.0.2.11:443", 6]])));
    expect(shares.get("192.0.2.11:443")).toBeCloseTo(0.75);
    expect(shares.get("192.0.2.12:443")).toBeCloseTo(0.25);
  });

  it("leaves out servers that are down or at weight 0", () => {
    const shares = known(expectedShares("wlc", [rs(11, 2), rs(12, 2, { health: "down" }), rs(13, 0)]));
    expect([...shares.values()]).toEqual([1, 0, 0]);
  });

  it("spreads equally for rr, whatever the weights, among weight > 0", () => {
    const shares = known(expectedShares("rr", [rs(11, 1), rs(12, 9), rs(13, 0)]));
    expect(shares.get("192.0.2.11:443")).toBeCloseTo(0.5);
    expect(shares.get("192.0.2.12:443")).toBeCloseTo(0.5);
    expect(shares.get("192.0.2.13:443")).toBe(0);
  });

  it("sends everything to the highest weight for fo", () => {
    expect([...known(expectedShares("fo", [rs(11, 1), rs(12, 5)])).values()]).toEqual([0, 1]);
  });

  it("guesses nothing for a scheduler the code does not know, nor for none", () => {
    expect(expectedShares("twos", [rs(11, 1), rs(12, 5)])).toBeNull();
    expect(expectedShares("none", [rs(11, 1)])).toBeNull();
  });

  it("is all zero when draining the last server", () => {
    expect([...known(expectedShares("wrr", [rs(11, 2)], new Map([["192.0.2.11:443", 0]]))).values()]).toEqual([0]);
  });
});

describe("connectionShares", () => {
  it("is each server's part of active + inactive connections", () => {
    const shares = connectionShares([rs(11, 1, { activeConns: 30, inactiveConns: 10 }), rs(12, 1, { activeConns: 10, inactiveConns: 0 })]);
    expect(shares.get("192.0.2.11:443")).toBeCloseTo(0.8);
    expect(shares.get("192.0.2.12:443")).toBeCloseTo(0.2);
  });

  it("is zero everywhere without connections", () => {
    expect([...connectionShares([rs(11, 1), rs(12, 1)]).values()]).toEqual([0, 0]);
  });
});
