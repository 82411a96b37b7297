import type { DirectorView, HubEvent } from "@lvsdeck/protocol";
import { SEED_VIP, T0, realServer, seedCluster, service } from "@lvsdeck/cluster/fixtures";
import { describe, expect, it } from "vitest";
import { createAlertMonitor } from "./alertMonitor";
import type { Fleet } from "./fleet";
import type { EventStore } from "./store/eventStore";

/** The seed service with four real servers holding these TIME_WAIT counts. */
const withTimeWait = (counts: number[]): DirectorView[] => {
  const servers = counts.map((n, i) => realServer(`192.168.50.${11 + i}`, 443, { states: { ESTABLISHED: 80, TIME_WAIT: n } }));
  const svc = service(SEED_VIP, 443, servers);
  return seedCluster({ dir01: { services: [svc] }, dir02: { services: [svc] } });
};

describe("alert monitor: TIME_WAIT growth", () => {
  it("raises time-wait-pileup from the counts it sampled a window earlier, with no level out of line", () => {
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
    expect(stored.map((e) => e.event.kind)).toEqual(["alert"]);
  });
});
