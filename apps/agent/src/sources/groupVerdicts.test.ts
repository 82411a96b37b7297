import { describe, expect, it } from "vitest";
import type { Health } from "@lvsdeck/protocol";
import { sampleRealServer, sampleService } from "@lvsdeck/protocol/testFixtures";
import { applyNotifyLine } from "./notifyLines";
import { groupVerdicts, healthKey } from "./parts";
import { createWeightBook } from "./weightBook";

const view = { instances: [], syncGroups: [] };
// keepalived names a virtual_server_group's virtual server `[<group>]:<port>` in its RS lines.
const groupLine = "RS [192.0.2.11]:tcp:443 [web_vips]:0 DOWN";

describe("virtual_server_group verdicts", () => {
  it("files an RS line of a group under the group, without an event naming a service", () => {
    const outcome = applyNotifyLine(view, groupLine, 1);
    expect(outcome.error).toBeNull();
    expect(outcome.event).toBeNull();
    expect(outcome.health).toEqual({ key: "group web_vips|192.0.2.11:443", up: false });
  });

  it("lands on every service carrying that real server, unless the service has a verdict of its own", () => {
    const outcome = applyNotifyLine(view, groupLine, 1);
    if (outcome.health === null) throw new Error("line not filed");
    const health = new Map<string, Health>([[outcome.health.key, outcome.health.up ? "up" : "down"]]);
    const own = sampleService("192.0.2.30", 443, [{ ...sampleRealServer("192.0.2.11", 443, 1), health: "unknown" }]);
    health.set(healthKey(own.key, "192.0.2.11:443"), "up");
    const services = [
      sampleService("192.0.2.10", 443, [{ ...sampleRealServer("192.0.2.11", 443, 1), health: "unknown" }]),
      sampleService("192.0.2.20", 443, [{ ...sampleRealServer("192.0.2.11", 443, 1), health: "unknown" }, { ...sampleRealServer("192.0.2.12", 443, 1), health: "unknown" }]),
      own,
    ];
    const annotated = createWeightBook().annotate(services, health, null, 1).services;
    expect(annotated.map((s) => s.realServers.map((rs) => rs.health))).toEqual([["down"], ["down", "unknown"], ["up"]]);
  });

  it("leaves a real server that two groups disagree on unknown", () => {
    const health = new Map<string, Health>([
      ["group a|192.0.2.11:443", "up"],
      ["group b|192.0.2.11:443", "down"],
      ["group b|192.0.2.12:443", "down"],
    ]);
    expect([...groupVerdicts(health)]).toEqual([["192.0.2.12:443", "down"]]);
  });
});
