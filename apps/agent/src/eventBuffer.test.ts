import { describe, expect, it } from "vitest";
import type { AgentEvent } from "@lvsdeck/protocol";
import { createEventBuffer } from "./eventBuffer";

const event = (at: number): AgentEvent => ({ kind: "keepalived", running: true, detail: `e${at}`, at });

describe("event buffer", () => {
  it("holds events until the first welcome, then numbers them after the hub's last seq", () => {
    const buffer = createEventBuffer(10);
    expect(buffer.push(event(1), 1)).toBeNull();
    expect(buffer.push(event(2), 2)).toBeNull();
    expect(buffer.welcome(41).map((f) => f.seq)).toEqual([42, 43]);
    expect(buffer.push(event(3), 3)?.seq).toBe(44);
  });

  it("resends only what the hub has not stored after a reconnect", () => {
    const buffer = createEventBuffer(10);
    buffer.welcome(-1);
    for (let i = 0; i < 5; i++) buffer.push(event(i), i);
    buffer.ack(1);
    expect(buffer.size()).toBe(3);
    expect(buffer.welcome(2).map((f) => f.seq)).toEqual([3, 4]);
  });

  it("drops the oldest events when full and counts them", () => {
    const buffer = createEventBuffer(3);
    buffer.welcome(-1);
    for (let i = 0; i < 5; i++) buffer.push(event(i), i);
    expect(buffer.size()).toBe(3);
    expect(buffer.dropped()).toBe(2);
    expect(buffer.welcome(-1).map((f) => f.seq)).toEqual([2, 3, 4]);
  });

  it("with a hub that keys events on the run, drops only what this run had stored and keeps its numbers", () => {
    const buffer = createEventBuffer(10);
    buffer.welcome(9, -1);
    for (let i = 0; i < 3; i++) buffer.push(event(i), i);
    // Another run of this director (an upgrade's overlap) stored up to 11 meanwhile; this run's 10 is stored.
    expect(buffer.welcome(11, 10).map((f) => f.seq)).toEqual([11, 12]);
    expect(buffer.push(event(3), 3)?.seq).toBe(13);
    // Nothing of this run stored yet: everything is sent again, as numbered.
    expect(buffer.welcome(40, -1).map((f) => f.seq)).toEqual([11, 12, 13]);
  });

  it("renumbers when the hub already stored a newer sequence for this director", () => {
    const buffer = createEventBuffer(10);
    buffer.welcome(-1);
    buffer.push(event(1), 1);
    expect(buffer.welcome(100).map((f) => f.seq)).toEqual([101]);
    expect(buffer.push(event(2), 2)?.seq).toBe(102);
  });
});
