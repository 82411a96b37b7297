import { EventEmitter } from "node:events";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { WebSocket } from "ws";
import type { ClusterHealth, DirectorId, DirectorView, HubToUi, Verdict } from "@lvsdeck/protocol";
import { sampleSnapshot } from "@lvsdeck/protocol/testFixtures";
import { createLogger } from "@lvsdeck/log";
import { createUiGateway } from "./uiGateway";
import { UI_FLUSH_SLICE_SOCKETS } from "../limits";

/** Enough of a `ws` socket for the gateway: it records frames and lets a test set its backlog. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  frames: HubToUi[] = [];
  send(data: string | Buffer) {
    this.frames.push(JSON.parse(data.toString()) as HubToUi);
  }
  terminate() {
    this.readyState = 3;
  }
  close() {
    this.readyState = 3;
  }
}

const view = (id: string, at: number, state: "MASTER" | "BACKUP" = "MASTER"): DirectorView => {
  const snapshot = sampleSnapshot(id, at);
  return {
    id: id as DirectorId,
    connected: true,
    receivedAt: at,
    stale: false,
    agent: { version: "t", sources: ["sim"], capabilities: [], weightMode: "runtime", tickMs: 1000 },
    snapshot: {
      ...snapshot,
      vrrp: [{ name: "VI_1", vrid: 88, interface: "eth0", state, basePriority: 100, effectivePriority: 100, advertIntervalMs: 1000,
        preempt: true, vips: [], lastTransitionAt: null, masterRouter: null, syncGroup: null }],
    },
  };
};

describe("ui gateway", () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  const start = (health: ClusterHealth = { groups: [], verdicts: [] }) => {
    const views = new Map<DirectorId, DirectorView>();
    const gateway = createUiGateway({
      log: createLogger("test", true),
      now: () => Date.now(),
      directors: () => [...views.values()],
      director: (id) => views.get(id),
      health: () => health,
      mode: "coalesce",
      flushMs: 50,
      summaryFlushMs: 1000,
    });
    const change = (v: DirectorView) => {
      views.set(v.id, v);
      gateway.directorChanged(v);
    };
    const open = (scope: readonly string[] | null = null, detail: "summary" | "full" = "summary") => {
      const socket = new FakeSocket();
      gateway.handle(socket as unknown as WebSocket, scope);
      socket.emit("message", Buffer.from(JSON.stringify({ type: "subscribe", detail })));
      return socket;
    };
    return { gateway, change, open };
  };
  const types = (s: FakeSocket) => s.frames.map((f) => f.type);

  it("sends counters once a second, and a change of VRRP state as a whole summary at once", () => {
    const { gateway, change, open } = start();
    change(view("d1", 1000));
    const socket = open();
    socket.frames = [];
    change(view("d1", 2000));
    expect(types(socket)).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(types(socket)).toEqual(["counters"]);
    change(view("d1", 3000, "BACKUP"));
    expect(types(socket)).toEqual(["counters", "summaries"]);
    gateway.closeAll();
  });

  it("holds counters back from a browser that is behind and sends it the latest once it drains", () => {
    const { gateway, change, open } = start();
    change(view("d1", 1000));
    change(view("d2", 1000));
    const slow = open();
    const fast = open();
    slow.frames = [];
    fast.frames = [];
    slow.bufferedAmount = 4 * 1024 * 1024;
    change(view("d1", 2000));
    vi.advanceTimersByTime(1000);
    expect(types(slow)).toEqual([]);
    expect(types(fast)).toEqual(["counters"]);
    // A change of state is never held back.
    change(view("d2", 2500, "BACKUP"));
    expect(types(slow)).toEqual(["summaries"]);
    slow.bufferedAmount = 0;
    change(view("d2", 3000, "BACKUP"));
    vi.advanceTimersByTime(1000);
    const last = slow.frames.at(-1);
    expect(last?.type).toBe("counters");
    const ids = last?.type === "counters" ? last.directors.map((d) => [d.id, d.takenAt]) : [];
    expect(ids).toEqual(expect.arrayContaining([["d2", 3000], ["d1", 2000]]));
    gateway.closeAll();
  });

  it("sends a counter round UI_FLUSH_SLICE_SOCKETS browsers at a time, with turns of the event loop in between, until every browser has it", () => {
    const { gateway, change, open } = start();
    const slice = UI_FLUSH_SLICE_SOCKETS;
    const half = Math.ceil(slice / 2);
    change(view("d1", 1000));
    const sockets = Array.from({ length: 2 * slice + half }, () => open());
    for (const s of sockets) s.frames = [];
    change(view("d1", 2000));
    vi.advanceTimersByTime(999);
    // The round's timer alone: the first slice.
    vi.advanceTimersToNextTimer();
    expect(sockets.map((s) => s.frames.length)).toEqual([...Array(slice).fill(1), ...Array(slice + half).fill(0)]);
    vi.advanceTimersToNextTimer();
    expect(sockets.filter((s) => s.frames.length === 1)).toHaveLength(2 * slice);
    vi.advanceTimersToNextTimer();
    expect(sockets.every((s) => types(s).join() === "counters")).toBe(true);
    gateway.closeAll();
  });

  it("sends a director's new state to the browsers a round has not reached yet, never its older view after it", () => {
    const { gateway, change, open } = start();
    change(view("d1", 1000));
    const full = Array.from({ length: 120 }, () => open(null, "full"));
    const summary = Array.from({ length: 120 }, () => open());
    const lastOf = (s: FakeSocket) => {
      const last = s.frames.filter((f) => f.type === "director" || f.type === "counters" || f.type === "summaries").at(-1);
      if (last?.type === "director") return { takenAt: last.director.snapshot?.takenAt, state: last.director.snapshot?.vrrp[0]?.state };
      const d1 = last?.type === "counters" || last?.type === "summaries" ? last.directors.find((d) => d.id === "d1") : undefined;
      return { takenAt: d1?.takenAt };
    };
    const untilSomeGot = (sockets: FakeSocket[], takenAt: number) => {
      while (!sockets.some((s) => lastOf(s).takenAt === takenAt)) vi.advanceTimersToNextTimer();
      expect(sockets.every((s) => lastOf(s).takenAt === takenAt)).toBe(false);
    };

    // A round of full views (every 50 ms) is under way when d1 fails over.
    change(view("d1", 2000));
    untilSomeGot(full, 2000);
    change(view("d1", 2500, "BACKUP"));
    vi.advanceTimersByTime(20);
    expect(full.map(lastOf).filter((l) => l.state !== "BACKUP" || l.takenAt !== 2500)).toEqual([]);

    // The same for a round of counters to overviews (every second).
    change(view("d1", 2600, "BACKUP"));
    untilSomeGot(summary, 2600);
    change(view("d1", 2700, "MASTER"));
    vi.advanceTimersByTime(20);
    expect(summary.map(lastOf).filter((l) => l.takenAt !== 2700)).toEqual([]);
    gateway.closeAll();
  });

  it("sends what one turn of the event loop has for a browser in one write: a transition's new state and its event, stored a promise later", async () => {
    vi.useRealTimers();
    const { gateway, change, open } = start();
    change(view("d1", 1000));
    const socket = open() as FakeSocket & { _socket?: { cork(): void; uncork(): void } };
    let writes = 0;
    let corked = 0;
    socket._socket = { cork: () => void corked++, uncork: () => void (--corked === 0 && writes++) };
    // As an agent's frames arrive: in one I/O callback the new state is applied, and the event goes out once stored.
    await new Promise<void>((resolve) =>
      setTimeout(() => {
        change(view("d1", 2000, "BACKUP"));
        void Promise.resolve().then(() => {
          gateway.broadcast({ type: "event", event: { id: 1, director: "d1" as DirectorId, seq: 1, observedAt: 2000, receivedAt: 2000,
            event: { kind: "vrrp-transition", instance: "VI_1", vrid: 88, from: "MASTER", to: "BACKUP", priority: 100, at: 2000 } } });
          resolve();
        });
      }, 0),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(types(socket).slice(-2)).toEqual(["summaries", "event"]);
    expect(writes).toBe(1);
    gateway.closeAll();
  });

  it("tells a broadcast's caller when its frame has left for every browser: when the turn's corked writes are released", async () => {
    vi.useRealTimers();
    const { gateway, open } = start();
    const event = { type: "event", event: { id: 1, director: "d1" as DirectorId, seq: 1, observedAt: 2000, receivedAt: 2000,
      event: { kind: "vrrp-transition", instance: "VI_1", vrid: 88, from: "MASTER", to: "BACKUP", priority: 100, at: 2000 } } } as const;
    // No browser: nothing to wait for.
    let written = 0;
    gateway.broadcast(event, () => written++);
    expect(written).toBe(1);
    const socket = open() as FakeSocket & { _socket?: { cork(): void; uncork(): void } };
    const order: string[] = [];
    socket._socket = { cork: () => void order.push("cork"), uncork: () => void order.push("uncork") };
    gateway.broadcast(event, () => order.push("written"));
    expect(order).toEqual(["cork"]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(["cork", "uncork", "written"]);
    gateway.closeAll();
  });

  it("sends the hub's health after hello, then only what changed, each cut to the browser's VIP scope", () => {
    const group = (vip: string, state: "MASTER" | "BACKUP" = "MASTER") => ({ key: `51/${vip}`, vrid: 51, vips: [vip], names: ["VI_51"], label: `VRID 51 (${vip})`,
      members: [{ director: "d1" as DirectorId, instance: "VI_51", state, fresh: true }] });
    const split: Verdict = { id: "split-brain|vrid=51|vip=203.0.113.10", kind: "split-brain", severity: "critical", message: "split brain", since: 1, scope: { group: "51/203.0.113.10", vrid: 51, vips: ["203.0.113.10"] } };
    let health: ClusterHealth = { groups: [group("198.51.100.10"), group("203.0.113.10")], verdicts: [] };
    const { gateway, open } = start(health);
    const scoped = open(["198.51.100.10"]);
    const everything = open();
    const framesOf = (s: FakeSocket) => s.frames.filter((f) => f.type === "health" || f.type === "health-changes");
    expect(scoped.frames[1]?.type).toBe("health");
    expect(framesOf(scoped)).toEqual([{ type: "health", serverTime: expect.any(Number), health: { groups: [group("198.51.100.10")], verdicts: [] } }]);
    expect(framesOf(everything)).toEqual([{ type: "health", serverTime: expect.any(Number), health }]);

    // A failover in the other group, with its verdict: the unscoped browser gets that group and verdict only.
    const next: ClusterHealth = { groups: [group("198.51.100.10"), group("203.0.113.10", "BACKUP")], verdicts: [split] };
    gateway.healthChanged(health, next, 2);
    health = next;
    expect(framesOf(everything).at(-1)).toEqual({ type: "health-changes", serverTime: 2,
      groups: { upsert: [group("203.0.113.10", "BACKUP")], removed: [] }, verdicts: { upsert: [split], removed: [] } });
    // Nothing in the scoped browser's VIPs changed: it is sent nothing.
    expect(framesOf(scoped)).toHaveLength(1);

    // Its own group leaves: it is told to remove it.
    gateway.healthChanged(health, { groups: [group("203.0.113.10", "BACKUP")], verdicts: [split] }, 3);
    expect(framesOf(scoped).at(-1)).toEqual({ type: "health-changes", serverTime: 3, groups: { upsert: [], removed: ["51/198.51.100.10"] }, verdicts: { upsert: [], removed: [] } });
    gateway.closeAll();
  });

  it("sends what changed in the active alerts, cut to the browser's VIP scope", () => {
    const { gateway, open } = start();
    const scoped = open(["198.51.100.10"]);
    const everything = open();
    const alert = (vip: string) => ({ id: `no-master|${vip}`, rule: "no-master" as const, severity: "critical" as const, message: `no MASTER for ${vip}`, since: 1, scope: { vip } });
    gateway.alertsChanged([], [alert("198.51.100.10"), alert("203.0.113.10")]);
    gateway.alertsChanged([alert("198.51.100.10"), alert("203.0.113.10")], [alert("198.51.100.10")]);
    const changesOf = (s: FakeSocket) => s.frames.flatMap((f) => (f.type === "alert-changes" ? [f.alerts] : []));
    expect(changesOf(everything)).toEqual([
      { upsert: [alert("198.51.100.10"), alert("203.0.113.10")], removed: [] },
      { upsert: [], removed: ["no-master|203.0.113.10"] },
    ]);
    // The other VIP's alert never reached the scoped browser, and neither does its clearing.
    expect(changesOf(scoped)).toEqual([{ upsert: [alert("198.51.100.10")], removed: [] }]);
    gateway.closeAll();
  });
});
