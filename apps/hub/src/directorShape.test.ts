import { describe, expect, it } from "vitest";
import { countingServiceReads, sampleSnapshot } from "@lvsdeck/protocol/testFixtures";
import { snapshotShape, viewShape } from "./directorShape";

describe("director shape", () => {
  it("works out a snapshot's shape once, however many ask for it (the history and the browser gateway, every tick)", () => {
    const { snapshot, reads } = countingServiceReads(sampleSnapshot("lvs-dir-01", 1_000));
    const shape = snapshotShape(snapshot);
    expect(viewShape({ id: snapshot.director, connected: true, stale: false, snapshot } as never)).toBe(`10${shape}`);
    expect(snapshotShape(snapshot)).toBe(shape);
    expect(reads()).toBe(1);
  });

  it("changes with a weight and not with counters", () => {
    const base = sampleSnapshot("lvs-dir-01", 1_000);
    const service = base.services[0]!;
    const busier = { ...base, takenAt: 2_000, services: [{ ...service, realServers: service.realServers.map((rs) => ({ ...rs, activeConns: rs.activeConns + 50 })) }] };
    const drained = { ...base, services: [{ ...service, realServers: service.realServers.map((rs, i) => (i === 0 ? { ...rs, weight: 0 } : rs)) }] };
    expect(snapshotShape(busier)).toBe(snapshotShape(base));
    expect(snapshotShape(drained)).not.toBe(snapshotShape(base));
  });
});
