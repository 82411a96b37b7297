import { describe, expect, it } from "vitest";
import type { DirectorId, DirectorView, HubToUi } from "@lvsdeck/protocol";
import { countDirector, hubToUiSchema, summarizeDirector } from "@lvsdeck/protocol";
import { sampleSnapshot } from "@lvsdeck/protocol/testFixtures";
import { readFrameTimes, timesOf, type TimedFrame } from "./frameTimes";
import { benchSnapshot, withTraffic } from "./benchFleet";

const view = (id: string, at: number, snapshot = sampleSnapshot(id, at)): DirectorView => ({
  id: id as DirectorId, connected: true, stale: false, receivedAt: at + 2, agent: null, snapshot,
});
/** A frame as the hub sends it: valid by its schema, serialised. */
const bytesOf = (frame: HubToUi) => Buffer.from(JSON.stringify(hubToUiSchema.parse(frame)));
const typeOf = (frame: HubToUi) => frame.type;

describe("fake browsers' reading of frames' times", () => {
  const at = 1_765_000_000_123;
  const named = view("lb-1", at, { ...sampleSnapshot("lb-1", at), vrrp: [{ name: '"takenAt":1,', vrid: 51, interface: "eth0", state: "MASTER", basePriority: 100,
    effectivePriority: 100, advertIntervalMs: 1000, preempt: true, vips: [], lastTransitionAt: at - 5, masterRouter: null, syncGroup: null }] });
  const bench = view("bench-007", at, withTraffic(benchSnapshot(7, 100, at), 3, at + 1));
  const gone: DirectorView = { ...view("lb-2", at), connected: false, snapshot: null };
  const frames: HubToUi[] = [
    { type: "counters", serverTime: at + 10, directors: [countDirector(named), countDirector(bench), countDirector(gone)] },
    { type: "summaries", serverTime: at + 11, directors: [summarizeDirector(named), summarizeDirector(bench), summarizeDirector(gone)] },
    { type: "director", serverTime: at + 12, director: named },
    { type: "director", serverTime: at + 13, director: bench },
    { type: "director", serverTime: at + 14, director: gone },
    { type: "health", serverTime: at + 15, health: { groups: [], verdicts: [] } },
    { type: "health-changes", serverTime: at + 16, groups: { upsert: [], removed: ["51|198.51.100.10"] }, verdicts: { upsert: [], removed: [] } },
    { type: "alert-changes", alerts: { upsert: [], removed: ["no-master|198.51.100.10"] } },
  ];

  it("reads what a whole parse gives: counters, summaries and full views (a VRRP instance named like a key among them), health and its changes, alert changes", () => {
    for (const frame of frames) {
      const bytes = bytesOf(frame);
      expect(readFrameTimes(bytes, typeOf(frame)), frame.type).toEqual(timesOf(JSON.parse(bytes.toString()) as TimedFrame));
    }
    // Every director with a snapshot counts once, whatever its frame.
    expect(readFrameTimes(bytesOf(frames[0]!), "counters")?.takenAt).toEqual([at, at + 1]);
  });

  it("reads fractions and exponents as JSON does", () => {
    const text = '{"type":"counters","serverTime":1.5e3,"directors":[{"id":"a","receivedAt":2,"takenAt":1765000000123.25,"keys":"0","services":[]}]}';
    expect(readFrameTimes(Buffer.from(text), "counters")).toEqual({ serverTime: 1500, takenAt: [1765000000123.25] });
  });

  it("reads nothing from a type it does not know or a frame laid out otherwise, so the caller parses it whole", () => {
    const hello = Buffer.from(JSON.stringify({ type: "hello", protocolVersion: 3, serverTime: 1 }));
    expect(readFrameTimes(hello, "hello")).toBeNull();
    expect(readFrameTimes(Buffer.from('{"serverTime":1,"type":"counters","directors":[]}'), "counters")).toBeNull();
    expect(readFrameTimes(Buffer.from('{"type":"counters","directors":[],"serverTime":1}'), "counters")).toBeNull();
    expect(readFrameTimes(Buffer.from('{"type":"counters","serverTime":1,"directors":[{"takenAt":x}]}'), "counters")).toBeNull();
    expect(readFrameTimes(Buffer.from('{"type":"summaries","serverTime":1,"directors":[{"id":"a" "takenAt":3}]}'), "summaries")).toBeNull();
  });
});
