import { describe, expect, it } from "vitest";
import type { DirectorSnapshot } from "@lvsdeck/protocol";
import { sampleSnapshot } from "@lvsdeck/protocol/testFixtures";
import { PACKED_WIDTH, createSeriesBuffer, type SlotCursor } from "./seriesBuffer";

const base = Date.UTC(2026, 11, 6, 6, 0, 0);

function withActive(snapshot: DirectorSnapshot, active: number): DirectorSnapshot {
  const service = snapshot.services[0]!;
  return { ...snapshot, services: [{ ...service, realServers: service.realServers.map((rs) => ({ ...rs, activeConns: active })) }] };
}

/** The packed samples read back through a writer's own slot table, as the writers do. */
function reader() {
  let slots: string[] = [];
  return (packed: ReturnType<ReturnType<typeof createSeriesBuffer>["takePacked"]>["samples"]) => {
    if (packed.resetSlots) slots = [];
    slots.push(...packed.newSlots);
    const rows: [string, string, string, number, number][] = [];
    for (const a of packed.slices) {
      for (let o = 0; o < a.length; o += PACKED_WIDTH) {
        const k = a[o]! * 3;
        rows.push([slots[k]!, slots[k + 1]!, slots[k + 2]!, a[o + 1]!, a[o + 2]!]);
      }
    }
    return rows;
  };
}

describe("series buffer", () => {
  const rs = sampleSnapshot("d1", base).services[0]!.realServers;
  const service = sampleSnapshot("d1", base).services[0]!.key;

  it("keeps one sample per key and second, the later snapshot's, as rows and packed alike", () => {
    const buffer = createSeriesBuffer();
    buffer.record(withActive(sampleSnapshot("d1", base + 100), 1));
    buffer.record(withActive(sampleSnapshot("d1", base + 900), 2));
    buffer.record(withActive(sampleSnapshot("d1", base + 1100), 3));
    const { rows } = buffer.take();
    expect(rows.filter((r) => r[2] === rs[0]!.key).map((r) => [r[3], r[4]])).toEqual([[base, 2], [base + 1000, 3]]);
    // The service's own sample sums its real servers.
    expect(rows.filter((r) => r[2] === "").map((r) => [r[3], r[4]])).toEqual([[base, 2 * rs.length], [base + 1000, 3 * rs.length]]);
    expect(buffer.take().rows).toEqual([]);

    buffer.record(withActive(sampleSnapshot("d1", base + 100), 1));
    buffer.record(withActive(sampleSnapshot("d1", base + 900), 2));
    const read = reader();
    const packed = buffer.takePacked({ epoch: -1, known: 0 }, 7);
    expect(read(packed.samples).filter((r) => r[2] === rs[0]!.key)).toEqual([["d1", service, rs[0]!.key, base, 2]]);
    expect(packed.samples.services).toEqual([service]);
  });

  it("tells each writer only the slots it has not seen, and all of them to a writer that has seen none", () => {
    const buffer = createSeriesBuffer();
    const worker: SlotCursor = { epoch: -1, known: 0 };
    const readWorker = reader();
    buffer.record(sampleSnapshot("d1", base));
    const first = buffer.takePacked(worker, 7).samples;
    expect(first.resetSlots).toBe(true);
    expect(first.newSlots).toHaveLength(3 * (rs.length + 1));
    readWorker(first);
    // A second director: only its slots are new to the worker; d1's are known.
    buffer.record(sampleSnapshot("d1", base + 1000));
    buffer.record(sampleSnapshot("d2", base + 1000));
    const second = buffer.takePacked(worker, 7).samples;
    expect(second.resetSlots).toBe(false);
    expect(second.newSlots.filter((_, i) => i % 3 === 0)).toEqual(Array(rs.length + 1).fill("d2"));
    expect(new Set(readWorker(second).map((r) => r[0]))).toEqual(new Set(["d1", "d2"]));
    // Another writer (the hub's own connection at close) learns the whole table at once.
    buffer.record(sampleSnapshot("d2", base + 2000));
    const inline = buffer.takePacked({ epoch: -1, known: 0 }, 7).samples;
    expect(inline.resetSlots).toBe(true);
    expect(reader()(inline).every((r) => r[0] === "d2")).toBe(true);
  });

  it("keeps both samples of a key when the director's clock was set back, and the rows hold each key once", () => {
    const buffer = createSeriesBuffer();
    buffer.record(withActive(sampleSnapshot("d1", base + 5000), 5));
    buffer.record(withActive(sampleSnapshot("d1", base + 2000), 2));
    buffer.record(withActive(sampleSnapshot("d1", base + 5500), 6));
    const rows = buffer.take().rows.filter((r) => r[2] === rs[0]!.key);
    expect(rows.map((r) => [r[3], r[4]]).sort()).toEqual([[base + 2000, 2], [base + 5000, 6]]);
  });
});
