import { describe, expect, it } from "vitest";
import type { ClusterHealth } from "@lvsdeck/protocol";
import { applyHealth } from "./health";

const health = (key: string): ClusterHealth => ({ groups: [{ key, vrid: 51, vips: [], names: [], label: key, members: [] }], verdicts: [] });

describe("applyHealth", () => {
  it("takes a newer answer and keeps the held one when an older answer arrives late", () => {
    const first = applyHealth(undefined, 10, health("a"));
    const second = applyHealth(first, 20, health("b"));
    expect(second.health).toEqual(health("b"));
    expect(applyHealth(second, 15, health("late"))).toBe(second);
  });
});
