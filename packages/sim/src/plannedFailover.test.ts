import { describe, expect, it } from "vitest";
import { createSimDirector } from "./simDirector";
import { eventsOf, runPair, T0, vrrpState } from "./testCluster";

describe("planned failover through the failover track file", () => {
  it("holding the MASTER hands MASTER to the BACKUP within an advert, and releasing it takes MASTER back (preempt)", () => {
    const a = createSimDirector({ director: "lvs-dir-01", seed: 7, now: T0 });
    const b = createSimDirector({ director: "lvs-dir-02", seed: 7, now: T0 });
    let t = runPair(a, b, T0, T0 + 10_000);
    expect(vrrpState(a, t)).toBe("MASTER");
    a.drainEvents();
    expect(a.holdFailover(true, t)).toMatch(/^wrote -253 to the failover file of lvs-dir-01: its VRRP instances drop to priority 1/);
    t = runPair(a, b, t, t + 1000);
    expect(vrrpState(b, t)).toBe("MASTER");
    const held = a.snapshot(t).vrrp[0];
    expect(held).toMatchObject({ state: "BACKUP", basePriority: 200, effectivePriority: 1 });
    expect(held?.tracks).toEqual([{ kind: "file", name: "lvsdeck_failover", weight: 1, status: "bad", value: -253, effect: -199 }]);
    expect(eventsOf(a.drainEvents(), "vrrp-priority")).toMatchObject([{ change: "changed", from: 200, to: 1 }]);
    // Held, it stays BACKUP however long it waits.
    t = runPair(a, b, t, t + 20_000);
    expect(vrrpState(a, t)).toBe("BACKUP");

    a.holdFailover(false, t);
    t = runPair(a, b, t, t + 1000);
    expect(vrrpState(a, t)).toBe("MASTER");
    expect(vrrpState(b, t)).toBe("BACKUP");
    expect(a.snapshot(t).vrrp[0]?.tracks?.[0]).toMatchObject({ status: "good", value: 0, effect: 0 });
  });
});
