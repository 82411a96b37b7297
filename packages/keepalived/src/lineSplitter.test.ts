import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createLineSplitter } from "./lineSplitter";

function readFixture(path: string): string {
  return readFileSync(new URL(`../fixtures/${path}`, import.meta.url), "utf8");
}

describe("createLineSplitter", () => {
  it("carries a partial line across chunks", () => {
    const splitter = createLineSplitter();
    expect(splitter.push('INSTANCE "VI_1" MAS')).toEqual([]);
    expect(splitter.push('TER 200\nGROUP "G1" BACK')).toEqual(['INSTANCE "VI_1" MASTER 200']);
    expect(splitter.push("UP 0\n")).toEqual(['GROUP "G1" BACKUP 0']);
    expect(splitter.flush()).toBeNull();
  });

  it("keeps a multi-byte character split between two reads", () => {
    const bytes = new TextEncoder().encode('INSTANCE "VI é" BACKUP 100\n');
    const cut = bytes.indexOf(0xc3) + 1;
    const splitter = createLineSplitter();
    expect(splitter.push(bytes.subarray(0, cut))).toEqual([]);
    expect(splitter.push(bytes.subarray(cut))).toEqual(['INSTANCE "VI é" BACKUP 100']);
  });

  it("returns an unterminated tail on flush", () => {
    const splitter = createLineSplitter();
    splitter.push('INSTANCE "VI_1" STO');
    expect(splitter.flush()).toBe('INSTANCE "VI_1" STO');
  });

  it("emits an over-long line instead of buffering without bound", () => {
    const splitter = createLineSplitter({ maxLineLength: 10 });
    expect(splitter.push("x".repeat(11))).toEqual(["x".repeat(11)]);
    expect(splitter.push("ab\n")).toEqual(["ab"]);
  });

  it("yields the real FIFO capture line for line however the bytes are chunked", () => {
    const bytes = new TextEncoder().encode(readFixture("real/b.notify_fifo.txt"));
    const expected = new TextDecoder().decode(bytes).trimEnd().split("\n");
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 20 }), (cuts) => {
        const splitter = createLineSplitter();
        const points = [0, ...[...cuts].sort((x, y) => x - y), bytes.length];
        const lines = points.slice(1).flatMap((end, i) => splitter.push(bytes.subarray(points[i], end)));
        expect(lines).toEqual(expected);
        expect(splitter.flush()).toBeNull();
      }),
    );
  });
});
