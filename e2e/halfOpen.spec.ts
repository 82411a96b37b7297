import { expect, test } from "./fixtures";

const SEED = "TCP 192.168.50.100:443";
const RS = "192.168.50.11:443";

test("a real server that passes its check but does not answer clients shows half-open connections and raises an alert naming it", async ({ dashboard, page }) => {
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  const row = dashboard.realServer(SEED, RS);
  await expect(row.getByTestId("rs-states")).toHaveAttribute("title", /ESTABLISHED \d+/, { timeout: 15_000 });
  await expect(dashboard.banner("degraded")).toHaveCount(0);

  // Direct routing with the VIP gone from the server's loopback: its health check still passes.
  const sim = page.locator('[data-testid="sim-director"][data-director="lvs-dir-01"]');
  await sim.getByRole("combobox", { name: "Real server to fail on lvs-dir-01" }).selectOption({ label: `${RS} (${SEED})` });
  await sim.getByRole("button", { name: "Silence real server" }).click();
  await expect(sim.getByTestId("sim-result")).toContainText("stops answering clients on the VIP");

  await expect(row.getByTestId("rs-states")).toHaveAttribute("title", /SYN_RECV \d+/, { timeout: 30_000 });
  const banner = dashboard.banner("degraded").filter({ hasText: "half-open connections" });
  await expect(banner).toContainText(`${RS} in ${SEED} has`, { timeout: 90_000 });
  await expect(banner).toContainText("a SYN flood toward it, or with direct routing a server that does not answer");
  await expect(row).toHaveAttribute("data-health", "up");
  // The service's charts draw the counts the hub stored: SYN_RECV among the states on lvs-dir-01.
  const chart = page.locator(`[data-testid="service-chart"][data-service="${SEED}"]`);
  await chart.scrollIntoViewIfNeeded();
  await expect(chart.getByText("Connection states on lvs-dir-01")).toBeVisible({ timeout: 20_000 });
  await expect(chart.locator(".recharts-legend-item-text", { hasText: "SYN_RECV" })).toBeVisible({ timeout: 30_000 });

  // Restored, it answers again; the half-open entries left expire with their 60 s timeout (the rule's clearing is unit-tested).
  await sim.getByRole("button", { name: "Restore real server" }).click();
  await expect(sim.getByTestId("sim-result")).toContainText("answers clients again");
});

test("a SYN flood toward a VIP is one alert for the service, not one per real server, and it ends", async ({ dashboard, page }) => {
  // The flood's entries must outnumber the service's own, then time out (60 s) once it ends.
  test.setTimeout(240_000);
  const NAT = "TCP 192.168.50.101:80";
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  const sim = page.locator('[data-testid="sim-director"][data-director="lvs-dir-01"]');
  await sim.getByRole("combobox", { name: "Real server to fail on lvs-dir-01" }).selectOption({ label: `10.50.0.21:8080 (${NAT})` });
  await sim.getByRole("button", { name: "SYN flood its service" }).click();
  await expect(sim.getByTestId("sim-result")).toContainText("spoofed SYNs a second");

  const banner = dashboard.banner("degraded").filter({ hasText: "is under a SYN flood" });
  await expect(banner).toContainText(`${NAT} is under a SYN flood:`, { timeout: 90_000 });
  await expect(banner).toContainText(/across \d of \d real servers on lvs-dir-01/);
  // Every server is flooded alike: no real server is singled out as the one that does not answer.
  await expect(dashboard.banner("degraded").filter({ hasText: `in ${NAT} has` })).toHaveCount(0);
  await expect(dashboard.realServer(NAT, "10.50.0.22:8080").getByTestId("rs-states")).toHaveAttribute("title", /SYN_RECV \d+/);

  await sim.getByRole("button", { name: "End SYN flood" }).click();
  await expect(sim.getByTestId("sim-result")).toContainText("the SYN flood toward");
  // Its half-open entries time out within 60 s; the alert clears with them.
  await expect(banner).toHaveCount(0, { timeout: 120_000 });
});

test("a real server that closes after each request piles up TIME_WAIT entries and the alert names it", async ({ dashboard, page }) => {
  const NAT = "TCP 192.168.50.101:80";
  const RS_NAT = "10.50.0.21:8080";
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  const sim = page.locator('[data-testid="sim-director"][data-director="lvs-dir-01"]');
  await sim.getByRole("combobox", { name: "Real server to fail on lvs-dir-01" }).selectOption({ label: `${RS_NAT} (${NAT})` });
  await sim.getByRole("button", { name: "Close after each request" }).click();
  await expect(sim.getByTestId("sim-result")).toContainText("TIME_WAIT entries pile up");
  const banner = dashboard.banner("degraded").filter({ hasText: "connections in TIME_WAIT" });
  await expect(banner).toContainText(`${RS_NAT} in ${NAT} has`, { timeout: 80_000 });
  await expect(banner).toContainText("it closes far more connections than they do");
  await expect(dashboard.realServer(NAT, RS_NAT)).toHaveAttribute("data-health", "up");
  await sim.getByRole("button", { name: "Restore real server" }).click();
  await expect(sim.getByTestId("sim-result")).toContainText("keeps connections open again");
});
