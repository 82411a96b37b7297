import { createConnectionAggregator } from "@lvsdeck/ipvs";
import type { ConnectionEntry, ConnectionSummary } from "@lvsdeck/ipvs";
import type { ServiceKey, VirtualService } from "@lvsdeck/protocol";
import { sampleRealServer, sampleService } from "@lvsdeck/protocol/testFixtures";
import { describe, expect, it } from "vitest";
import { fwmarkFolder } from "./directorSource";

// TCP 10.0.0.100:80 is configured; fwmark 10 balances over 10.0.0.21 and 10.0.0.22, whose
// connections show the VIPs the mark matched (10.0.0.101, 10.0.0.102), on whatever port.
const fwmark: VirtualService = { ...sampleService("0.0.0.0", 0, [sampleRealServer("10.0.0.21", 0, 1), sampleRealServer("10.0.0.22", 0, 1)]), key: "FWM 10" as ServiceKey, protocol: null, fwmark: 10 };
const services = [sampleService("10.0.0.100", 80, [sampleRealServer("10.0.0.11", 8080, 1), sampleRealServer("10.0.0.21", 8080, 1)]), fwmark];
const TABLE = [
  "IPVS connection entries",
  "pro expire state       source             virtual            destination",
  "TCP 14:59  ESTABLISHED 192.168.50.11:40001 10.0.0.100:80      10.0.0.11:8080",
  "TCP 14:59  ESTABLISHED 192.168.50.12:40002 10.0.0.100:80      10.0.0.21:8080",
  "TCP 01:45  TIME_WAIT   192.168.50.11:40003 10.0.0.101:8000    10.0.0.21:8000",
  "TCP 01:45  TIME_WAIT   192.168.50.13:40004 10.0.0.102:8001    10.0.0.22:8001",
  "UDP 04:59  UDP         192.168.50.13:40005 10.0.0.102:53      10.0.0.22:53",
  "TCP 14:59  ESTABLISHED 192.168.50.14:40006 10.0.0.103:443     10.0.0.31:443",
  "IP  05:59  NONE        192.168.50.11:0    0.0.0.10:0         10.0.0.21:0",
  "",
].join("\n");

const totals = (summary: ConnectionSummary) => summary.services.map((s) => [s.serviceKey, s.total, s.realServers.map((r) => r.realServerKey)]);

describe("fwmarkFolder", () => {
  it("folds fwmark traffic into its FWM service by real server, leaving configured and unknown services alone", () => {
    const folded = createConnectionAggregator({ serviceKeyOf: fwmarkFolder(services) });
    for (let i = 0; i < TABLE.length; i += 41) folded.push(TABLE.slice(i, i + 41));
    expect(totals(folded.finish())).toEqual([
      ["FWM 10", 4, ["10.0.0.21:0", "10.0.0.21:8000", "10.0.0.22:53", "10.0.0.22:8001"]],
      ["TCP 10.0.0.100:80", 2, ["10.0.0.11:8080", "10.0.0.21:8080"]],
      ["TCP 10.0.0.103:443", 1, ["10.0.0.31:443"]],
    ]);
  });

  it("gives the same summary through the cached fold as when called per entry", () => {
    const folder = fwmarkFolder(services);
    const perEntry = (entry: ConnectionEntry): string => folder(entry);
    const cached = createConnectionAggregator({ serviceKeyOf: folder });
    const plain = createConnectionAggregator({ serviceKeyOf: perEntry });
    cached.push(TABLE);
    plain.push(TABLE);
    expect(cached.finish()).toEqual(plain.finish());
  });
});
