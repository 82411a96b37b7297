import { expect, test, createWallToken } from "./fixtures";
import { WallPage } from "./pages/WallPage";

test.use({ viewport: { width: 1920, height: 1080 } });

const SEED_VIP = "192.168.50.100";

test("a split brain is one state on its tiles, SPLIT BRAIN, with banners in the same words and no 'no MASTER'", async ({ page, cluster }) => {
  const wall = new WallPage(page, cluster.url);
  await wall.open();
  const seed = wall.tile(SEED_VIP);
  await expect(seed).toHaveAttribute("data-master", "lvs-dir-01", { timeout: 15_000 });
  await expect(seed.getByTestId("wall-tile-state")).toHaveText("OK");
  const cut = await page.request.post(`${cluster.url}/api/sim/faults`, { data: { director: "lvs-dir-02", fault: "cut-link" } });
  expect(cut.ok()).toBe(true);
  await expect(seed).toHaveAttribute("data-state", "split-brain", { timeout: 10_000 });
  await expect(seed.getByTestId("wall-tile-state")).toHaveText("SPLIT BRAIN");
  await expect(seed).toContainText("lvs-dir-01 MASTER · lvs-dir-02 MASTER");
  await expect(page.getByText(/no MASTER/i)).toHaveCount(0);
  await expect(wall.banner("split-brain").first()).toContainText("SPLIT BRAIN");
  const restore = await page.request.post(`${cluster.url}/api/sim/faults`, { data: { director: "lvs-dir-02", fault: "restore-link" } });
  expect(restore.ok()).toBe(true);
  await expect(seed.getByTestId("wall-tile-state")).toHaveText("OK", { timeout: 10_000 });
  await expect(wall.banner("split-brain")).toHaveCount(0);
});

test("a wall token scoped to one VIP shows that VIP's tile and no other", async ({ browser, cluster }) => {
  const secret = await createWallToken(cluster, "one-vip", ["192.168.50.101"]);
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const page = await context.newPage();
  const wall = new WallPage(page, cluster.url);
  await page.goto(`${cluster.url}/wall?token=${secret}`);
  await expect(wall.tile("192.168.50.101")).toHaveAttribute("data-master", "lvs-dir-01", { timeout: 15_000 });
  await expect(wall.tile("192.168.50.101").getByTestId("wall-tile-state")).toHaveText("OK");
  await expect(page.getByTestId("wall-tile")).toHaveCount(1);
  await expect(page.getByText(SEED_VIP)).toHaveCount(0);
  await context.close();
});

test("with the hub unreachable every tile is UNKNOWN and says since when, and no verdict banner stays up", async ({ page, cluster }) => {
  // REST still answers; only the live socket is refused, as when the hub is cut off mid-way.
  await page.routeWebSocket(/\/ws\/ui/, (ws) => ws.close());
  const wall = new WallPage(page, cluster.url);
  await wall.open();
  await expect(wall.banner("hub-offline")).toContainText("HUB UNREACHABLE since", { timeout: 15_000 });
  await expect(wall.tile(SEED_VIP).getByTestId("wall-tile-state")).toHaveText(/^UNKNOWN \(hub unreachable since \d\d:\d\d\)$/);
  await expect(wall.tile(SEED_VIP)).toHaveAttribute("data-status", "unknown");
  await expect(page.locator('[data-testid="wall-banner"]:not([data-kind="hub-offline"])')).toHaveCount(0);
});
