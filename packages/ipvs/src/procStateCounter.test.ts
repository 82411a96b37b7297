import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConnectionLine } from "./parseConnections";
import { countProcStates, createProcStateCounter, type StateCount } from "./procStateCounter";

const REAL = readFileSync(join(__dirname, "../fixtures/real/proc-ip_vs_conn.txt"), "utf8");

/** The same counts from the full line parser, one row at a time: what the scanner must agree with. */
function reference(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    const parsed = parseConnectionLine(line);
    if (parsed.kind !== "entry") continue;
    const e = parsed.entry;
    const key = `${e.protocol}|${e.serviceKey}|${e.realServerKey}|${e.state}|${e.template}`;
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

const asMap = (counts: readonly StateCount[]) => new Map(counts.map((c) => [`${c.protocol}|${c.service}|${c.realServer}|${c.state}|${c.template}`, c.count]));

/** A reader handing out `text`'s bytes in pieces as large as asked for, as a file read would. */
function readerOf(text: string): (buffer: Uint8Array, offset: number, length: number) => number {
  const bytes = Buffer.from(text, "latin1");
  let at = 0;
  return (buffer, offset, length) => {
    const n = Math.min(length, bytes.length - at);
    buffer.set(bytes.subarray(at, at + n), offset);
    at += n;
    return n;
  };
}

/** The text counted as a file read in pieces of at most `chunkBytes`. */
const counted = (text: string, chunkBytes?: number) => countProcStates(readerOf(text), chunkBytes === undefined ? {} : { chunkBytes });

describe("per-state counts from /proc/net/ip_vs_conn bytes", () => {
  it("agrees with the full parser on a real capture, IPv4 and IPv6 rows alike", async () => {
    const result = await counted(REAL);
    expect(asMap(result.counts)).toEqual(reference(REAL));
    expect(result.entries).toBe(REAL.trim().split("\n").length - 1);
    expect(result.unreadable).toBe(0);
    expect(result.counts.find((c) => c.realServer === "10.0.0.11:8080" && c.state === "TIME_WAIT")?.service).toBe("TCP 10.0.0.100:80");
  });

  it("gives the same counts whatever the read size, lines cut across reads included", async () => {
    const expected = asMap((await counted(REAL)).counts);
    for (const size of [16, 61, 100, 4096]) expect(asMap((await counted(REAL, size)).counts)).toEqual(expected);
  });

  it("counts persistence templates apart, names fwmark templates as the parser does, and reads PE data rows", async () => {
    const text = [
      "Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData",
      "TCP CB007100 0000 0A000064 01BB C0A8010A 01BB NONE            580",
      "IP  CB007100 0000 00000007 0000 C0A8010A 0000 NONE            580",
      "UDP C6336409 13C4 0A000064 13C4 C0A80114 13C4 UDP             299 sip a84b4c76e66710",
      "SCTP C6336409 13C4 0A000064 13C4 C0A80114 13C4 ESTABLISHED      9",
      "TCP CB007107 C93A 0A000064 01BB C0A8010A 01BB ESTABLISHED     898",
      "",
    ].join("\n");
    const result = await counted(text);
    expect(asMap(result.counts)).toEqual(reference(text));
    expect(result.counts.filter((c) => c.template).map((c) => c.service).sort()).toEqual(["FWM 7", "TCP 10.0.0.100:443"]);
    expect(result.entries).toBe(5);
  });

  it("says which lines it could not read, and loses none of the others", async () => {
    const text = [
      "TCP CB007107 C93A 0A000064 01BB C0A8010A 01BB ESTABLISHED     898",
      "TCP garbled line",
      "TCP ZZZZZZZZ C93A 0A000064 01BB C0A8010A 01BB ESTABLISHED     898",
      "TCP CB007108 C93B 0A000064 01BB C0A8010A 01BB ESTABLISHED     897",
    ].join("\n");
    const result = await counted(text);
    expect(result.entries).toBe(2);
    expect(result.unreadable).toBe(2);
    expect(result.firstUnreadable).toBe("TCP garbled line");
    expect(result.counts).toEqual([{ protocol: "TCP", service: "TCP 10.0.0.100:443", realServer: "192.168.1.10:443", state: "ESTABLISHED", template: false, count: 2 }]);
  });

  it("counts a row under the service the caller names (fwmark traffic under its fwmark service)", async () => {
    const text = "TCP CB007107 C93A 0A000064 1F90 C0A8010A 1F90 ESTABLISHED     898\nTCP CB007108 C93A 0A000064 1F90 C0A8010A 1F90 ESTABLISHED     898\n";
    const read = readerOf(text);
    const result = await countProcStates((buffer, offset, length) => Promise.resolve(read(buffer, offset, length)), {
      serviceKeyOf: (e) => (e.virtual.port === 8080 ? "FWM 100" : e.serviceKey),
    });
    expect(result.counts).toEqual([{ protocol: "TCP", service: "FWM 100", realServer: "192.168.1.10:8080", state: "ESTABLISHED", template: false, count: 2 }]);
  });

  it("never joins two rows when a short row is followed by one that ends where a whole row would", () => {
    const short = "TCP short";
    // 65 bytes after the short row's start is the next row's newline: the guess must be refused.
    const next = "TCP CB007108 C93B 0A000064 01BB C0A8010A 01BB ESTABLISHED     897".slice(0, 65 - short.length - 1);
    const text = `${short}\n${next}\nTCP CB007107 C93A 0A000064 01BB C0A8010A 01BB ESTABLISHED     898\n`;
    const bytes = Buffer.from(text, "latin1");
    expect(bytes[65]).toBe(0x0a);
    const counter = createProcStateCounter();
    counter.push(bytes, bytes.length);
    const result = counter.result();
    expect(result.entries).toBe(1);
    expect(result.unreadable).toBe(2);
  });

  it("keeps one slot per distinct key however many rows: 100,000 rows over 300 keys", () => {
    const counter = createProcStateCounter();
    const states = ["ESTABLISHED", "TIME_WAIT", "SYN_RECV"];
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      const rs = (0xc0a80100 + (i % 100)).toString(16).toUpperCase();
      lines.push(`TCP CB0071${(i % 256).toString(16).toUpperCase().padStart(2, "0")} ${(1024 + (i % 60000)).toString(16).toUpperCase().padStart(4, "0")} 0A000064 01BB ${rs} 01BB ${states[i % 3]!.padEnd(11)}     898`);
    }
    const bytes = Buffer.from(`${lines.join("\n")}\n`, "latin1");
    counter.push(bytes, bytes.length);
    const result = counter.result();
    expect(result.counts).toHaveLength(300);
    expect(result.counts.reduce((n, c) => n + c.count, 0)).toBe(100_000);
  });

  it("grows its table past the room it starts with: 20,000 distinct keys, each counted right", async () => {
    const lines = ["Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData"];
    for (let i = 0; i < 40_000; i++) {
      const rs = (0x0a000000 + (i % 10_000)).toString(16).toUpperCase().padStart(8, "0");
      lines.push(`TCP CB007107 ${(1024 + i).toString(16).toUpperCase().padStart(4, "0")} 0A000064 01BB ${rs} 01BB ${(i % 20_000 < 10_000 ? "ESTABLISHED" : "TIME_WAIT").padEnd(11)}     898`);
    }
    const text = `${lines.join("\n")}\n`;
    const result = await counted(text, 1 << 16);
    expect(result.counts).toHaveLength(20_000);
    expect(asMap(result.counts)).toEqual(reference(text));
    expect(result.entries).toBe(40_000);
  });

  it("agrees with the full parser on rows damaged at random, read in random sizes (500 tables)", async () => {
    // A small deterministic generator, so a failure names its seed.
    let seed = 1;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const pick = <T,>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
    const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, "0");
    const row = () =>
      `${pick(["TCP", "UDP", "SCTP", "IP "])} ${hex(Math.floor(random() * 2 ** 32), 8)} ${pick(["0000", hex(1024 + Math.floor(random() * 60000), 4)])} 0A00006${pick(["4", "5"])} 01BB ` +
      `C0A8010${pick(["A", "B", "C"])} 01BB ${pick(["ESTABLISHED", "TIME_WAIT", "SYN_RECV", "NONE", "CLOSE_WAIT", "UDP"]).padEnd(11)} ${String(Math.floor(random() * 1000)).padStart(7)}`;
    const damage = (line: string): string => {
      const at = Math.floor(random() * line.length);
      switch (Math.floor(random() * 6)) {
        case 0: return line.slice(0, at) + "\n" + line.slice(at);
        case 1: return line.slice(0, at);
        case 2: return line.slice(0, at) + pick([" ", "z", "\t", "0", "a"]) + line.slice(at + 1);
        case 3: return line.slice(0, at) + " " + line.slice(at);
        case 4: return "TCP [2001:db8::1]:443 -> weird";
        default: return `${line} extra`;
      }
    };
    const unreadableOf = (text: string) => text.split("\n").filter((l) => l.trim() !== "" && parseConnectionLine(l).kind === "error").length;
    for (let table = 0; table < 500; table++) {
      seed = table + 1;
      const lines = Array.from({ length: 1 + Math.floor(random() * 60) }, () => (random() < 0.15 ? damage(row()) : row()));
      const text = lines.join("\n") + (random() < 0.5 ? "\n" : "");
      const result = await counted(text, 8 + Math.floor(random() * 300));
      expect({ seed: table + 1, counts: asMap(result.counts), unreadable: result.unreadable }).toEqual({ seed: table + 1, counts: reference(text), unreadable: unreadableOf(text) });
    }
  });
});

