import { describe, expect, it } from "vitest";
import { createScheduler } from "./createScheduler";
import { dests, packet, tally } from "./testDests";

const p = packet("198.51.100.7");

describe("rr", () => {
  it("spreads new connections evenly and in list order", () => {
    const d = dests(1, 5, 1);
    const rr = createScheduler("rr");
    rr.update(d);
    expect([0, 1, 2, 3, 4, 5].map(() => rr.schedule(d, p))).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it("skips quiesced (weight 0) and overloaded destinations", () => {
    const d = dests(1, 0, 1);
    d[2]!.overloaded = true;
    const rr = createScheduler("rr");
    rr.update(d);
    expect(tally(10, () => rr.schedule(d, p), 3)).toEqual([10, 0, 0]);
  });

  it("returns null when nothing is available", () => {
    const d = dests(0, 0);
    expect(createScheduler("rr").schedule(d, p)).toBeNull();
  });
});

describe("wrr", () => {
  it("interleaves like the kernel: weights 4,3,2 give A A B A B C A B C", () => {
    const d = dests(4, 3, 2);
    const wrr = createScheduler("wrr");
    wrr.update(d);
    const seq = Array.from({ length: 9 }, () => "ABC"[wrr.schedule(d, p) ?? 9]).join("");
    expect(seq).toBe("AABABCABC");
  });

  it("gives weights 2:2 an even split, and 6:2 three quarters after a weight change", () => {
    const d = dests(2, 2);
    const wrr = createScheduler("wrr");
    wrr.update(d);
    expect(tally(400, () => wrr.schedule(d, p), 2)).toEqual([200, 200]);
    d[0]!.weight = 6;
    wrr.update(d);
    expect(tally(400, () => wrr.schedule(d, p), 2)).toEqual([300, 100]);
  });

  it("never picks a weight-0 destination and gives up when all are 0", () => {
    const d = dests(3, 0, 1);
    const wrr = createScheduler("wrr");
    wrr.update(d);
    expect(tally(40, () => wrr.schedule(d, p), 3)).toEqual([30, 0, 10]);
    for (const x of d) x.weight = 0;
    wrr.update(d);
    expect(wrr.schedule(d, p)).toBeNull();
  });

  it("returns null instead of looping when every destination is overloaded", () => {
    const d = dests(2, 1);
    for (const x of d) x.overloaded = true;
    const wrr = createScheduler("wrr");
    wrr.update(d);
    expect(wrr.schedule(d, p)).toBeNull();
  });
});
