import type { AgentInfo, ClusterResponse, DirectorId, DirectorSnapshot, DirectorView, VrrpInstance, VrrpState } from "@lvsdeck/protocol";
import { sampleService, sampleSnapshot } from "@lvsdeck/protocol/testFixtures";
import { clusterHealth, deriveVerdicts } from "@lvsdeck/cluster";

/** An agent as the demo's simulated directors announce it. */
export const simAgent: AgentInfo = { version: "0.1.0", sources: ["sim"], capabilities: ["set-weight", "sim-faults"], weightMode: "runtime", tickMs: 1000 };

/** The seed VRRP instance (VRID 88, VIP 192.0.2.10) in a given state. */
export function instance(state: VrrpState, priority: number): VrrpInstance {
  return {
    name: "VI_1",
    vrid: 88,
    interface: "eth0",
    state,
    basePriority: priority,
    effectivePriority: priority,
    advertIntervalMs: 1000,
    preempt: true,
    vips: ["192.0.2.10/32"],
    lastTransitionAt: null,
    masterRouter: null,
    syncGroup: null,
  };
}

/** A director view with a snapshot taken and received at `at`. */
export function view(id: string, at: number, patch: Partial<DirectorView> = {}, snapshot: Partial<DirectorSnapshot> = {}): DirectorView {
  return {
    id: id as DirectorId,
    connected: true,
    receivedAt: at,
    stale: false,
    agent: simAgent,
    snapshot: { ...sampleSnapshot(id, at), ...snapshot },
    ...patch,
  };
}

/** `v` with a second service (port 8443 on its first service's VIP) after the first, for tests of the services' order. */
export function withSecondService(v: DirectorView): DirectorView {
  const first = v.snapshot!.services[0]!;
  if (first.address === null) throw new Error("withSecondService needs a first service with a VIP, not a firewall mark");
  return { ...v, snapshot: { ...v.snapshot!, services: [first, sampleService(first.address, 8443, first.realServers)] } };
}

/** A cluster of the given views, with the health the hub would serve for them at `serverTime`. */
export function cluster(directors: DirectorView[], serverTime = 0): ClusterResponse {
  const verdicts = deriveVerdicts({ directors, now: serverTime, recentTransitions: [], drains: [] });
  return { serverTime, staleAfterTicks: 3, directors, health: clusterHealth(directors, verdicts) };
}
