import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatIpv6, parseIpv6Groups } from "./addresses";
import { aggregateConnections, createConnectionAggregator } from "./aggregateConnections";
import { parseConnections } from "./parseConnections";
import { parseIpvsadmList, parseIpvsadmPersistentConn, parseIpvsadmThresholds, parseIpvsadmTunInfo } from "./parseIpvsadmList";
import { parseIpvsadmSave } from "./parseIpvsadmSave";
import { parseProcIpVs } from "./parseProcIpVs";
import { parseProcIpVsStats, parseProcIpVsStatsPercpu } from "./parseProcStats";
import { parseIpvsadmRate, parseIpvsadmStats } from "./parseStats";
import { parseIpvsadmTimeout } from "./parseTimeout";

const ipv6 = fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 }).map(formatIpv6);
const address = fc.oneof(fc.ipV4(), ipv6);
const port = fc.integer({ min: 0, max: 65535 });
const bracket = (a: string, p: number): string => (a.includes(":") ? `[${a}]:${p}` : `${a}:${p}`);

const realServer = fc.record({
  address, port,
  forwarding: fc.constantFrom("Route", "Masq", "Tunnel", "Local", "FullNat"),
  weight: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  activeConns: fc.nat(), inactiveConns: fc.nat(),
});
const service = fc.record({
  kind: fc.constantFrom("TCP", "UDP", "SCTP", "FWM"),
  address, port,
  fwmark: fc.integer({ min: 1, max: 2 ** 32 - 1 }),
  fwmarkV6: fc.boolean(),
  scheduler: fc.constantFrom("rr", "wrr", "lc", "wlc", "sh", "mh", "none"),
  flags: fc.subarray(["flag-1", "flag-2", "flag-3"]),
  persistent: fc.option(fc.integer({ min: 1, max: 2 ** 31 - 1 }), { nil: null }),
  pe: fc.option(fc.constant("sip"), { nil: null }),
  ops: fc.boolean(),
  realServers: fc.array(realServer, { maxLength: 4 }),
});
type GenService = typeof service extends fc.Arbitrary<infer T> ? T : never;

/** Renders a service the way ipvsadm 1.31's print_service_entry() does (with %d fwmarks). */
function renderService(s: GenService): string {
  const mark = s.fwmark >= 2 ** 31 ? s.fwmark - 2 ** 32 : s.fwmark;
  let line = s.kind === "FWM" ? `FWM  ${mark}${s.fwmarkV6 ? " IPv6" : ""}` : `${s.kind.padEnd(4)} ${bracket(s.address, s.port)}`;
  line += ` ${s.scheduler}`;
  if (s.flags.length > 0) line += ` (${s.flags.join(",")})`;
  if (s.persistent !== null) line += ` persistent ${s.persistent}`;
  if (s.pe !== null) line += ` pe ${s.pe}`;
  if (s.ops) line += " ops";
  const rows = s.realServers.map((d) =>
    `  -> ${bracket(d.address, d.port).padEnd(28)} ${d.forwarding.padEnd(7)} ${String(d.weight).padEnd(6)} ${String(d.activeConns).padEnd(10)} ${String(d.inactiveConns).padEnd(10)}`);
  return [line, ...rows].join("\n");
}

const HEADER = "IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n";

describe("property: rendered ipvsadm -Ln tables parse back to what was rendered", () => {
  it("round-trips services and real servers", () => {
    fc.assert(fc.property(fc.array(service, { maxLength: 6 }), (services) => {
      const { value, errors } = parseIpvsadmList(HEADER + services.map(renderService).join("\n") + "\n");
      expect(errors).toEqual([]);
      expect(value.services).toHaveLength(services.length);
      for (const [i, s] of services.entries()) {
        const parsed = value.services[i];
        expect(parsed?.fwmark).toBe(s.kind === "FWM" ? s.fwmark : null);
        if (s.kind !== "FWM") expect([parsed?.protocol, parsed?.address, parsed?.port]).toEqual([s.kind, s.address, s.port]);
        expect(parsed).toMatchObject({ scheduler: s.scheduler, schedulerFlags: s.flags, pe: s.pe, onePacket: s.ops });
        expect(parsed?.persistence?.timeoutSec ?? null).toBe(s.persistent);
        expect(parsed?.realServers.map(({ address: a, port: p, forwarding, weight, activeConns, inactiveConns }) => ({ address: a, port: p, forwarding, weight, activeConns, inactiveConns })))
          .toEqual(s.realServers);
      }
    }), { numRuns: 200 });
  });

  it("formats IPv6 like inet_ntop and reads every spelling back", () => {
    fc.assert(fc.property(fc.ipV6(), (text) => {
      const groups = parseIpv6Groups(text);
      expect(groups).not.toBeNull();
      expect(parseIpv6Groups(formatIpv6(groups ?? []))).toEqual(groups);
    }));
    expect(formatIpv6([0, 0xc8, 0, 0, 0, 0, 0, 0])).toBe("0:c8::");
    expect(formatIpv6([0x2001, 0xdb8, 0, 1, 0, 0, 0, 7])).toBe("2001:db8:0:1::7");
    expect(formatIpv6([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304])).toBe("::ffff:1.2.3.4");
  });
});

const connection = fc.record({
  protocol: fc.constantFrom("TCP", "UDP", "SCTP"),
  state: fc.constantFrom("ESTABLISHED", "SYN_RECV", "TIME_WAIT", "UDP", "C-ECHOED", "NONE", "ASSURED"),
  v6: fc.boolean(),
  client: fc.tuple(fc.ipV4(), ipv6, port), virtual: fc.tuple(fc.ipV4(), ipv6, port), destination: fc.tuple(fc.ipV4(), ipv6, port),
  expires: fc.integer({ min: 0, max: 20_000 }),
});
type GenConnection = typeof connection extends fc.Arbitrary<infer T> ? T : never;
const pick = (c: GenConnection, which: [string, string, number]): [string, number] => [c.v6 ? which[1] : which[0], which[2]];
const hex4 = (n: number): string => n.toString(16).toUpperCase().padStart(4, "0");
const procAddress = (a: string): string =>
  a.includes(":") ? (parseIpv6Groups(a) ?? []).map((g) => g.toString(16).padStart(4, "0")).join(":") : a.split(".").map((o) => Number(o).toString(16).toUpperCase().padStart(2, "0")).join("");

describe("property: -Lnc and /proc/net/ip_vs_conn renderings of one table agree", () => {
  it("parses both formats to the same entries and aggregates the same in any chunking", () => {
    fc.assert(fc.property(fc.array(connection, { maxLength: 30 }), fc.integer({ min: 1, max: 50 }), (rows, chunkSize) => {
      const lnc = rows.map((c) => {
        const [ca, cp] = pick(c, c.client);
        const [va, vp] = pick(c, c.virtual);
        const [da, dp] = pick(c, c.destination);
        const clock = `${String(Math.floor(c.expires / 60)).padStart(2, "0")}:${String(c.expires % 60).padStart(2, "0")}`;
        return `${c.protocol.padEnd(3)} ${clock.padEnd(6)} ${c.state.padEnd(11)} ${bracket(ca, cp).padEnd(18)} ${bracket(va, vp).padEnd(18)} ${bracket(da, dp)}`;
      });
      const proc = rows.map((c) => {
        const [ca, cp] = pick(c, c.client);
        const [va, vp] = pick(c, c.virtual);
        const [da, dp] = pick(c, c.destination);
        return `${c.protocol.padEnd(3)} ${procAddress(ca)} ${hex4(cp)} ${procAddress(va)} ${hex4(vp)} ${procAddress(da)} ${hex4(dp)} ${c.state.padEnd(11)} ${String(c.expires).padStart(7)}`;
      });
      const fromLnc = parseConnections(`IPVS connection entries\n${lnc.join("\n")}`);
      const fromProc = parseConnections(`Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n${proc.join("\n")}`);
      expect(fromLnc.errors).toEqual([]);
      expect(fromProc.errors).toEqual([]);
      expect(fromProc.value).toEqual(fromLnc.value);
      const whole = aggregateConnections(lnc.join("\n"));
      const streamed = createConnectionAggregator();
      const text = lnc.join("\r\n");
      for (let i = 0; i < text.length; i += chunkSize) streamed.push(text.slice(i, i + chunkSize));
      expect(streamed.finish()).toEqual(whole);
    }), { numRuns: 100 });
  });
});

const PARSERS: Array<(text: string) => unknown> = [
  parseIpvsadmList, parseIpvsadmThresholds, parseIpvsadmPersistentConn, parseIpvsadmTunInfo, parseIpvsadmStats, parseIpvsadmRate,
  parseIpvsadmTimeout, parseIpvsadmSave, parseConnections, (t) => parseProcIpVs(t), parseProcIpVsStats, parseProcIpVsStatsPercpu,
  aggregateConnections,
];
// Tokens that real lines are made of, so garbage gets deep into the parsers rather than failing at the first check.
const TOKENS = ["TCP", "UDP", "FWM", "IPv6", "->", "persistent", "mask", "pe", "ops", "(sh-port)", "Route", "Masq", "-A", "-a", "-t", "-f", "-r", "-w", "-6", "--tun-type", "gue", "~", "[::1]:80", "1.2.3.4:80", "0A000064:0050", "12:34", "-1", "99999999999999999999", "K", "1M", "", " ", "\t", "\u0000", "é", "[", "]:", ":", "Prot", "Timeout (tcp tcpfin udp):"];
const garbageLine = fc.array(fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 8 })), { maxLength: 10 }).map((t) => t.join(" "));

describe("property: garbage never throws", () => {
  it("returns errors, not exceptions, for any input, and names only lines that exist", () => {
    fc.assert(fc.property(fc.array(garbageLine, { maxLength: 12 }), (lines) => {
      const text = lines.join("\n");
      for (const parse of PARSERS) {
        const result = parse(text) as { errors: Array<{ line: number }> };
        for (const error of result.errors) expect(error.line).toBeLessThanOrEqual(lines.length);
      }
    }), { numRuns: 300 });
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => {
      for (const parse of PARSERS) expect(() => parse(text)).not.toThrow();
    }), { numRuns: 300 });
  });

  it("reports every non-blank line it could not read", () => {
    fc.assert(fc.property(fc.array(garbageLine, { maxLength: 12 }), (lines) => {
      const text = lines.join("\n");
      const result = parseIpvsadmList(text);
      const read = new Set([...result.value.services.flatMap((s) => [s.line, ...s.realServers.map((d) => d.line)]), ...result.errors.map((e) => e.line)]);
      lines.forEach((line, i) => {
        const isHeader = /^\s*(Prot|IP Virtual Server version \d+\.\d+\.\d+ \(size=\d+\)\s*$)/.test(line) || /^\s*\S+\s+RemoteAddress:Port/.test(line);
        if (line.trim() !== "" && !isHeader) expect(read.has(i + 1)).toBe(true);
      });
    }), { numRuns: 300 });
  });
});
