import { describe, expect, it } from "vitest";
import type { HubEvent, HubToUi } from "@lvsdeck/protocol";
import { hubEventSchema } from "@lvsdeck/protocol";
import { readEventHead } from "./eventHead";

/** An event frame as the hub sends it: the stored event as its schema gives it back, serialised. */
const frameOf = (event: unknown) => JSON.stringify({ type: "event", event: hubEventSchema.parse(event) } satisfies HubToUi);
/** What the fake browsers measure with, taken from the whole parsed frame. */
const fieldsOf = (text: string) => {
  const { event } = JSON.parse(text) as { event: HubEvent };
  return { type: "event", event: { director: event.director, seq: event.seq, observedAt: event.observedAt, receivedAt: event.receivedAt, event: { kind: event.event.kind } } };
};

describe("fake browsers' reading of event frames", () => {
  const transition = { kind: "vrrp-transition", instance: "VI_1", vrid: 51, from: "BACKUP", to: "MASTER", priority: 100, at: 1_765_000_000_123 };
  const frames = [
    frameOf({ id: 1, director: "bench-001", seq: 7, observedAt: 1_765_000_000_123, receivedAt: 1_765_000_000_125, event: transition }),
    // An agent run's epoch, and keepalived's own time and a cause added (the amended copy), whose text
    // holds what the fields before the body look like.
    frameOf({ id: 2, director: "lb-2.example", seq: 0, epoch: "a1b2", observedAt: 1_765_000_000_000.5, receivedAt: 1_765_000_000_001,
      event: { ...transition, keepalivedAt: 1_765_000_000_100, cause: { kind: "election", text: '"seq":9,"observedAt":1,"receivedAt":2,"director":"x"', evidence: [',"event":{"kind":"agent"'] } } }),
    // The hub's own events: no seq, no observedAt.
    frameOf({ id: 3, director: "bench-002", seq: null, observedAt: null, receivedAt: 1_765_000_000_200, event: { kind: "agent", connected: false, detail: "connection closed", at: 1_765_000_000_200 } }),
    frameOf({ id: 4, director: "hub", seq: null, observedAt: null, receivedAt: 1_765_000_000_300,
      event: { kind: "alert", alertId: "no-master|198.51.100.10", rule: "no-master", raised: true, message: "no MASTER", at: 1_765_000_000_300, scope: { vip: "198.51.100.10" } } }),
    frameOf({ id: 5, director: "hub", seq: null, observedAt: null, receivedAt: 1_765_000_000_400,
      event: { kind: "hub", state: "started", downFrom: null, clean: false, detail: "first start on this database", at: 1_765_000_000_400 } }),
  ];

  it("reads what a whole parse gives: a transition, its amended copy with a cause, an agent's presence, an alert and the hub's own start", () => {
    for (const text of frames) expect(readEventHead(text)).toEqual(fieldsOf(text));
  });

  it("reads nothing from a frame laid out otherwise, so the caller parses it whole", () => {
    expect(readEventHead(JSON.stringify({ type: "counters", serverTime: 1, directors: [] }))).toBeNull();
    expect(readEventHead('{"type":"event","event":{"id":1,"event":{"kind":"agent"},"director":"d","seq":null,"observedAt":null,"receivedAt":1}}')).toBeNull();
  });
});
