import { describe, expect, it } from "vitest";
import { createScheduler } from "./createScheduler";
import { HASH_TABLE_SIZE, destinationHashKey, weightedBuckets } from "./hashing";
import { dests, packet } from "./testDests";

const clients = Array.from({ length: 2000 }, (_, i) => `10.${(i >> 8) & 255}.${i & 255}.${(i * 7) & 255}`);

describe("sh", () => {
  it("sends the same client to the same server every time, whatever its port", () => {
    const d = dests(1, 1, 1);
    const sh = createScheduler("sh");
    sh.update(d);
    for (const c of clients.slice(0, 50)) {
      const first = sh.schedule(d, packet(c, "192.168.50.100", 1111));
      expect(sh.schedule(d, packet(c, "192.168.50.100", 2222))).toBe(first);
    }
  });

  it("fills the 256 buckets in proportion to weight", () => {
    const buckets = weightedBuckets(dests(3, 1));
    expect(buckets).toHaveLength(HASH_TABLE_SIZE);
    expect(buckets.filter((b) => b === 0)).toHaveLength(192);
  });

  it("spreads many clients roughly by weight", () => {
    const d = dests(3, 1);
    const sh = createScheduler("sh");
    sh.update(d);
    const counts = [0, 0];
    for (const c of clients) counts[sh.schedule(d, packet(c))!]!++;
    expect(counts[0]! / clients.length).toBeGreaterThan(0.65);
    expect(counts[0]! / clients.length).toBeLessThan(0.85);
  });

  it("drops a client whose server is quiesced unless sh-fallback is set", () => {
    const d = dests(1, 1);
    const sh = createScheduler("sh");
    sh.update(d);
    const victim = clients.find((c) => sh.schedule(d, packet(c)) === 0)!;
    d[0]!.weight = 0;
    sh.update(d);
    expect(sh.schedule(d, packet(victim))).toBeNull();
    const fallback = createScheduler("sh", ["sh-fallback"]);
    fallback.update(d);
    expect(fallback.schedule(d, packet(victim))).toBe(1);
  });
});

describe("dh", () => {
  it("sends one destination address to one server and spreads addresses across servers", () => {
    const d = dests(1, 1, 1, 1);
    const dh = createScheduler("dh");
    dh.update(d);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 1024; i++) {
      const dest = `192.168.${i >> 8}.${i & 255}`;
      const first = dh.schedule(d, packet("198.51.100.1", dest));
      expect(dh.schedule(d, packet("203.0.113.9", dest))).toBe(first);
      counts[first!]!++;
    }
    for (const c of counts) expect(c).toBeGreaterThan(150);
  });

  it("hashes like the kernel: bucket = (addr * 2654435761) & 255", () => {
    expect(destinationHashKey("0.0.0.1")).toBe(2654435761 & 255);
  });
});

describe("lblc", () => {
  it("keeps a destination on its server while that server is not overloaded", () => {
    const d = dests(1, 1);
    const lblc = createScheduler("lblc");
    const first = lblc.schedule(d, packet("198.51.100.1", "10.9.9.9"));
    d[first!]!.inactiveConns = 100;
    expect(lblc.schedule(d, packet("198.51.100.2", "10.9.9.9"))).toBe(first);
  });
});
