// The store suite's part for what operators add and what the hub owes: incident titles and notes, the
// weight service's records and held weight changes. storeSuite.ts runs it on SQLite and PostgreSQL.
import { expect, it } from "vitest";
import { MAX_INCIDENT_NOTES, type DirectorId, type RealServerKey, type ServiceKey, type WeightChange, type WeightChangeResult } from "@lvsdeck/protocol";
import type { HeldChange, HeldChangeStore } from "../src/store/heldWeightChanges";
import type { IncidentStore } from "../src/store/incidentStore";
import type { WeightRecords } from "../src/store/weightRecords";

const T = Date.UTC(2026, 10, 26, 3, 12, 0);
const SERVICE = "TCP 192.168.50.100:443" as ServiceKey;
const OTHER_SERVICE = "TCP 192.168.50.101:80" as ServiceKey;
const RS = "192.168.50.11:443" as RealServerKey;
const RS2 = "192.168.50.12:443" as RealServerKey;
const dir1 = "lvs-dir-01" as DirectorId;
const dir2 = "lvs-dir-02" as DirectorId;

export function incidentStoreTests(store: () => IncidentStore): void {
  it("sets and replaces titles, and reads back only those asked for", async () => {
    await store().setTitle(11, "Primary lost its uplink", "olive", T);
    await store().setTitle(12, "Flapping VRID 51", "olive", T);
    await store().setTitle(11, "Primary's uplink cut by a change", "ned", T + 1);
    expect(await store().titles([11, 13])).toEqual(new Map([[11, "Primary's uplink cut by a change"]]));
    expect(await store().titles([])).toEqual(new Map());
  });

  it("keeps notes per incident in the order added, with ids, and counts them", async () => {
    const first = await store().addNote(21, { at: T, author: "olive", text: "paged the network team" });
    const second = await store().addNote(21, { at: T + 5, author: "ned", text: "uplink back" });
    await store().addNote(22, { at: T, author: "olive", text: "another one" });
    expect(first).toMatchObject({ at: T, author: "olive", text: "paged the network team" });
    expect(second!.id).toBeGreaterThan(first!.id);
    expect(await store().notes(21)).toEqual([first, second]);
    expect(await store().notes(23)).toEqual([]);
    expect(await store().noteCounts([21, 22, 23])).toEqual(new Map([[21, 2], [22, 1]]));
  });

  it(`refuses a note past MAX_INCIDENT_NOTES (${MAX_INCIDENT_NOTES}), also to many added at the same moment`, async () => {
    for (let i = 0; i < MAX_INCIDENT_NOTES - 1; i++) await store().addNote(31, { at: T + i, author: "olive", text: `note ${i}` });
    // On PostgreSQL each add is its own transaction on its own connection, as on several hubs: reads at
    // once first open those connections, so the adds start together rather than one per new connection.
    await Promise.all(Array.from({ length: 8 }, () => store().notes(31)));
    const racing = await Promise.all(Array.from({ length: 8 }, (_, i) => store().addNote(31, { at: T, author: `hub-${i}`, text: "the last one" })));
    expect(racing.filter((n) => n !== null)).toHaveLength(1);
    expect(await store().noteCounts([31])).toEqual(new Map([[31, MAX_INCIDENT_NOTES]]));
    expect(await store().addNote(31, { at: T, author: "olive", text: "one more" })).toBeNull();
    expect(await store().notes(31)).toHaveLength(MAX_INCIDENT_NOTES);
  });
}

/** A weight change to `weight` with one result per director in the state given. */
function change(id: string, weight: number, states: Record<string, WeightChangeResult["state"]>, at = T, service = SERVICE, realServer = RS): WeightChange {
  const results = Object.entries(states).map(([director, state]): WeightChangeResult => ({ director: director as DirectorId, state, observedWeight: state === "ok" ? weight : null, error: null }));
  return { id, service, realServer, weight, requestedAt: at, state: "partial", results };
}

export function weightRecordsTests(records: () => WeightRecords): void {
  it("answers a request id with what was saved for it, bound to its caller and body", async () => {
    expect(await records().request("req-1", T - 1)).toBeNull();
    const first = change("c-1", 4, { [dir1]: "ok", [dir2]: "ok" });
    await records().saveRequest("req-1", T, { actor: "olive", fingerprint: '{"weight":4}', change: first });
    expect(await records().request("req-1", T - 1)).toEqual({ actor: "olive", fingerprint: '{"weight":4}', change: first });
    expect(await records().request("req-2", T - 1)).toBeNull();
  });

  it("lets one claim a request id at a time, until it is let go of or goes stale", async () => {
    expect(await records().claimRequest("req-c", T, T - 60_000)).toBe(true);
    // Another hub, while the first applies it.
    expect(await records().claimRequest("req-c", T + 1_000, T + 1_000 - 60_000)).toBe(false);
    expect(await records().claimRequest("req-other", T + 1_000, T + 1_000 - 60_000)).toBe(true);
    await records().releaseRequest("req-c");
    expect(await records().claimRequest("req-c", T + 2_000, T + 2_000 - 60_000)).toBe(true);
    // The claimer died: once its claim is older than the bound, another takes it over.
    expect(await records().claimRequest("req-c", T + 61_000, T + 61_000 - 60_000)).toBe(false);
    expect(await records().claimRequest("req-c", T + 62_001, T + 62_001 - 60_000)).toBe(true);
  });

  it("gives a request id to exactly one of many hubs claiming it at once", async () => {
    const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => records().claimRequest("req-race", T + i, T - 60_000)));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it("forgets answers older than asked for", async () => {
    await records().saveRequest("req-old", T, { actor: "olive", fingerprint: null, change: change("c-2", 3, { [dir1]: "ok" }) });
    expect(await records().request("req-old", T)).not.toBeNull();
    expect(await records().request("req-old", T + 1)).toBeNull();
    // Dropped, not only hidden: asking for older ones again finds nothing.
    expect(await records().request("req-old", T - 1)).toBeNull();
  });

  it("keeps one drain per real server, with the weight before, until it ends", async () => {
    expect(await records().drainedFrom(SERVICE, RS)).toBeNull();
    await records().saveDrain({ service: SERVICE, realServer: RS, previousWeight: 5 }, T);
    await records().saveDrain({ service: SERVICE, realServer: RS2, previousWeight: 2 }, T + 1);
    await records().saveDrain({ service: SERVICE, realServer: RS, previousWeight: 7 }, T + 2);
    expect(await records().drainedFrom(SERVICE, RS)).toBe(7);
    expect(await records().drainedFrom(OTHER_SERVICE, RS)).toBeNull();
    expect(await records().drains()).toEqual([
      { service: SERVICE, realServer: RS2, previousWeight: 2 },
      { service: SERVICE, realServer: RS, previousWeight: 7 },
    ]);
    await records().endDrain(SERVICE, RS);
    expect(await records().drainedFrom(SERVICE, RS)).toBeNull();
    expect(await records().drains()).toEqual([{ service: SERVICE, realServer: RS2, previousWeight: 2 }]);
  });
}

const held = (c: WeightChange, before: Record<string, number> = { [dir1]: 2, [dir2]: 2 }): HeldChange => ({ change: c, before });
const ids = (list: HeldChange[]) => list.map((h) => h.change.id);

export function heldChangeStoreTests(store: () => HeldChangeStore): void {
  it("keeps held changes, oldest first, replacing one saved again, until removed", async () => {
    const later = held(change("h-2", 6, { [dir1]: "ok", [dir2]: "disconnected" }, T + 10));
    const earlier = held(change("h-1", 4, { [dir1]: "disconnected" }, T));
    await store().save(later);
    await store().save(earlier);
    const updated = held(change("h-2", 6, { [dir1]: "ok", [dir2]: "drift" }, T + 10), { [dir2]: 3 });
    await store().save(updated);
    expect(await store().load()).toEqual({ held: [earlier, updated], skipped: 0 });
    await store().remove("h-1");
    expect(await store().load()).toEqual({ held: [updated], skipped: 0 });
  });

  it("takes a change by id once: it is gone from the store", async () => {
    const one = held(change("h-3", 6, { [dir1]: "disconnected" }));
    await store().save(one);
    expect(await store().take({ id: "h-3" })).toEqual([one]);
    expect(await store().take({ id: "h-3" })).toEqual([]);
    expect((await store().load()).held).toEqual([]);
  });

  it("takes the changes whose result for a director is in the states asked, of one real server when asked", async () => {
    const awayFrom2 = held(change("h-4", 6, { [dir1]: "ok", [dir2]: "disconnected" }, T + 1));
    const driftOn2 = held(change("h-5", 7, { [dir2]: "drift" }, T + 2));
    const awayFrom1 = held(change("h-6", 8, { [dir1]: "disconnected", [dir2]: "ok" }, T + 3));
    const otherServer = held(change("h-7", 9, { [dir2]: "disconnected" }, T + 4, SERVICE, RS2));
    for (const h of [otherServer, awayFrom1, driftOn2, awayFrom2]) await store().save(h);
    expect(await store().take({ director: dir2, states: ["disconnected", "drift"], service: SERVICE, realServer: RS })).toEqual([awayFrom2, driftOn2]);
    expect(await store().take({ director: dir2, states: ["pending"] })).toEqual([]);
    expect(await store().take({ director: dir2, states: ["disconnected"] })).toEqual([otherServer]);
    expect((await store().load()).held).toEqual([awayFrom1]);
  });

  it("gives each change to one of several taking it at the same moment", async () => {
    const all = Array.from({ length: 20 }, (_, i) => held(change(`h-race-${i}`, 5, { [dir1]: "disconnected" }, T + i)));
    for (const h of all) await store().save(h);
    // Reads at once first open a connection per taker on PostgreSQL, so the takes start together.
    await Promise.all(Array.from({ length: 4 }, () => store().load()));
    const takers = await Promise.all(Array.from({ length: 4 }, () => store().take({ director: dir1, states: ["disconnected"] })));
    const taken = takers.flatMap(ids);
    expect(taken.sort()).toEqual(ids(all).sort());
    expect((await store().load()).held).toEqual([]);
  });
}
