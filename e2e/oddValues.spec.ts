import { sampleRealServer, sampleService, sampleSnapshot } from "@lvsdeck/protocol/testFixtures";
import { connectFakeAgent, expect, test } from "./fixtures";
import type { DemoCluster } from "./fixtures";

// A director as found in the field: a weight above 65535 (Debian's ipvsadm sets up to 2147483647), a
// scheduler newer than the code (twos, Linux 6.2), and one real server whose active count cannot be read.
const DIRECTOR = "lvs-dir-08";
const BIG = "TCP 198.51.100.110:443";
const TWOS = "TCP 198.51.100.110:80";
const ODD = "TCP 198.51.100.110:53";
const UNSAFE = "TCP 198.51.100.110:25";

function snapshot(): unknown {
  const odd = sampleService("198.51.100.110", 53, [sampleRealServer("203.0.113.31", 53, 1), sampleRealServer("203.0.113.32", 53, 1)]);
  return {
    ...sampleSnapshot(DIRECTOR, Date.now()),
    services: [
      sampleService("198.51.100.110", 443, [sampleRealServer("203.0.113.11", 443, 100_000), sampleRealServer("203.0.113.12", 443, 2)]),
      { ...sampleService("198.51.100.110", 80, [sampleRealServer("203.0.113.21", 80, 1), sampleRealServer("203.0.113.22", 80, 1)]), scheduler: "twos" },
      { ...odd, realServers: [odd.realServers[0], { ...odd.realServers[1], activeConns: "lots" }] },
      // A scheduler name no kernel prints: the service is kept, the name is not shown as a scheduler.
      { ...sampleService("198.51.100.110", 25, [sampleRealServer("203.0.113.41", 25, 1)]), scheduler: "<b>wrr</b>" },
    ],
  };
}

const connect = (cluster: DemoCluster) => connectFakeAgent(cluster, { director: DIRECTOR, sources: ["ipvsadm"], capabilities: ["set-weight"] }, snapshot());

test("a weight above 65535, a twos service and unreadable values are shown as they are, the rest of the director intact", async ({ dashboard, cluster, page }) => {
  const agent = await connect(cluster);
  try {
    // With this director's rows the demo cluster passes the count above which service cards start folded.
    await expect(page.locator(`[data-testid="service"][data-service="${ODD}"]`)).toBeAttached({ timeout: 15_000 });
    await page.getByRole("button", { name: "Expand all" }).click();
    const big = dashboard.realServer(BIG, "203.0.113.11:443");
    await expect(big).toBeVisible({ timeout: 15_000 });
    await expect(big).toHaveAttribute("data-weight", "100000");
    // The slider reaches the true weight instead of clamping it, and the number says it.
    await expect(dashboard.weightSlider(BIG, "203.0.113.11:443")).toHaveValue("100000");
    await expect(big.getByRole("spinbutton")).toHaveValue("100000");

    const twos = page.locator(`[data-testid="service"][data-service="${TWOS}"]`);
    await expect(twos.getByTestId("service-scheduler")).toHaveText("twos");
    await expect(twos.getByTestId("service-scheduler")).toHaveAttribute("title", /unknown scheduler/);
    const typed = dashboard.realServer(TWOS, "203.0.113.21:80").getByRole("spinbutton");
    await typed.fill("3");
    await expect(twos.getByTestId("share-unknown")).toHaveText("unknown scheduler twos: no share of new connections is previewed");
    await expect(twos.getByTestId("expected-share")).toHaveCount(0);
    await typed.press("Escape");

    const odd = dashboard.realServer(ODD, "203.0.113.32:53");
    await expect(odd).toHaveAttribute("data-health", "unknown");
    await expect(odd.getByTestId("rs-issues")).toContainText("activeConns = lots");
    await expect(dashboard.realServer(ODD, "203.0.113.31:53")).toHaveAttribute("data-health", "up");

    const card = dashboard.director(DIRECTOR);
    await expect(card).toHaveAttribute("data-stale", "false");
    const unreadable = card.getByTestId("director-unreadable");
    await expect(unreadable.locator("summary")).toHaveText("2 values could not be read (objects kept, flagged)");
    await unreadable.locator("summary").click();
    await expect(unreadable).toContainText(`service ${ODD} real server 203.0.113.32:53: activeConns = lots`);
    await expect(unreadable).toContainText(`service ${UNSAFE}: scheduler = <b>wrr</b>`);
    const unsafe = page.locator(`[data-testid="service"][data-service="${UNSAFE}"]`);
    await expect(unsafe.getByTestId("service-issues")).toContainText("scheduler = <b>wrr</b>");
    await expect(dashboard.realServer(UNSAFE, "203.0.113.41:25")).toHaveAttribute("data-health", "up");
  } finally {
    agent.close();
  }
});
