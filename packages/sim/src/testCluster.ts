import type { AgentEvent, VrrpState } from "@lvsdeck/protocol";
import type { SimClusterConfig, SimServiceConfig } from "./clusterConfig";
import { seedCluster } from "./seedCluster";
import type { SimDirector } from "./simDirector";

/** Start of simulated time in tests (2025-01-01T00:00:00Z). */
export const T0 = Date.UTC(2025, 0, 1);

/** Steps both directors to `to` in 100 ms ticks, delivering each one's adverts to the other. */
export function runPair(a: SimDirector, b: SimDirector, from: number, to: number): number {
  for (let t = from + 100; t <= to; t += 100) {
    a.advance(t);
    b.advance(t);
    for (const adv of a.drainAdverts()) b.receiveAdvert(adv, t);
    for (const adv of b.drainAdverts()) a.receiveAdvert(adv, t);
    const [fromA, fromB] = [a.drainSync(t), b.drainSync(t)];
    if (fromA !== null) b.receiveSync(fromA, t);
    if (fromB !== null) a.receiveSync(fromB, t);
  }
  return to;
}

/** The state of a director's first VRRP instance. */
export function vrrpState(d: SimDirector, now: number): VrrpState | undefined {
  return d.snapshot(now).vrrp[0]?.state;
}

/** A one-director cluster with a single service, for traffic tests; the director is MASTER after ~3.6 s. */
export function soloCluster(service: Partial<SimServiceConfig>): SimClusterConfig {
  const base = seedCluster.services[0] as SimServiceConfig;
  return {
    ...seedCluster,
    directors: [{ name: "solo", priorities: { VI_88: 100 } }],
    services: [{ ...base, ...service }],
  };
}

/** Only the events of one kind. */
export function eventsOf<K extends AgentEvent["kind"]>(events: AgentEvent[], kind: K): Extract<AgentEvent, { kind: K }>[] {
  return events.filter((e): e is Extract<AgentEvent, { kind: K }> => e.kind === kind);
}
