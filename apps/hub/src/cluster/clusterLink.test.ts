import { describe, expect, it } from "vitest";
import type { DirectorId, HubEvent } from "@lvsdeck/protocol";
import { createLogger } from "@lvsdeck/log";
import { createFleet } from "../fleet";
import { createClusterLink } from "./clusterLink";
import type { ClusterBus } from "./natsBus";

/** A bus that delivers what the test hands it: the link's own logic, without NATS. */
function fakeBus() {
  let deliver: (event: HubEvent, fromHub: string) => void = () => undefined;
  const bus = {
    hubId: "hub-b",
    onDirector: () => () => undefined,
    onEvent: (listener: typeof deliver) => ((deliver = listener), () => undefined),
    onWeightChange: () => () => undefined,
    onStatus: () => () => undefined,
  } as Partial<ClusterBus> as ClusterBus;
  return { bus, deliver: (event: HubEvent) => deliver(event, "hub-a") };
}

describe("cluster link", () => {
  it("tells an amended copy of another hub's event from a new event, so a transition counts once", () => {
    const { bus, deliver } = fakeBus();
    const heard: [number, boolean][] = [];
    const link = createClusterLink({
      bus, fleet: createFleet(), log: createLogger("test", true), now: () => 1_000,
      dispatchLocal: () => Promise.resolve("gone"),
      onRemoteEvent: (event, amended) => heard.push([event.id, amended]),
      onRemoteWeightChange: () => undefined,
    });
    const transition = (id: number, keepalivedAt?: number): HubEvent => ({
      id, director: "lvs-dir-01" as DirectorId, seq: id, observedAt: 1, receivedAt: 1,
      event: { kind: "vrrp-transition", instance: "VI_1", vrid: 51, from: "BACKUP", to: "MASTER", priority: 100, at: 1, ...(keepalivedAt !== undefined && { keepalivedAt }) },
    });
    deliver(transition(7));
    // The storing hub added keepalived's own time and sent it again.
    deliver(transition(7, 0.5));
    deliver(transition(8));
    expect(heard).toEqual([[7, false], [7, true], [8, false]]);
    link.close();
  });
});
