import { describe, expect, it } from "vitest";
import { virtualServiceSchema, type RealServer, type VirtualService } from "./model";
import { sampleRealServer, sampleService } from "./testFixtures";
import { wellFormedReadsEveryField, wellFormedService } from "./wellFormed";
import { parseAgentFrame } from "./ingest";

/** A real server with every optional field the schema has. */
const fullRealServer: RealServer = {
  ...sampleRealServer("198.51.100.11", 443, 100),
  activeConns: 12,
  inactiveConns: 3,
  stats: { conns: 10, inPkts: 20, outPkts: 30, inBytes: 4000, outBytes: 5000 },
  rates: { cps: 1.5, inPps: 2, outPps: 3, inBps: 400.25, outBps: 500 },
  inKernel: true,
  checker: { types: ["TCP_CHECK"], alive: true, failedCheckers: 0, lastChangeAt: 1_700_000_000_000 },
  states: { ESTABLISHED: 12, TIME_WAIT: 3 },
};

const services: VirtualService[] = [
  sampleService("198.51.100.1", 80, [sampleRealServer("198.51.100.11", 80, 1), sampleRealServer("198.51.100.12", 80, 0)]),
  {
    ...sampleService("198.51.100.2", 443, [fullRealServer, { ...fullRealServer, key: "[2001:db8::11]:443" as RealServer["key"], address: "2001:db8::11", health: "down", checker: { ...fullRealServer.checker!, failedCheckers: null, lastChangeAt: null } }]),
    persistence: { timeoutSec: 300, netmask: "255.255.255.255" },
    checker: { quorum: 1, quorumUp: true, sorryServer: "203.0.113.9:443" as RealServer["key"], sorryServerInUse: false },
    connectionStates: { countedAt: 1_700_000_000_500, templates: 4 },
  },
  {
    ...sampleService("198.51.100.3", 53, []),
    key: "FWM 100 IPv6" as VirtualService["key"],
    family: "inet6",
    protocol: null,
    address: null,
    port: null,
    fwmark: 100,
    scheduler: "twos",
    schedulerFlags: ["flag-1"],
    onePacket: true,
    pe: "sip",
    persistence: { timeoutSec: 0, netmask: null },
    checker: { quorum: null, quorumUp: null, sorryServer: null, sorryServerInUse: true },
  },
];

/** Values that are wrong somewhere (or right elsewhere): each is put in every place of every service. */
const ODD = [undefined, null, -1, -0, 0, 1.5, 65_536, 2 ** 31, 2 ** 53, Number.NaN, Infinity, "", "x", "TCP 198.51.100.1:80", "Route", "up", true, false, {}, [], ["x"], [1], "a".repeat(200)];

/** Every place in `value`: its path, for objects and arrays all the way down. */
function places(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== "object" || value === null) return [path];
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [path, ...keys.flatMap((k) => places((value as Record<string | number, unknown>)[k], [...path, k]))];
}

/** A deep copy of `value` with `path` set to `odd` (`remove`: the key taken out). */
function withValue(value: unknown, path: (string | number)[], odd: unknown, remove = false): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  if (path.length === 0) return odd;
  let at = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (remove) delete at[last];
  else at[last] = odd;
  return copy;
}

/** The fast read either vouches for exactly what the schema reads (same fields, same order) or leaves it to the schema. */
function expectSameAsSchema(raw: unknown) {
  const fast = wellFormedService(raw);
  if (fast === null) return "left to the schema";
  const schema = virtualServiceSchema.safeParse(raw);
  expect(schema.success, JSON.stringify(raw)).toBe(true);
  expect(JSON.stringify(fast)).toBe(JSON.stringify(schema.data));
  expect(fast).toEqual(schema.data);
  return "read";
}

describe("wellFormedService", () => {
  it("reads every field the schemas have, so none can be left out of what it vouches for", () => {
    expect(wellFormedReadsEveryField).toBe(true);
  });

  it("reads well-formed services exactly as the schema does", () => {
    for (const service of services) {
      expect(expectSameAsSchema(JSON.parse(JSON.stringify(service)))).toBe("read");
    }
  });

  it("leaves out unknown fields, as the schema does", () => {
    const raw = JSON.parse(JSON.stringify(services[1])) as Record<string, unknown> & { realServers: Record<string, unknown>[] };
    raw.extra = 1;
    raw.realServers[0]!.extra = { deep: true };
    (raw.realServers[0]!.stats as Record<string, unknown>).extra = 2;
    expect(expectSameAsSchema(raw)).toBe("read");
    expect(wellFormedService(raw)).not.toHaveProperty("extra");
  });

  it("vouches for nothing the schema refuses, with any odd value in any place", () => {
    let read = 0;
    let left = 0;
    for (const service of services) {
      for (const path of places(service)) {
        const variants = [...ODD.map((odd) => withValue(service, path, odd)), ...(path.length > 0 ? [withValue(service, path, undefined, true)] : [])];
        for (const raw of variants) {
          if (expectSameAsSchema(raw) === "read") read++;
          else left++;
        }
      }
    }
    // Both ways are exercised: many variants are still well formed (another count, an optional field gone).
    expect(read).toBeGreaterThan(500);
    expect(left).toBeGreaterThan(2000);
  });

  it("leaves an object with issues to the schema, which keeps the issues", () => {
    const raw = JSON.parse(JSON.stringify(services[0])) as Record<string, unknown>;
    raw.issues = [{ field: "scheduler", raw: "?", message: "unreadable" }];
    expect(wellFormedService(raw)).toBeNull();
    const frame = parseAgentFrame(JSON.stringify({ type: "delta", director: "lvs-a", takenAt: 1, upsertServices: [raw], removeServices: [] }));
    if (frame.ok && frame.value.type === "delta") expect(frame.value.upsertServices[0]?.issues).toHaveLength(1);
  });

  it("still lets the schema degrade one real server of a service, flagged, not the frame", () => {
    const raw = JSON.parse(JSON.stringify(services[0])) as { realServers: Record<string, unknown>[] };
    raw.realServers[1]!.weight = -5;
    expect(wellFormedService(raw)).toBeNull();
    const frame = parseAgentFrame(JSON.stringify({ type: "snapshot", snapshot: { director: "lvs-a", takenAt: 1, keepalived: { running: true, pid: 1, since: 0 }, vrrp: [], syncGroups: [], vipsPresent: [], services: [raw], timeouts: null } }));
    expect(frame.ok).toBe(true);
    expect(frame.report.flagged.join()).toContain("198.51.100.12:80: weight");
  });
});
