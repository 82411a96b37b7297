import { describe, expect, it } from "vitest";
import { countDirector, serviceKeysFingerprint, summarizeDirector } from "./summary";
import type { DirectorView } from "./hubModel";
import type { DirectorId } from "./ids";
import { zeroRates } from "./model";
import { sampleService, sampleSnapshot } from "./testFixtures";

describe("counters", () => {
  it("fingerprints service keys in order: the same list the same, another order, key or split another", () => {
    const keys = ["TCP 198.51.100.10:80", "TCP 198.51.100.10:443", "FWM 7"];
    expect(serviceKeysFingerprint(keys)).toBe(serviceKeysFingerprint([...keys]));
    expect(serviceKeysFingerprint(keys)).toMatch(/^[0-9a-z]{1,11}$/);
    const others = [keys.toReversed(), keys.slice(1), [...keys, "UDP 198.51.100.10:53"], ["TCP 198.51.100.10:8", ...keys.slice(1)], ["ab", "c"], ["a", "bc"], []];
    const prints = new Set([keys, ...others].map(serviceKeysFingerprint));
    expect(prints.size).toBe(others.length + 1);
  });

  it("lists a director's counters in the order of its summary's services, with the fingerprint of their keys and no key", () => {
    const first = sampleSnapshot("d1", 1000);
    const second = { ...sampleService("192.0.2.10", 8443, first.services[0]!.realServers), rates: { ...zeroRates, cps: 7, inBps: 800, outBps: 9000 } };
    const snapshot = { ...first, services: [...first.services, second] };
    const view: DirectorView = { id: "d1" as DirectorId, connected: true, stale: false, receivedAt: 1001, agent: null, snapshot };
    const summary = summarizeDirector(view);
    const counters = countDirector(view);
    expect(counters.keys).toBe(serviceKeysFingerprint(summary.services.map((s) => s.key)));
    expect(counters.services).toEqual(summary.services.map((s) => [s.activeConns, s.inactiveConns, s.cps, s.inBps, s.outBps]));
    expect(counters.services[1]).toEqual([0, 0, 7, 800, 9000]);
    for (const s of summary.services) expect(JSON.stringify(counters)).not.toContain(s.key);
  });
});
