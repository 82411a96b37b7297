import { mkdirSync } from "node:fs";
import { expect, test } from "./fixtures";
import { TimelinePage } from "./pages/TimelinePage";
import { WallPage } from "./pages/WallPage";
import { ConnectionsPage } from "./pages/ConnectionsPage";

/** Where `npm run screenshots` writes; the README links these. */
const OUT = "docs/screenshots";
mkdirSync(OUT, { recursive: true });

test.describe.configure({ timeout: 120_000 });

test("topology, drain and charts", async ({ dashboard, page }) => {
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  await expect(page.locator(".recharts-surface").first()).toBeVisible({ timeout: 20_000 });
  await page.waitForTimeout(8_000);
  await page.screenshot({ path: `${OUT}/topology.png` });
  await dashboard.drainButton("TCP 192.168.50.101:80", "10.50.0.21:8080").click();
  await expect(dashboard.drainProgress("TCP 192.168.50.101:80", "10.50.0.21:8080")).toBeVisible({ timeout: 10_000 });
  await page.waitForTimeout(4_000);
  const web = page.locator('[data-testid="service"][data-service="TCP 192.168.50.101:80"]');
  await web.scrollIntoViewIfNeeded();
  await web.screenshot({ path: `${OUT}/service-drain-charts.png` });
});

test("timeline with a failover chosen", async ({ dashboard, page, cluster }) => {
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  await page.waitForTimeout(4_000);
  await dashboard.simButton("Stop lvs-dir-01").click();
  await expect(dashboard.director("lvs-dir-02")).toHaveAttribute("data-state", "MASTER", { timeout: 10_000 });
  const timeline = new TimelinePage(page, cluster.url);
  await timeline.open("?range=15m");
  const left = timeline.events("vrrp-transition", "lvs-dir-01").filter({ hasText: "MASTER →" }).first();
  await expect(left).toBeVisible({ timeout: 10_000 });
  await page.screenshot({ path: `${OUT}/timeline.png` });
  await timeline.choose(left);
  await expect(timeline.momentDirector("lvs-dir-01")).toBeVisible({ timeout: 10_000 });
  await timeline.moment().scrollIntoViewIfNeeded();
  await page.waitForTimeout(2_000);
  await page.screenshot({ path: `${OUT}/timeline-moment.png` });
});

test("connections", async ({ page, cluster }) => {
  const connections = new ConnectionsPage(page, cluster.url);
  await page.waitForTimeout(5_000);
  await connections.open();
  await expect(connections.rows().first()).toBeVisible({ timeout: 15_000 });
  await page.screenshot({ path: `${OUT}/connections.png`, fullPage: true });
});

test.describe("wall at 1920x1080", () => {
  test.use({ viewport: { width: 1920, height: 1080 } });

  test("healthy, then after a failover", async ({ page, cluster }) => {
    const wall = new WallPage(page, cluster.url);
    await wall.open();
    await expect(wall.tile("192.168.50.100")).toHaveAttribute("data-master", "lvs-dir-01", { timeout: 15_000 });
    await page.waitForTimeout(20_000);
    await page.screenshot({ path: `${OUT}/wall.png` });
    await page.request.post(`${cluster.url}/api/sim/faults`, { data: { director: "lvs-dir-01", fault: "stop-director" } });
    await expect(wall.banner("failover")).toBeVisible({ timeout: 10_000 });
    await page.waitForTimeout(2_000);
    await page.screenshot({ path: `${OUT}/wall-failover.png` });
  });
});
