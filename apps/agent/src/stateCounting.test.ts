import { describe, expect, it } from "vitest";
import { aggregateConnections } from "@lvsdeck/ipvs";
import { createLogger } from "@lvsdeck/log";
import { sampleRealServer, sampleService, sampleSnapshot } from "@lvsdeck/protocol/testFixtures";
import type { DirectorSource } from "./sources/source";
import { attachStates, nextCountDelay, stateTableFromSummary, withStateCounts, type StateTable } from "./stateCounting";

const LNC = [
  "IPVS connection entries",
  "pro expire state       source             virtual            destination",
  "TCP 14:58  ESTABLISHED 203.0.113.7:51514  10.0.0.100:80      192.168.1.10:80",
  "TCP 00:50  SYN_RECV    203.0.113.9:40022  10.0.0.100:80      192.168.1.10:80",
  "TCP 01:47  TIME_WAIT   203.0.113.8:40022  10.0.0.100:80      192.168.1.11:80",
  "TCP 04:12  NONE        203.0.113.7:0      10.0.0.100:80      192.168.1.10:80",
  "",
].join("\n");

describe("per-state counts", () => {
  it("takes persistence templates out of the states and counts them per service", () => {
    const table = stateTableFromSummary(aggregateConnections(LNC));
    const web = table.byService.get("TCP 10.0.0.100:80");
    expect(web?.templates).toBe(1);
    expect(web?.realServers.get("192.168.1.10:80")).toEqual({ ESTABLISHED: 1, SYN_RECV: 1 });
    expect(web?.realServers.get("192.168.1.11:80")).toEqual({ TIME_WAIT: 1 });
  });

  it("gives every real server counts, zero states for one without entries, with the time they were taken", () => {
    const table = stateTableFromSummary(aggregateConnections(LNC));
    const service = sampleService("10.0.0.100", 80, [sampleRealServer("192.168.1.10", 80, 1), sampleRealServer("192.168.1.12", 80, 1)]);
    const [counted] = attachStates([service], table, 1234);
    expect(counted?.connectionStates).toEqual({ countedAt: 1234, templates: 1 });
    expect(counted?.realServers.map((rs) => rs.states)).toEqual([{ ESTABLISHED: 1, SYN_RECV: 1 }, {}]);
  });

  it("counts every tick while cheap and backs off to stay within the budget", () => {
    expect(nextCountDelay(2, 0.05, 1000)).toBe(1000);
    // 100 ms of counting at 5 % of a core: the next count 1.9 s later (2 s per count).
    expect(nextCountDelay(100, 0.05, 1000)).toBe(1900);
    expect(nextCountDelay(824, 0.05, 1000)).toBe(15656);
  });

  it("puts the last count into each snapshot and leaves snapshots alone until there is one", async () => {
    const service = sampleService("10.0.0.100", 80, [sampleRealServer("192.168.1.10", 80, 1)]);
    const inner: DirectorSource = {
      kinds: ["test"],
      capabilities: [],
      weightMode: "runtime",
      read: async () => ({ ...sampleSnapshot("d1", 1000), services: [service] }),
      setWeight: async () => 1,
      onEvent: () => undefined,
      close: async () => undefined,
    };
    let release: (table: StateTable) => void = () => undefined;
    const counted = new Promise<StateTable>((resolve) => (release = resolve));
    const source = withStateCounts(inner, { count: () => counted, budget: 0.05, minIntervalMs: 60_000, log: createLogger("test", true), now: () => 5000 });
    try {
      expect((await source.read()).services[0]?.connectionStates).toBeUndefined();
      release(stateTableFromSummary(aggregateConnections(LNC)));
      await counted;
      await new Promise((resolve) => setImmediate(resolve));
      const snapshot = await source.read();
      expect(snapshot.services[0]?.connectionStates).toEqual({ countedAt: 5000, templates: 1 });
      expect(snapshot.services[0]?.realServers[0]?.states).toEqual({ ESTABLISHED: 1, SYN_RECV: 1 });
    } finally {
      await source.close();
    }
  });
});
