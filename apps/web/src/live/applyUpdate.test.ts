import { describe, expect, it } from "vitest";
import type { HubEvent, WeightChange } from "@lvsdeck/protocol";
import { applyDirectorUpdate, applyEventUpdate, applyWeightChange, mergeCluster } from "./applyUpdate";
import { cluster, view } from "../test/fixtures";

describe("applyDirectorUpdate", () => {
  it("replaces a director with a newer view", () => {
    const before = cluster([view("lvs-dir-01", 1000), view("lvs-dir-02", 1000)], 1000);
    const next = applyDirectorUpdate(before, view("lvs-dir-02", 2000), 2000);
    expect(next.directors.map((d) => d.receivedAt)).toEqual([1000, 2000]);
    expect(next.serverTime).toBe(2000);
    expect(next.directors[0]).toBe(before.directors[0]);
  });

  it("drops a view received earlier than the cached one, returning the same object", () => {
    const before = cluster([view("lvs-dir-01", 2000)]);
    expect(applyDirectorUpdate(before, view("lvs-dir-01", 1000))).toBe(before);
  });

  it("drops a view with the same receivedAt but an older snapshot", () => {
    const cached = view("lvs-dir-01", 2000);
    const older = view("lvs-dir-01", 2000, {}, { takenAt: 1500 });
    const before = cluster([cached]);
    expect(applyDirectorUpdate(before, older)).toBe(before);
  });

  it("applies a presence change that carries the same data (disconnect)", () => {
    const before = cluster([view("lvs-dir-01", 2000)]);
    const next = applyDirectorUpdate(before, view("lvs-dir-01", 2000, { connected: false, stale: true }));
    expect(next.directors[0]?.connected).toBe(false);
  });

  it("adds a director it did not know, keeping the list sorted", () => {
    const next = applyDirectorUpdate(cluster([view("lvs-dir-02", 1)]), view("lvs-dir-01", 1));
    expect(next.directors.map((d) => d.id)).toEqual(["lvs-dir-01", "lvs-dir-02"]);
  });
});

describe("mergeCluster", () => {
  it("keeps a cached director that is newer than the fetched one", () => {
    const cached = cluster([view("lvs-dir-01", 3000)], 3000);
    const fetched = cluster([view("lvs-dir-01", 2000), view("lvs-dir-02", 2000)], 2500);
    const merged = mergeCluster(cached, fetched);
    expect(merged.directors.map((d) => d.receivedAt)).toEqual([3000, 2000]);
    expect(merged.serverTime).toBe(3000);
  });

  it("takes the fetched list of directors when nothing was cached", () => {
    const fetched = cluster([view("lvs-dir-01", 1)]);
    expect(mergeCluster(undefined, fetched)).toBe(fetched);
  });
});

function event(id: number): HubEvent {
  return { id, director: "lvs-dir-01" as HubEvent["director"], seq: id, observedAt: id, receivedAt: id, event: { kind: "keepalived", running: true, detail: "", at: id } };
}

describe("applyEventUpdate", () => {
  it("appends new events, ignores duplicates and keeps only the newest `limit`", () => {
    let events = { events: [event(1), event(2)] };
    events = applyEventUpdate(events, event(3), 3);
    expect(applyEventUpdate(events, event(3), 3)).toBe(events);
    events = applyEventUpdate(events, event(4), 3);
    expect(events.events.map((e) => e.id)).toEqual([2, 3, 4]);
  });

  it("replaces an event with the hub's amended copy (keepalived's own time added)", () => {
    const at = 5;
    const transition = (keepalivedAt?: number): HubEvent => ({
      ...event(9),
      event: { kind: "vrrp-transition", instance: "VI_1", vrid: 51, from: "BACKUP", to: "MASTER", priority: 100, at, ...(keepalivedAt !== undefined && { keepalivedAt }) },
    });
    const events = applyEventUpdate({ events: [event(8), transition()] }, transition(4.2), 10);
    expect(events.events.map((e) => e.id)).toEqual([8, 9]);
    expect(events.events[1]?.event).toMatchObject({ keepalivedAt: 4.2 });
  });

  it("puts an out-of-order event in id order", () => {
    const events = applyEventUpdate({ events: [event(1), event(3)] }, event(2), 10);
    expect(events.events.map((e) => e.id)).toEqual([1, 2, 3]);
  });
});

describe("applyWeightChange", () => {
  const change = (state: WeightChange["state"]): WeightChange => ({
    id: "c1",
    service: "TCP 192.0.2.10:443" as WeightChange["service"],
    realServer: "192.0.2.11:443" as WeightChange["realServer"],
    weight: 5,
    requestedAt: 1,
    state,
    results: [],
  });

  it("never lets a late pending overwrite a final answer", () => {
    const recent = applyWeightChange([], change("applied"), 10);
    expect(applyWeightChange(recent, change("pending"), 10)).toBe(recent);
    expect(applyWeightChange(applyWeightChange([], change("pending"), 10), change("failed"), 10)[0]?.state).toBe("failed");
  });
});
