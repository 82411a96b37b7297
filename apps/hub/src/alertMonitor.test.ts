import type { Alert, DirectorView, HubEvent } from "@lvsdeck/protocol";
import { SEED_VIP, T0, director, realServer, seedCluster, service } from "@lvsdeck/cluster/fixtures";
import { describe, expect, it, vi } from "vitest";
import { HUB_EVENT_SOURCE, createAlertMonitor } from "./alertMonitor";
import { openDatabase } from "./store/database";
import { createEventStore } from "./store/eventStore";
import type { Fleet } from "./fleet";
import type { EventStore } from "./store/eventStore";

/** The seed service with four real servers holding these TIME_WAIT counts. */
const withTimeWait = (counts: number[]): DirectorView[] => {
  const servers = counts.map((n, i) => realServer(`192.168.50.${11 + i}`, 443, { states: { ESTABLISHED: 80, TIME_WAIT: n } }));
  const svc = service(SEED_VIP, 443, servers);
  return seedCluster({ dir01: { services: [svc] }, dir02: { services: [svc] } });
};

describe("alert monitor: TIME_WAIT growth", () => {
  it("raises time-wait-pileup from the counts it sampled a window earlier, with no level out of line", async () => {
    let now = T0;
    let directors = withTimeWait([100, 100, 100, 100]);
    const stored: HubEvent[] = [];
    const monitor = createAlertMonitor({
      fleet: { list: () => directors } as Partial<Fleet> as Fleet,
      events: {
        appendHubEvent: (input) => {
          const event = { ...input, id: stored.length + 1, seq: null, observedAt: null } as HubEvent;
          stored.push(event);
          return Promise.resolve(event);
        },
      } as Partial<EventStore> as EventStore,
      now: () => now,
      onEvent: () => {},
      onStoreError: (err) => {
        throw err;
      },
      onAlertsChanged: () => {},
    });
    // Every 5 s for a minute: the first server's TIME_WAIT climbs 5 a second, its peers' half a second.
    for (let s = 0; s <= 60; s += 5) {
      now = T0 + s * 1000;
      directors = withTimeWait([100 + 5 * s, 100 + s / 2, 100 + s / 2, 100 + s / 2]);
      monitor.evaluate();
      if (s < 60) expect(monitor.active()).toEqual([]);
    }
    expect(monitor.active().map((a) => a.rule)).toEqual(["time-wait-pileup"]);
    expect(monitor.active()[0]?.message).toContain("has 400 connections in TIME_WAIT, up 300 in 60 s where its peers' median gain was 30");
    // Stored in the order evaluations made it, a turn later.
    await vi.waitFor(() => expect(stored.map((e) => e.event.kind)).toEqual(["alert"]));
  });
});

describe("alert monitor: taking over the record", () => {
  /** A monitor over a fresh SQLite event log, whose fleet, clock and leadership the test sets. */
  const takeOverSetup = () => {
    const db = openDatabase(":memory:");
    const events = createEventStore(db);
    const state = { now: T0, directors: withTimeWait([100, 100, 100, 100]), leading: false, heard: [] as string[], scopes: [] as Alert["scope"][] };
    const monitor = createAlertMonitor({
      fleet: { list: () => state.directors } as Partial<Fleet> as Fleet,
      events,
      now: () => state.now,
      onEvent: () => {},
      recordsAlerts: () => state.leading,
      onStoreError: (err) => {
        throw err;
      },
      onAlertsChanged: () => {},
      // As the hub wires it: only the leader notifies the webhook.
      onAlertChange: (type, alert) => {
        if (!state.leading) return;
        state.heard.push(`${type} ${alert.id}`);
        state.scopes.push(alert.scope);
      },
    });
    return { db, events, state, monitor };
  };

  it("records the raises and clears it did not record while another hub led, once, and nothing while not leading", async () => {
    const { db, events, state, monitor } = takeOverSetup();
    // The old leader recorded an alert that has since cleared, and then died before recording the clear.
    const splitBrainScope = { vrid: 88, vip: "192.168.50.100" };
    await events.appendHubEvent({ director: HUB_EVENT_SOURCE, receivedAt: T0, event: { kind: "alert", alertId: "split-brain:88/192.168.50.100", rule: "split-brain", raised: true, message: "split brain on VRID 88", at: T0, scope: splitBrainScope } });
    // While nobody leads, time-wait-pileup is raised on this hub: judged, not recorded.
    for (let s = 0; s <= 60; s += 5) {
      state.now = T0 + s * 1000;
      state.directors = withTimeWait([100 + 5 * s, 100 + s / 2, 100 + s / 2, 100 + s / 2]);
      monitor.evaluate();
    }
    const pileup = monitor.active()[0];
    expect(pileup?.rule).toBe("time-wait-pileup");
    expect(await monitor.reconcile()).toEqual({ raised: 0, cleared: 0 });
    expect(await events.query({ kind: "alert", limit: 10 })).toHaveLength(1);

    state.leading = true;
    expect(await monitor.reconcile()).toEqual({ raised: 1, cleared: 1 });
    const recorded = (await events.query({ kind: "alert", limit: 10 })).map((e) => (e.event.kind === "alert" ? [e.event.alertId, e.event.raised, e.event.at] : []));
    expect(recorded).toEqual([
      ["split-brain:88/192.168.50.100", true, T0],
      [pileup?.id, true, pileup?.since],
      ["split-brain:88/192.168.50.100", false, state.now],
    ]);
    expect(state.heard).toEqual([`alert-raised ${pileup?.id}`, "alert-cleared split-brain:88/192.168.50.100"]);
    // The clear rebuilt from the record says what the raise said it was about (the webhook's receiver matches on it).
    expect(state.scopes).toEqual([pileup?.scope, splitBrainScope]);
    const stored = await events.query({ kind: "alert", limit: 10 });
    expect(stored.map((e) => (e.event.kind === "alert" ? e.event.scope : null))).toEqual([splitBrainScope, pileup?.scope, splitBrainScope]);
    // Once in line, a second take-over records nothing more.
    expect(await monitor.reconcile()).toEqual({ raised: 0, cleared: 0 });
    db.close();
  });

  it("checks the raises queued together while taking over against one read of the record, and reads again for the next", async () => {
    const { db, events, state, monitor } = takeOverSetup();
    const reads = vi.spyOn(events, "query");
    state.leading = true;
    monitor.tookTheLead();
    // An outage: twenty directors stop reporting at once.
    const silent = (n: number) => Array.from({ length: n }, (_, i) => director(`lvs-dir-${String(i).padStart(2, "0")}`, { connected: false, receivedAt: T0 - 60_000 }));
    state.directors = silent(20);
    monitor.evaluate();
    const first = monitor.active().map((a) => a.id);
    expect(first).toHaveLength(20);
    await vi.waitFor(() => expect(state.heard).toHaveLength(20));
    expect(reads).toHaveBeenCalledTimes(1);
    // Meanwhile the old leader, not yet gone, recorded the next director's alert: that raise is not stored again.
    const next = first[0]!.replace("lvs-dir-00", "lvs-dir-20");
    await events.appendHubEvent({ director: HUB_EVENT_SOURCE, receivedAt: T0, event: { kind: "alert", alertId: next, rule: "stale-director", raised: true, message: "lvs-dir-20 is stale", at: T0 } });
    state.directors = silent(21);
    monitor.evaluate();
    expect(monitor.active().map((a) => a.id)).toContain(next);
    expect(await monitor.reconcile()).toEqual({ raised: 0, cleared: 0 });
    const raises = (await events.query({ kind: "alert", limit: 100 })).flatMap((e) => (e.event.kind === "alert" && e.event.raised ? [e.event.alertId] : []));
    expect(raises.sort()).toEqual([...first, next].sort());
    expect(state.heard).toHaveLength(20);
    db.close();
  });

  it("stores no second raise of an alert the old leader raised that cleared and came back while no hub recorded", async () => {
    const { db, events, state, monitor } = takeOverSetup();
    /** Sixty seconds of evaluations from `from` (s), one every 5 s; `grow` piles TIME_WAIT up on one server. */
    const minute = (from: number, grow: boolean) => {
      for (let s = 0; s <= 60; s += 5) {
        state.now = T0 + (from + s) * 1000;
        state.directors = grow ? withTimeWait([100 + 5 * s, 100 + s / 2, 100 + s / 2, 100 + s / 2]) : withTimeWait([100, 100, 100, 100]);
        monitor.evaluate();
      }
    };
    minute(0, true);
    const pileup = monitor.active()[0]!;
    expect(pileup.rule).toBe("time-wait-pileup");
    // The old leader recorded the raise; then it died, and the alert cleared while nobody recorded.
    await events.appendHubEvent({ director: HUB_EVENT_SOURCE, receivedAt: state.now, event: { kind: "alert", alertId: pileup.id, rule: pileup.rule, raised: true, message: pileup.message, at: pileup.since, scope: pileup.scope } });
    minute(60, false);
    minute(120, false);
    expect(monitor.active()).toEqual([]);
    // This hub takes the lead, and the alert comes back before its reconcile.
    state.leading = true;
    monitor.tookTheLead();
    minute(180, true);
    expect(monitor.active().map((a) => a.id)).toEqual([pileup.id]);
    expect(await monitor.reconcile()).toEqual({ raised: 0, cleared: 0 });
    const raisesAndClears = async () => (await events.query({ kind: "alert", limit: 10 })).flatMap((e) => (e.event.kind === "alert" && e.event.alertId === pileup.id ? [e.event.raised] : []));
    expect(await raisesAndClears()).toEqual([true]);
    expect(state.heard).toEqual([]);
    // Reconciled, this hub records each change as it judges it.
    minute(240, false);
    minute(300, false);
    minute(360, true);
    expect(await monitor.reconcile()).toEqual({ raised: 0, cleared: 0 });
    expect(await raisesAndClears()).toEqual([true, false, true]);
    expect(state.heard).toEqual([`alert-cleared ${pileup.id}`, `alert-raised ${pileup.id}`]);
    db.close();
  });
});
