import { expect, test } from "./fixtures";
import { WallPage } from "./pages/WallPage";
import { expectNoSeriousA11yViolations } from "./axe";

test.use({ viewport: { width: 1920, height: 1080 } });

test("the wall shows a tile per VIP with its MASTER and real servers, and nothing to click", async ({ page, cluster }) => {
  const wall = new WallPage(page, cluster.url);
  await wall.open();
  const seed = wall.tile("192.168.50.100");
  await expect(seed).toHaveAttribute("data-master", "lvs-dir-01", { timeout: 15_000 });
  await expect(seed).toContainText("2/2");
  await expect(wall.tile("192.168.50.101")).toContainText("3/3");
  await expect(page.locator("button, a, input, select")).toHaveCount(0);
  await expectNoSeriousA11yViolations(page);
});

test("a failover appears as a banner on the wall and the MASTER moves", async ({ page, cluster }) => {
  const wall = new WallPage(page, cluster.url);
  await wall.open();
  await expect(wall.tile("192.168.50.100")).toHaveAttribute("data-master", "lvs-dir-01", { timeout: 15_000 });
  const stop = await page.request.post(`${cluster.url}/api/sim/faults`, { data: { director: "lvs-dir-01", fault: "stop-director" } });
  expect(stop.ok()).toBe(true);
  await expect(wall.banner("failover")).toContainText("MASTER moved from lvs-dir-01 to lvs-dir-02", { timeout: 10_000 });
  // The move stays in the last hour's incidents; the demo's start-up election is not listed as one.
  const moves = page.getByTestId("wall-incident").and(page.locator('[data-kind="failover"]'));
  await expect(moves).toHaveCount(1);
  await expect(moves).toContainText("MASTER moved from lvs-dir-01 to lvs-dir-02");
  await expect(wall.tile("192.168.50.100")).toHaveAttribute("data-master", "lvs-dir-02");
  await expectNoSeriousA11yViolations(page);
});

test("all real servers of a VIP down is a banner", async ({ page, cluster }) => {
  const wall = new WallPage(page, cluster.url);
  await wall.open();
  await expect(wall.tile("192.168.50.102")).toHaveAttribute("data-master", "lvs-dir-01", { timeout: 15_000 });
  for (const director of ["lvs-dir-01", "lvs-dir-02"]) {
    for (const rs of ["192.168.50.31:53", "192.168.50.32:53"]) {
      const res = await page.request.post(`${cluster.url}/api/sim/faults`, { data: { director, fault: "fail-real-server", service: "UDP 192.168.50.102:53", realServer: rs } });
      expect(res.ok()).toBe(true);
    }
  }
  await expect(wall.banner("all-down")).toContainText("192.168.50.102", { timeout: 10_000 });
  await expect(wall.tile("192.168.50.102")).toHaveAttribute("data-status", "bad");
});
