import type { DirectorSnapshot, RealServerKey } from "@lvsdeck/protocol";
import { sampleRealServer, sampleService } from "@lvsdeck/protocol/testFixtures";
import { connectFakeAgent, expect, test } from "./fixtures";
import type { DemoCluster } from "./fixtures";

// A director whose agent reads keepalived's checker dump, as lvs-dir-01 in the VM lab after `httpd_stop rs2 80`:
// keepalived deleted rs2 from the kernel table (no inhibit_on_failure), and the agent ships it with inKernel false.
const DIRECTOR = "lvs-dir-09";
const WEB = "TCP 198.51.100.100:80";
const QUORUM = "TCP 198.51.100.100:8082";

function snapshot(): DirectorSnapshot {
  const removed = { ...sampleRealServer("203.0.113.12", 80, 2), health: "down" as const, inKernel: false, checker: { types: ["TCP_CHECK"], alive: false, failedCheckers: 1, lastChangeAt: null } };
  const alive = { ...sampleRealServer("203.0.113.11", 80, 2), inKernel: true, checker: { types: ["TCP_CHECK"], alive: true, failedCheckers: 0, lastChangeAt: null } };
  const sorry = { ...sampleRealServer("203.0.113.12", 8083, 1), health: "unknown" as const };
  const outOfQuorum = { ...sampleRealServer("203.0.113.11", 8082, 1), health: "down" as const, inKernel: false, checker: { types: ["TCP_CHECK"], alive: false, failedCheckers: 1, lastChangeAt: null } };
  return {
    director: DIRECTOR as DirectorSnapshot["director"],
    takenAt: Date.now(),
    keepalived: { running: true, pid: 385, since: null, checker: { pid: 421, running: true, lastDumpAt: null, silent: true } },
    vrrp: [],
    syncGroups: [],
    vipsPresent: [],
    services: [
      sampleService("198.51.100.100", 80, [alive, removed]),
      { ...sampleService("198.51.100.100", 8082, [sorry, outOfQuorum]), checker: { quorum: 2, quorumUp: false, sorryServer: "203.0.113.12:8083" as RealServerKey, sorryServerInUse: true } },
    ],
    timeouts: null,
  };
}

const connect = (cluster: DemoCluster) => connectFakeAgent(cluster, { director: DIRECTOR, sources: ["ipvsadm", "keepalived"], capabilities: [] }, snapshot());

test("a real server keepalived removed reads 'down — removed by its checker' and counts in n/m up; quorum, sorry server and a silent checker are said", async ({ dashboard, cluster, page }) => {
  const agent = await connect(cluster);
  try {
    const removed = dashboard.realServer(WEB, "203.0.113.12:80");
    await expect(removed).toBeVisible({ timeout: 15_000 });
    await expect(removed).toHaveAttribute("data-in-kernel", "false");
    await expect(removed.getByTestId("health")).toHaveText("down — removed by its checker");
    await expect(removed.getByTestId("health")).toHaveAttribute("title", /TCP_CHECK · failed/);
    const service = page.locator(`[data-testid="service"][data-service="${WEB}"]`);
    await expect(service.getByTestId("service-up")).toHaveText("1/2 up");
    const quorum = page.locator(`[data-testid="service"][data-service="${QUORUM}"]`);
    await expect(quorum.getByTestId("service-quorum")).toHaveText("quorum lost (needs 2) · sorry server 203.0.113.12:8083 in use");
    await expect(quorum.getByTestId("service-up")).toHaveText("0/2 up");
    await expect(dashboard.realServer(QUORUM, "203.0.113.12:8083")).toContainText("sorry server");
    await expect(dashboard.director(DIRECTOR).getByTestId("checker-process")).toHaveText("silent: no dump answered");
  } finally {
    agent.close();
  }
});
