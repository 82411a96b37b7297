import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createAggregator, serviceFolder } from "./aggregateConnections";
import type { ConnectionAggregatorOptions, ConnectionSummary, FoldService } from "./aggregateConnections";
import { createConnectionScanner } from "./connectionScanner";
import { createLineSplitter, DEFAULT_MAX_LINE_LENGTH } from "./lineSplitter";
import { parseConnectionLine } from "./parseConnections";
import type { ConnectionEntry } from "./parseConnections";
import { lineError } from "./parseResult";
import type { ParseError } from "./parseResult";
import { createConnectionQuery } from "./queryConnections";
import type { ConnectionFilter, ConnectionPage, ConnectionQueryOptions } from "./queryConnections";

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/real/${name}`, import.meta.url), "utf8");
const FIXTURES = ["ipvsadm-Lnc.txt", "ipvsadm-Lnc-persistent-conn.txt", "proc-ip_vs_conn.txt"];
// A service key built from every field of the entry, so the fast path's entries must equal the parser's.
const everything = (e: ConnectionEntry): string => JSON.stringify(e);
// A fold that depends on all it is given, and the same fold called per entry: both must summarise alike.
const fold: FoldService = (serviceKey, realServerKey, destination) => (destination.port % 3 === 0 ? `FOLD ${destination.family} ${realServerKey}` : serviceKey);
const foldPerEntry = (e: ConnectionEntry): string => fold(e.serviceKey, e.realServerKey, e.destination);
const REAL_FILTERS: ConnectionFilter[] = [
  {}, { state: "TIME_WAIT" }, { vip: "10.0.0.100:80" }, { vip: "TCP [2001:db8::100]:80" }, { vip: "FWM 10" }, { realServer: "10.0.0.11:8080", state: ["ASSURED", "ESTABLISHED"] },
  { realServer: "10.0.0.13" }, { client: "2001:db8:50::", state: "SYN_RECV" }, { client: "192.168.50.1" }, { protocol: "UDP" }, { protocol: "IP", client: "192." },
];
const FOLDINGS: ConnectionAggregatorOptions[] = [{ foldService: fold }, { serviceKeyOf: serviceFolder(fold) }];

function summarize(text: string, fastPath: boolean, chunkSize: number, options: ConnectionAggregatorOptions = {}): ConnectionSummary {
  const aggregator = createAggregator({ sketchCapacity: 4, ...options }, fastPath);
  for (let i = 0; i < text.length; i += chunkSize) aggregator.push(text.slice(i, i + chunkSize));
  return aggregator.finish();
}

/** Every line the scanner accepts decodes to exactly the parser's entry; returns how many it accepted. */
function expectScannerAgrees(text: string): number {
  const scanner = createConnectionScanner();
  let accepted = 0;
  for (const line of text.split("\n")) {
    if (scanner.scan(line, 0, line.length) === null) {
      // Only lines with tabs, CRs or non-ASCII may leave a readable entry to the full parser.
      if (/^[ -~]*$/.test(line)) expect(parseConnectionLine(line).kind).not.toBe("entry");
      continue;
    }
    accepted += 1;
    expect({ kind: "entry", entry: scanner.entry(line) }).toEqual(parseConnectionLine(line));
  }
  return accepted;
}

describe("connection fast path", () => {
  it("reads every real capture's entries and summarises them exactly as the full parser does", () => {
    for (const name of FIXTURES) {
      const text = fixture(name);
      expect(expectScannerAgrees(text)).toBe(text.trim().split("\n").length - (name.startsWith("proc") ? 1 : 2));
      for (const options of [{}, { serviceKeyOf: everything }]) expect(summarize(text, true, 97, options)).toEqual(summarize(text, false, text.length, options));
      for (const options of FOLDINGS) expect(summarize(text, true, 97, options)).toEqual(summarize(text, false, text.length, { serviceKeyOf: foldPerEntry }));
      for (const filter of REAL_FILTERS) {
        for (const [offset, limit] of [[0, 100], [3, 4], [0, 0], [40, 10]] as const) {
          const query = createConnectionQuery({ filter, offset, limit });
          for (let i = 0; i < text.length; i += 97) query.push(text.slice(i, i + 97));
          expect(query.finish()).toEqual(referenceQuery(text, { filter, offset, limit }));
        }
      }
    }
  });

  it("leaves near-miss lines to the full parser, which reads or reports them", () => {
    const lines = [
      "TCP 01:49 TIME_WAIT 01.2.3.4:80 10.0.0.100:80 10.0.0.11:8080", "TCP 01:49 TIME_WAIT 1.2.3.4:65536 10.0.0.100:80 10.0.0.11:8080",
      "TCP 01:49 TIME_WAIT 1.2.3.4:000080 10.0.0.100:80 10.0.0.11:8080", "TCP 01:49 TIME_WAIT 1.2.3.256:80 10.0.0.100:80 10.0.0.11:8080",
      "TCP 12345678:49 TIME_WAIT 1.2.3.4:80 10.0.0.100:80 10.0.0.11:8080", "TCP 01:60 TIME_WAIT 1.2.3.4:80 10.0.0.100:80 10.0.0.11:8080",
      "TCP 01:49 time_wait 1.2.3.4:80 10.0.0.100:80 10.0.0.11:8080", "TCP\t01:49 TIME_WAIT 1.2.3.4:80 10.0.0.100:80 10.0.0.11:8080",
      "TCP 01:49 TIME_WAIT [1.2.3.4]:80 10.0.0.100:80 10.0.0.11:8080", "TCP 01:49 TIME_WAIT [2001:DB8::0001]:0 [::ffff:1.2.3.4]:80 [::]:0",
      "TCP 01:49 TIME_WAIT 1.2.3.4:80 10.0.0.100:80 10.0.0.11:8080 a b", "TCP 01:49 TIME_WAIT 1.2.3.4:80 10.0.0.100:80 10.0.0.11:8080 a\u00a0b",
      "TCP C0A8320D B638 0A00064 0050 0A00000B 1F90 TIME_WAIT 109", "TCP C0A8320D B638 0A000064 0050 0A00000B 1F90 TIME_WAIT 4294967296",
      "TCP C0A8320D B638 0A000064 0050 0A00000B 1F90 TIME_WAIT LOCAL", "TCP C0A8320D B638 0A000064 0050 0A00000B 1F90 TIME_WAIT SYNC 5",
      "TCP 2001:db8::1 B638 0A000064 0050 0A00000B 1F90 TIME_WAIT 109", "IP C0A8320D 0000 00000064 0000 0A00000B 0000 NONE 100 x y",
    ];
    const text = lines.join("\n");
    expectScannerAgrees(text);
    expect(summarize(text, true, 13)).toEqual(summarize(text, false, text.length));
  });

  const hex = (n: number, digits: number): string => n.toString(16).padStart(digits, "0");
  const v6 = fc.oneof(fc.ipV6(), fc.constantFrom("::", "::1", "::ffff:1.2.3.4", "2001:DB8::1", "2001:db8:0:0:0:0:0:1", "0:c8::", "fe80::1:0:0:1"));
  const endpoint = fc.record({ v6: fc.boolean(), v4: fc.ipV4(), v6address: v6, port: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 65535 })) });
  type Endpoint = typeof endpoint extends fc.Arbitrary<infer T> ? T : never;
  const lncEndpoint = (e: Endpoint): string => (e.v6 ? `[${e.v6address}]:${e.port}` : `${e.v4}:${e.port}`);
  const procAddress = (e: Endpoint): string => {
    if (!e.v6) return e.v4.split(".").map((o) => hex(Number(o), 2).toUpperCase()).join("");
    const groups = expandIpv6(e.v6address);
    return groups.map((g) => hex(g, 4)).join(":");
  };
  const row = fc.record({
    protocol: fc.oneof({ arbitrary: fc.constantFrom("TCP", "UDP", "SCTP", "IP"), weight: 9 }, { arbitrary: fc.constantFrom("ICMP", "tcp"), weight: 1 }),
    state: fc.oneof({ arbitrary: fc.constantFrom("ESTABLISHED", "SYN_RECV", "TIME_WAIT", "UDP", "C-ECHOED", "NONE", "ASSURED"), weight: 9 }, { arbitrary: fc.constantFrom("ERR!", "?", "Bad"), weight: 1 }),
    client: endpoint, virtual: endpoint, destination: endpoint,
    expires: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 20_000 }), weight: 9 }, { arbitrary: fc.constant(2 ** 32), weight: 1 }),
    proc: fc.boolean(),
    extra: fc.oneof({ arbitrary: fc.constant([]), weight: 4 }, { arbitrary: fc.constantFrom(["sip"], ["sip", "0A1B"], ["LOCAL"], ["SYNC"], ["x", "y", "z"]), weight: 2 }),
    pad: fc.constantFrom(" ", "  ", "   "),
  });
  type Row = typeof row extends fc.Arbitrary<infer T> ? T : never;
  const render = (r: Row): string => {
    const p = r.pad;
    if (r.proc) {
      const pair = (e: Endpoint): string => `${procAddress(e)}${p}${hex(e.port, 4).toUpperCase()}`;
      return [r.protocol, pair(r.client), pair(r.virtual), pair(r.destination), r.state, ...(r.extra[0] === "LOCAL" || r.extra[0] === "SYNC" ? r.extra : []), String(r.expires), ...(r.extra[0] === "LOCAL" ? [] : r.extra)].join(p);
    }
    const clock = `${String(Math.floor(r.expires / 60)).padStart(2, "0")}:${String(r.expires % 60).padStart(2, "0")}`;
    return [r.protocol, clock, r.state, lncEndpoint(r.client), lncEndpoint(r.virtual), lncEndpoint(r.destination), ...r.extra].join(p);
  };
  // Damage that must send a line to the full parser, which then reads it or names it as an error.
  const garble = fc.tuple(fc.nat(), fc.constantFrom("0", "\t", "\u00a0", "\u0000", "é", ":", "[", " x ", "", "99999", "\r"));
  const line = fc.tuple(row, fc.option(garble, { freq: 3 })).map(([r, damage]) => {
    const text = render(r);
    if (damage === null) return text;
    const at = damage[0] % (text.length + 1);
    return `${text.slice(0, at)}${damage[1]}${text.slice(at + (damage[1] === "" ? 3 : 0))}`;
  });

  it("gives the full parser's summaries and entries on random tables of both formats, garbled or not", () => {
    let [accepted, total] = [0, 0];
    fc.assert(fc.property(fc.array(line, { maxLength: 40 }), fc.integer({ min: 1, max: 60 }), fc.boolean(), (lines, chunkSize, crlf) => {
      const overlong = chunkSize % 3 === 0 ? `${"x".repeat(DEFAULT_MAX_LINE_LENGTH - 5)} ${lines[0] ?? ""}\n` : "";
      const text = `IPVS connection entries\n${overlong}${lines.join(crlf ? "\r\n" : "\n")}\n\n`;
      accepted += expectScannerAgrees(lines.join("\n"));
      total += lines.length;
      const reference = summarize(text, false, text.length);
      expect(summarize(text, true, chunkSize)).toEqual(reference);
      expect(summarize(text, true, chunkSize, { serviceKeyOf: everything })).toEqual(summarize(text, false, text.length, { serviceKeyOf: everything }));
      const folded = summarize(text, false, text.length, { serviceKeyOf: foldPerEntry });
      for (const options of FOLDINGS) expect(summarize(text, true, chunkSize, options)).toEqual(folded);
      for (const options of FOLDINGS) expect(summarize(text, false, chunkSize, options)).toEqual(folded);
      expect(reference.total + reference.errorCount).toBe(lines.filter((l) => l.trim() !== "").length + (overlong === "" ? 0 : 1));
    }), { numRuns: 300 });
    // The tables must exercise the fast path, not only the fallback.
    expect(accepted / total).toBeGreaterThan(0.2);
  });

  it("answers random queries on random tables with the pages, totals and errors of the full-parser query", () => {
    // Filters are built around one entry of the table (`at`), so they match some rows and miss others.
    const filterPick = fc.record({
      at: fc.nat(),
      client: fc.option(fc.nat({ max: 12 }), { freq: 2 }),
      vip: fc.option(fc.constantFrom("address", "key", "service", "other"), { freq: 2 }),
      realServer: fc.option(fc.constantFrom("address", "key", "other"), { freq: 2 }),
      state: fc.option(fc.oneof(fc.constantFrom("own", "ESTABLISHED", "TIME_WAIT", "Bad"), fc.subarray(["ESTABLISHED", "SYN_RECV", "ASSURED", "C-ECHOED", "UDP", "?"])), { freq: 2 }),
      protocol: fc.option(fc.constantFrom("own", "TCP", "IP", "tcp"), { freq: 2 }),
    });
    let [matched, paged] = [0, 0];
    fc.assert(fc.property(fc.array(line, { maxLength: 60, size: "medium" }), filterPick, fc.integer({ min: 1, max: 60 }), fc.oneof(fc.constant(0), fc.nat({ max: 12 })), fc.oneof(fc.constant(100), fc.nat({ max: 5 })), fc.constantFrom(2, 100), (lines, pick, chunkSize, offset, limit, maxErrors) => {
      const text = `IPVS connection entries\n${lines.join("\n")}\n${chunkSize % 2 === 0 ? "" : "x".repeat(DEFAULT_MAX_LINE_LENGTH + 10)}\n  \n`;
      const entries = lines.map(parseConnectionLine).flatMap((l) => (l.kind === "entry" ? [l.entry] : []));
      const e = entries[pick.at % Math.max(1, entries.length)];
      const filter: ConnectionFilter = {};
      if (pick.client !== null) filter.client = (e?.client.address ?? "10.").slice(0, pick.client);
      if (pick.vip !== null) {
        const v = e?.virtual;
        filter.vip = v === undefined || pick.vip === "other" ? "10.0.0.1" : pick.vip === "address" ? v.address : pick.vip === "service" ? (e?.serviceKey ?? "") : v.family === "inet6" ? `[${v.address}]:${v.port}` : `${v.address}:${v.port}`;
      }
      if (pick.realServer !== null) filter.realServer = e === undefined || pick.realServer === "other" ? "10.0.0.11" : pick.realServer === "address" ? e.destination.address : e.realServerKey;
      if (pick.state !== null) filter.state = pick.state === "own" ? (e?.state ?? "NONE") : pick.state;
      if (pick.protocol !== null) filter.protocol = pick.protocol === "own" ? (e?.protocol ?? "UDP") : pick.protocol;
      const options = { filter, offset, limit, maxErrors };
      const query = createConnectionQuery(options);
      for (let i = 0; i < text.length; i += chunkSize) query.push(text.slice(i, i + chunkSize));
      const page = query.finish();
      expect(page).toEqual(referenceQuery(text, options));
      matched += page.total;
      paged += page.rows.length;
    }), { numRuns: 400 });
    // The filters must select rows, not only reject them.
    expect(matched).toBeGreaterThan(60);
    expect(paged).toBeGreaterThan(30);
  });
});

/** The 8 groups of an IPv6 address, for rendering /proc's full form. */
function expandIpv6(text: string): number[] {
  const [head = "", tail] = text.split("::");
  const part = (s: string): number[] => (s === "" ? [] : s.split(":").flatMap((g) => (g.includes(".") ? ipv4Groups(g) : [parseInt(g, 16)])));
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

function ipv4Groups(text: string): number[] {
  const [a = 0, b = 0, c = 0, d = 0] = text.split(".").map(Number);
  return [a * 256 + b, c * 256 + d];
}

/** The query as it was before the fast path: every line through `parseConnectionLine`, the reference. */
function referenceQuery(text: string, options: ConnectionQueryOptions): ConnectionPage {
  const offset = Math.max(0, Math.floor(options.offset ?? 0));
  const limit = Math.min(10_000, Math.max(0, Math.floor(options.limit ?? 100)));
  const maxErrors = options.maxErrors ?? 100;
  const filter = options.filter ?? {};
  const states = filter.state === undefined ? null : new Set(typeof filter.state === "string" ? [filter.state] : filter.state);
  const matches = (entry: ConnectionEntry): boolean => {
    if (filter.client !== undefined && !entry.client.address.startsWith(filter.client)) return false;
    if (filter.vip !== undefined) {
      const vipKey = entry.virtual.family === "inet6" ? `[${entry.virtual.address}]:${entry.virtual.port}` : `${entry.virtual.address}:${entry.virtual.port}`;
      if (filter.vip !== entry.virtual.address && filter.vip !== vipKey && filter.vip !== entry.serviceKey) return false;
    }
    if (filter.realServer !== undefined && filter.realServer !== entry.destination.address && filter.realServer !== entry.realServerKey) return false;
    if (states !== null && !states.has(entry.state)) return false;
    return filter.protocol === undefined || filter.protocol === entry.protocol;
  };
  const rows: ConnectionEntry[] = [];
  const errors: ParseError[] = [];
  let [total, scanned, errorCount] = [0, 0, 0];
  const splitter = createLineSplitter((line, number, overlong) => {
    if (line.trim() === "") return;
    const parsed = overlong ? ({ kind: "error", message: "line too long to be a connection entry" } as const) : parseConnectionLine(line);
    if (parsed.kind === "error") {
      errorCount += 1;
      if (errors.length < maxErrors) errors.push(lineError(number, line, parsed.message));
      return;
    }
    if (parsed.kind !== "entry") return;
    scanned += 1;
    if (!matches(parsed.entry)) return;
    if (total >= offset && rows.length < limit) rows.push(parsed.entry);
    total += 1;
  }, DEFAULT_MAX_LINE_LENGTH);
  splitter.push(text);
  splitter.finish();
  return { rows, total, offset, limit, scanned, errors, errorCount };
}
