import { describe, expect, it } from "vitest";
import { applyDelta, diffSnapshots, isEmptyDelta } from "./delta";
import { sampleRealServer, sampleService, sampleSnapshot } from "./testFixtures";
import { agentToHubSchema } from "./agentMessages";
import { parseFrame } from "./parse";
import { realServerKeySchema, serviceKeySchema } from "./ids";

describe("snapshot deltas", () => {
  it("reproduces the next snapshot from the previous one", () => {
    const prev = sampleSnapshot("d1", 1000);
    const changed = { ...prev.services[0]!, scheduler: "wlc" as const };
    const added = sampleService("192.0.2.20", 80, [sampleRealServer("192.0.2.21", 80, 1)]);
    const next = { ...prev, takenAt: 2000, services: [changed, added], vipsPresent: ["192.0.2.10"] };
    const delta = diffSnapshots(prev, next);
    expect(delta.upsertServices).toHaveLength(2);
    expect(applyDelta(prev, delta)).toEqual(next);
  });

  it("carries only a timestamp when nothing changed", () => {
    const prev = sampleSnapshot("d1", 1000);
    const delta = diffSnapshots(prev, { ...prev, takenAt: 2000 });
    expect(isEmptyDelta(delta)).toBe(true);
    expect(applyDelta(prev, delta).takenAt).toBe(2000);
  });

  it("carries connection sync when it changes, and keeps it when it does not", () => {
    const sync = { daemons: [{ role: "master" as const, interface: "eth0", syncId: 1, maxlen: 1472, group: null, port: null, ttl: null }], entries: { local: 10, synced: 0, countedAt: 1000 } };
    const prev = { ...sampleSnapshot("d1", 1000), connectionSync: sync };
    const stopped = { ...prev, takenAt: 2000, connectionSync: { ...sync, daemons: [] } };
    const delta = diffSnapshots(prev, stopped);
    expect(delta.connectionSync).toEqual(stopped.connectionSync);
    expect(applyDelta(prev, delta)).toEqual(stopped);
    const same = diffSnapshots(stopped, { ...stopped, takenAt: 3000 });
    expect(isEmptyDelta(same)).toBe(true);
    expect(applyDelta(stopped, same).connectionSync).toEqual(stopped.connectionSync);
  });

  it("removes services that disappeared", () => {
    const prev = sampleSnapshot("d1", 1000);
    const delta = diffSnapshots(prev, { ...prev, takenAt: 2000, services: [] });
    expect(delta.removeServices).toEqual([prev.services[0]!.key]);
    expect(applyDelta(prev, delta).services).toEqual([]);
  });
});

describe("frame narrowing", () => {
  it("names the offending field of a malformed frame", () => {
    const outcome = parseFrame(agentToHubSchema, JSON.stringify({ type: "event", seq: -1, observedAt: 1, event: { kind: "health" } }));
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error).toMatch(/seq/);
  });

  it("reports text that is not JSON", () => {
    const outcome = parseFrame(agentToHubSchema, "{nope");
    expect(outcome).toMatchObject({ ok: false });
  });

  it("takes any weight the kernel holds (0..2147483647) and rejects one outside that range", () => {
    const result = (observedWeight: number) =>
      parseFrame(agentToHubSchema, JSON.stringify({ type: "command-result", commandId: "x", ok: true, observedWeight, error: null }));
    expect(result(70000).ok).toBe(true);
    expect(result(2147483647).ok).toBe(true);
    expect(result(2147483648).ok).toBe(false);
    expect(result(-1).ok).toBe(false);
  });

  it.each(["TCP 1.2.3.4:80;rm -rf /", "TCP -x 1.2.3.4:80", "TCP 1.2.3.4:80 -w 9", "FWM 1 -6"])(
    "rejects service key %j carrying shell or ipvsadm option injection",
    (key) => {
      expect(serviceKeySchema.safeParse(key).success).toBe(false);
    },
  );

  it.each(["1.2.3.4:80", "[2001:db8::1]:443", "0.0.0.100:0"])("accepts real server key %j", (key) => {
    expect(realServerKeySchema.safeParse(key).success).toBe(true);
  });
});
