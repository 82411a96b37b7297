import { EventEmitter } from "node:events";
import { describe, expect, it, vi } from "vitest";
import type { WebSocket } from "ws";
import { PROTOCOL_VERSION, diffSnapshots, type AgentToHub, type DirectorId, type DirectorSnapshot, type HubToAgent } from "@lvsdeck/protocol";
import { sampleSnapshot } from "@lvsdeck/protocol/testFixtures";
import { createLogger } from "@lvsdeck/log";
import { openDatabase } from "../store/database";
import { createEventStore, type EventStore } from "../store/eventStore";
import { createFleet } from "../fleet";
import { createCommandRouter } from "./commandRouter";
import { createAgentGateway } from "./agentGateway";

/** Enough of a `ws` socket for the gateway: it records what the hub sends and whether it was cut. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  sent: HubToAgent[] = [];
  terminated = false;
  send(data: string) {
    this.sent.push(JSON.parse(data) as HubToAgent);
  }
  close() {
    this.readyState = 3;
  }
  terminate() {
    this.terminated = true;
    this.readyState = 3;
  }
  frame(frame: AgentToHub) {
    this.emit("message", Buffer.from(JSON.stringify(frame)), false);
  }
}

const DIRECTOR = "lvs-dir-01" as DirectorId;
const hello: AgentToHub = { type: "hello", protocolVersion: PROTOCOL_VERSION, director: DIRECTOR, agentVersion: "t", sources: ["sim"], capabilities: [], weightMode: "runtime", tickMs: 1000 };
const event = (seq: number): AgentToHub => ({ type: "event", seq, observedAt: 1_000 + seq, event: { kind: "keepalived", running: seq % 2 === 0, detail: "", at: 1_000 + seq } });

describe("agent gateway", () => {
  it("cuts an agent whose event the store could not take, acknowledges nothing after it, and asks for it again on reconnect", async () => {
    const db = openDatabase(":memory:");
    const store = createEventStore(db);
    let failNext = false;
    // The store as the hub has it, but the next agent event fails as a locked database does.
    const events: EventStore = {
      ...store,
      async appendAgentEvent(input) {
        if (failNext) {
          failNext = false;
          throw Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });
        }
        return store.appendAgentEvent(input);
      },
    };
    const fleet = createFleet();
    const gateway = createAgentGateway({
      fleet, events, log: createLogger("test", true), now: () => Date.now(), onEvent: () => undefined,
      commands: createCommandRouter({ fleet, send: () => false }),
    });
    const first = new FakeSocket();
    gateway.handle(first as unknown as WebSocket, DIRECTOR);
    first.frame(hello);
    first.frame(event(1));
    const acks = (socket: FakeSocket) => socket.sent.flatMap((f) => (f.type === "ack" ? [f.seq] : []));
    await vi.waitFor(() => expect(acks(first)).toEqual([1]));
    failNext = true;
    // Neither throws out of the socket's handler (an uncaught error would stop the hub).
    expect(() => first.frame(event(2))).not.toThrow();
    first.frame(event(3));
    await vi.waitFor(() => expect(first.terminated).toBe(true));
    expect(acks(first)).toEqual([1]);
    // Event 3, still in flight behind the one that failed, was not stored either: no hole in the sequence.
    expect(await store.lastSeq(DIRECTOR)).toBe(1);

    first.emit("close", 1006, Buffer.from(""));
    const second = new FakeSocket();
    gateway.handle(second as unknown as WebSocket, DIRECTOR);
    second.frame(hello);
    // The agent resends everything after lastSeq: 2 and 3 are stored now.
    await vi.waitFor(() => expect(second.sent.find((f) => f.type === "welcome")).toMatchObject({ lastSeq: 1 }));
    second.frame(event(2));
    second.frame(event(3));
    await vi.waitFor(async () => expect(await store.lastSeq(DIRECTOR)).toBe(3));
    gateway.closeAll();
    db.close();
  });

  it("stores the same seq from two runs of one director's agent as two events, tells each run what it had stored, and a resend once", async () => {
    const db = openDatabase(":memory:");
    const events = createEventStore(db);
    const fleet = createFleet();
    const gateway = createAgentGateway({
      fleet, events, log: createLogger("test", true), now: () => Date.now(), onEvent: () => undefined,
      commands: createCommandRouter({ fleet, send: () => false }),
    });
    const acks = (socket: FakeSocket) => socket.sent.flatMap((f) => (f.type === "ack" ? [f.seq] : []));
    const welcomeOf = async (socket: FakeSocket) => {
      await vi.waitFor(() => expect(socket.sent.some((f) => f.type === "welcome")).toBe(true));
      return socket.sent.find((f) => f.type === "welcome");
    };
    // An upgrade's overlap: both runs were welcomed with nothing stored, and both number their next event 0.
    const oldRun = new FakeSocket();
    gateway.handle(oldRun as unknown as WebSocket, DIRECTOR);
    oldRun.frame({ ...hello, epoch: "old-run" });
    expect(await welcomeOf(oldRun)).toMatchObject({ lastSeq: -1, runLastSeq: -1 });
    const newRun = new FakeSocket();
    gateway.handle(newRun as unknown as WebSocket, DIRECTOR);
    newRun.frame({ ...hello, epoch: "new-run" });
    expect(await welcomeOf(newRun)).toMatchObject({ lastSeq: -1, runLastSeq: -1 });
    newRun.frame(event(0));
    await vi.waitFor(() => expect(acks(newRun)).toEqual([0]));
    // The old run, replaced, comes back: the director's lastSeq is 0, but none of its own events is stored.
    const oldAgain = new FakeSocket();
    gateway.handle(oldAgain as unknown as WebSocket, DIRECTOR);
    oldAgain.frame({ ...hello, epoch: "old-run" });
    expect(await welcomeOf(oldAgain)).toMatchObject({ lastSeq: 0, runLastSeq: -1 });
    const ownEvent: AgentToHub = { type: "event", seq: 0, observedAt: 1_100, event: { kind: "keepalived", running: false, detail: "the old run's own event", at: 1_100 } };
    oldAgain.frame(ownEvent);
    oldAgain.frame(ownEvent);
    await vi.waitFor(() => expect(acks(oldAgain)).toEqual([0, 0]));
    const kept = await events.query({ director: DIRECTOR, kind: "keepalived", limit: 10 });
    expect(kept.map((e) => [e.epoch, e.seq])).toEqual([
      ["new-run", 0],
      ["old-run", 0],
    ]);
    gateway.closeAll();
    db.close();
  });

  it("handles an event or a change of VRRP state read in the same turn as other directors' counters before those counters, and keeps each agent's own order", async () => {
    const db = openDatabase(":memory:");
    const store = createEventStore(db);
    const fleet = createFleet();
    // What the gateway did, in order: a director's counters applied, or an event handed to the store.
    const order: string[] = [];
    const apply = fleet.applySnapshot.bind(fleet);
    fleet.applySnapshot = (snapshot, at) => {
      order.push(`counters ${snapshot.director}`);
      return apply(snapshot, at);
    };
    const events: EventStore = {
      ...store,
      appendAgentEvent(input) {
        order.push(`event ${input.director}`);
        return store.appendAgentEvent(input);
      },
    };
    const gateway = createAgentGateway({
      fleet, events, log: createLogger("test", true), now: () => Date.now(), onEvent: () => undefined,
      commands: createCommandRouter({ fleet, send: () => false }),
    });
    const ids = Array.from({ length: 10 }, (_, i) => `lvs-dir-${i}` as DirectorId);
    const agents = new Map<DirectorId, FakeSocket>();
    for (const id of [...ids, DIRECTOR]) {
      const socket = new FakeSocket();
      gateway.handle(socket as unknown as WebSocket, id);
      socket.frame({ ...hello, director: id });
      await vi.waitFor(() => expect(socket.sent.some((f) => f.type === "welcome")).toBe(true));
      socket.frame({ type: "snapshot", snapshot: sampleSnapshot(id, 1_000) });
      agents.set(id, socket);
    }
    await vi.waitFor(() => expect([...ids, DIRECTOR].every((id) => fleet.get(id)?.snapshot?.takenAt === 1_000)).toBe(true));
    const tick = (id: DirectorId, takenAt: number): AgentToHub => diffSnapshots(sampleSnapshot(id, takenAt - 1_000), sampleSnapshot(id, takenAt));

    // One turn's reads: ten directors' ticks, then another director's event. The event goes first.
    order.length = 0;
    for (const id of ids) agents.get(id)!.frame(tick(id, 2_000));
    agents.get(DIRECTOR)!.frame(event(1));
    await vi.waitFor(() => expect(order).toHaveLength(11));
    expect(order[0]).toBe(`event ${DIRECTOR}`);
    expect(order.slice(1)).toEqual(ids.map((id) => `counters ${id}`));
    expect(ids.every((id) => fleet.get(id)?.snapshot?.takenAt === 2_000)).toBe(true);

    // A tick that carries a change of VRRP state is handled at once too, ahead of other directors' plain ticks.
    order.length = 0;
    for (const id of ids) agents.get(id)!.frame(tick(id, 3_000));
    const master: DirectorSnapshot["vrrp"][number] = { name: "VI_1", vrid: 51, interface: "eth0", state: "MASTER", basePriority: 100, effectivePriority: 100,
      advertIntervalMs: 1000, preempt: true, vips: [], lastTransitionAt: 3_000, masterRouter: null, syncGroup: null };
    const before = sampleSnapshot(DIRECTOR, 1_000);
    agents.get(DIRECTOR)!.frame(diffSnapshots(before, { ...before, takenAt: 3_000, vrrp: [master] }));
    expect(order).toEqual([`counters ${DIRECTOR}`]);
    expect(fleet.get(DIRECTOR)?.snapshot?.vrrp[0]?.state).toBe("MASTER");
    await vi.waitFor(() => expect(order).toHaveLength(11));

    // One agent's own frames keep their order: its tick, then its event. The tick is not held back for
    // a later slice once the event has come: it runs as the event is read, and the event right after.
    order.length = 0;
    const own = agents.get(ids[0]!)!;
    own.frame(tick(ids[0]!, 4_000));
    expect(order).toEqual([]);
    own.frame(event(1));
    expect(order).toEqual([`counters ${ids[0]}`]);
    await vi.waitFor(() => expect(order).toEqual([`counters ${ids[0]}`, `event ${ids[0]}`]));
    await vi.waitFor(() => expect(own.sent.some((f) => f.type === "ack" && f.seq === 1)).toBe(true));
    gateway.closeAll();
    db.close();
  });
});
