import { describe, expect, it } from "vitest";
import type { DirectorId, DirectorView, HubEvent, RealServerKey, ServiceKey } from "@lvsdeck/protocol";
import { sampleSnapshot } from "@lvsdeck/protocol/testFixtures";
import { eventConcernsVip } from "./eventScope";

const snapshot = {
  ...sampleSnapshot("d1", 1),
  vrrp: [{ name: "VI_1", vrid: 1, interface: "eth0", state: "MASTER" as const, basePriority: 100, effectivePriority: 100, advertIntervalMs: 1000, preempt: true, vips: ["192.0.2.10/24"], lastTransitionAt: null, masterRouter: null, syncGroup: null }],
};
const directors: DirectorView[] = [{ id: "d1" as DirectorId, connected: true, receivedAt: 1, stale: false, agent: null, snapshot }];
const stored = (event: HubEvent["event"], director = "d1"): HubEvent => ({ id: 1, director: director as DirectorId, seq: 0, observedAt: 1, receivedAt: 1, event });

describe("events concerning a VIP", () => {
  it("matches service events by the service's address", () => {
    const health = (service: string) => stored({ kind: "health", service: service as ServiceKey, realServer: "192.0.2.11:443" as RealServerKey, up: false, at: 1 });
    expect(eventConcernsVip(health("TCP 192.0.2.10:443"), "192.0.2.10", directors)).toBe(true);
    expect(eventConcernsVip(health("TCP 192.0.2.100:443"), "192.0.2.10", directors)).toBe(false);
    expect(eventConcernsVip(health("UDP [2001:db8::1]:53"), "2001:db8::1", directors)).toBe(true);
  });

  it("matches VRRP transitions of instances carrying the VIP", () => {
    const transition = (instance: string) => stored({ kind: "vrrp-transition", instance, vrid: 1, from: "BACKUP", to: "MASTER", priority: 100, at: 1 });
    expect(eventConcernsVip(transition("VI_1"), "192.0.2.10", directors)).toBe(true);
    expect(eventConcernsVip(transition("VI_2"), "192.0.2.10", directors)).toBe(false);
  });

  it("matches director-wide events of directors carrying the VIP", () => {
    const stop = (director: string) => stored({ kind: "keepalived", running: false, detail: "", at: 1 }, director);
    expect(eventConcernsVip(stop("d1"), "192.0.2.10", directors)).toBe(true);
    expect(eventConcernsVip(stop("d2"), "192.0.2.10", directors)).toBe(false);
  });
});
