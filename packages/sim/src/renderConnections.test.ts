import { describe, expect, it } from "vitest";
import { parseConnections } from "@lvsdeck/ipvs";
import { createSimDirector } from "./simDirector";
import { renderIpvsadmConnections } from "./renderConnections";

describe("rendering the simulated connection table", () => {
  it("prints ipvsadm -Lnc text that the real parser reads back without errors", () => {
    const start = Date.UTC(2026, 10, 26, 3, 0, 0);
    const sim = createSimDirector({ director: "lvs-dir-01", seed: 7, now: start });
    // Alone, the director elects itself MASTER after the master-down interval and starts carrying traffic.
    for (let t = start; t <= start + 20_000; t += 100) sim.advance(t);
    const connections = sim.connections(start + 20_000);
    expect(connections.length).toBeGreaterThan(50);
    const parsed = parseConnections(renderIpvsadmConnections(connections));
    expect(parsed.errors).toEqual([]);
    expect(parsed.value).toHaveLength(connections.length);
    expect(parsed.value.some((c) => c.template)).toBe(true);
    expect(parsed.value.some((c) => c.family === "inet6")).toBe(true);
  });
});
