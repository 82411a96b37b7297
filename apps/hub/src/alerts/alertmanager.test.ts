import { describe, expect, it } from "vitest";
import type { Alert } from "@lvsdeck/protocol";
import { alertName, toPostable } from "./alertmanager";

describe("alerts as Alertmanager takes them", () => {
  const alert: Alert = { id: "half-open-connections|service=TCP 192.0.2.1:80|realServer=192.0.2.11:80", rule: "half-open-connections", severity: "warning", message: "192.0.2.11:80 has 40 half-open", since: Date.UTC(2026, 11, 5, 12), scope: { service: "TCP 192.0.2.1:80", realServer: "192.0.2.11:80" } };

  it("names the rule for routing and puts only the scope's own labels", () => {
    expect(alertName("split-brain")).toBe("LvsdeckSplitBrain");
    expect(alertName("all-real-servers-down")).toBe("LvsdeckAllRealServersDown");
    expect(toPostable(alert, Date.UTC(2026, 11, 5, 13))).toEqual({
      labels: { alertname: "LvsdeckHalfOpenConnections", rule: "half-open-connections", severity: "warning", source: "lvsdeck", service: "TCP 192.0.2.1:80", real_server: "192.0.2.11:80" },
      annotations: { summary: "192.0.2.11:80 has 40 half-open", lvsdeck_id: alert.id },
      startsAt: "2026-12-05T12:00:00.000Z",
      endsAt: "2026-12-05T13:00:00.000Z",
    });
  });
});
