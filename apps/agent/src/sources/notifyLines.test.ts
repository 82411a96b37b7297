import { describe, expect, it } from "vitest";
import type { VrrpInstance } from "@lvsdeck/protocol";
import { applyNotifyLine, splitTimestamp } from "./notifyLines";

const backup: VrrpInstance = {
  name: "VI_1", vrid: 51, interface: "eth0", state: "BACKUP", basePriority: 200, effectivePriority: 200, advertIntervalMs: 1000,
  preempt: true, vips: ["198.51.100.100"], lastTransitionAt: null, masterRouter: "198.51.100.11", syncGroup: null,
};

describe("notify lines", () => {
  it("dates a transition with the line's own timestamp when it has one, else the receive time", () => {
    const view = { instances: [backup], syncGroups: [] };
    expect(applyNotifyLine(view, '1795660947.925955 INSTANCE "VI_1" MASTER 200', 5).event).toMatchObject({ kind: "vrrp-transition", from: "BACKUP", to: "MASTER", at: 1795660947926 });
    expect(applyNotifyLine(view, 'INSTANCE "VI_1" MASTER 200', 5).event).toMatchObject({ at: 5 });
    expect(splitTimestamp('2026-11-26T02:42:27.925Z INSTANCE "VI_1" MASTER 200')).toEqual({ at: Date.parse("2026-11-26T02:42:27.925Z"), body: 'INSTANCE "VI_1" MASTER 200' });
  });

  it("turns checker RS lines into health events keyed like ipvsadm", () => {
    const outcome = applyNotifyLine({ instances: [], syncGroups: [] }, "RS [10.0.0.11]:tcp:8080 [10.0.0.100]:tcp:80 DOWN", 7);
    expect(outcome.event).toEqual({ kind: "health", service: "TCP 10.0.0.100:80", realServer: "10.0.0.11:8080", up: false, at: 7 });
    expect(outcome.health).toEqual({ key: "TCP 10.0.0.100:80|10.0.0.11:8080", up: false });
  });

  it("reports garbage as an error and asks for a dump when an instance is unknown", () => {
    expect(applyNotifyLine({ instances: [], syncGroups: [] }, "garbage", 1).error).toMatch(/unknown line type/);
    expect(applyNotifyLine({ instances: [], syncGroups: [] }, 'INSTANCE "VI_9" MASTER 100', 1).unknownInstance).toBe(true);
  });
});
