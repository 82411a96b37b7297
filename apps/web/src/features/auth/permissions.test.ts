import { describe, expect, it } from "vitest";
import type { Role, SessionResponse } from "@lvsdeck/protocol";
import { describeSession, mayChangeWeights, mayInjectFaults, sessionCan } from "./permissions";

function user(role: Role, vips: string[] | null): SessionResponse {
  return { kind: "user", user: { name: "oscar", role, vips, createdAt: 0, disabled: false }, vips };
}
const wall: SessionResponse = { kind: "wall", user: null, vips: ["192.168.50.100"] };
const vip = { address: "192.168.50.100" };
const otherVip = { address: "192.168.50.101" };
const fwmark = { address: null };

describe("roles in the UI", () => {
  it("ranks viewer < operator < admin and never lets a wall token act", () => {
    expect(sessionCan(user("viewer", null), "operator")).toBe(false);
    expect(sessionCan(user("operator", null), "operator")).toBe(true);
    expect(sessionCan(user("operator", null), "admin")).toBe(false);
    expect(sessionCan(user("admin", null), "admin")).toBe(true);
    expect(sessionCan(wall, "viewer")).toBe(false);
    expect(sessionCan(null, "viewer")).toBe(false);
  });

  it("gives viewers and wall tokens no weight controls and no simulation", () => {
    expect(mayChangeWeights(user("viewer", null), vip)).toBe(false);
    expect(mayChangeWeights(wall, vip)).toBe(false);
    expect(mayInjectFaults(user("viewer", null))).toBe(false);
    expect(mayInjectFaults(wall)).toBe(false);
    expect(mayInjectFaults(user("operator", ["192.168.50.100"]))).toBe(true);
  });

  it("limits an operator to the services on their VIPs; fwmark services need an unlimited operator", () => {
    const limited = user("operator", ["192.168.50.100"]);
    expect(mayChangeWeights(limited, vip)).toBe(true);
    expect(mayChangeWeights(limited, otherVip)).toBe(false);
    expect(mayChangeWeights(limited, fwmark)).toBe(false);
    expect(mayChangeWeights(user("operator", null), fwmark)).toBe(true);
  });

  it("never limits an admin, even one created with a VIP list (the hub ignores it)", () => {
    expect(mayChangeWeights(user("admin", ["192.168.50.100"]), otherVip)).toBe(true);
    expect(mayChangeWeights(user("admin", ["192.168.50.100"]), fwmark)).toBe(true);
  });

  it("says who is signed in and how far they reach", () => {
    expect(describeSession(user("operator", ["192.168.50.100"]))).toEqual({ name: "oscar", role: "operator (192.168.50.100)" });
    expect(describeSession(user("viewer", ["a", "b"]))).toEqual({ name: "oscar", role: "viewer (2 VIPs)" });
    expect(describeSession(user("admin", null))).toEqual({ name: "oscar", role: "admin" });
    expect(describeSession(wall)).toEqual({ name: "wall display", role: "read-only" });
  });
});
