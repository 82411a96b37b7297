import { expect, test } from "./fixtures";
import { expectNoSeriousA11yViolations } from "./axe";

const SEED = "TCP 192.168.50.100:443";
/** The seed pair's VRRP group as the hub keys it: its VRID with its VIP set. */
const SEED_GROUP = "88/192.168.50.100,192.168.50.101,192.168.50.102,2001:db8:50::100";

test("the graph draws VIPs, directors, services and real servers; health and quiesced are distinct", async ({ dashboard, page, cluster }) => {
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  await expect(dashboard.graphNode("vip:192.168.50.100")).toBeVisible();
  await expect(dashboard.graphNode(`dir:${SEED_GROUP}:lvs-dir-01`)).toHaveAttribute("data-status", "MASTER");
  await expect(dashboard.graphNode(`dir:${SEED_GROUP}:lvs-dir-02`)).toHaveAttribute("data-status", "BACKUP");
  const rsNode = (rs: string) => dashboard.graphNode(`rs:svc:${SEED_GROUP}:TCP 192.168.50.101:80:${rs}`);
  await expect(rsNode("10.50.0.21:8080")).toHaveAttribute("data-status", "up");
  for (const director of ["lvs-dir-01", "lvs-dir-02"]) {
    await page.request.post(`${cluster.url}/api/sim/faults`, { data: { director, fault: "fail-real-server", service: "TCP 192.168.50.101:80", realServer: "10.50.0.22:8080" } });
  }
  await expect(rsNode("10.50.0.22:8080")).toHaveAttribute("data-status", "down", { timeout: 10_000 });
  await expectNoSeriousA11yViolations(dashboard.page);
});

test("search narrows the cards and the graph; a service folds with the keyboard", async ({ dashboard, page }) => {
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  await dashboard.search().fill("10.50.0.23");
  await expect(page.locator('[data-testid="service"]')).toHaveCount(1);
  await expect(page.locator('[data-testid="service"]')).toHaveAttribute("data-service", "TCP 192.168.50.101:80");
  // Only the matching real server of that service, its share still counted over all three.
  await expect(page.locator('[data-testid="real-server"]')).toHaveCount(1);
  await expect(page.getByTestId("search-partial")).toHaveText("1 of 3 real servers match the search; shares count all of them");
  // A VIP narrows to its services, though every VIP of the demo is in the one VRRP instance.
  await dashboard.search().fill("192.168.50.102");
  await expect(page.locator('[data-testid="service"]')).toHaveCount(1);
  await expect(page.locator('[data-testid="service"]')).toHaveAttribute("data-service", "UDP 192.168.50.102:53");
  await dashboard.search().fill("no-such-thing");
  await expect(page.getByTestId("no-match")).toContainText("No match for “no-such-thing”.");
  await page.getByRole("button", { name: "Clear the search" }).click();
  await expect(dashboard.search()).toHaveValue("");
  await dashboard.search().fill("");
  await expect(page.locator('[data-testid="service"]')).toHaveCount(5);

  const fold = page.getByRole("button", { name: SEED, exact: true });
  await fold.focus();
  await page.keyboard.press("Enter");
  await expect(fold).toHaveAttribute("aria-expanded", "false");
  await expect(dashboard.realServer(SEED, "192.168.50.11:443")).toHaveCount(0);
  await page.keyboard.press("Enter");
  await expect(dashboard.realServer(SEED, "192.168.50.11:443")).toBeVisible();
});

test("a dragged node keeps its place after a reload", async ({ dashboard, page }) => {
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  const node = dashboard.graphNode("vip:192.168.50.100");
  const before = await node.boundingBox();
  if (!before) throw new Error("node not visible");
  await page.mouse.move(before.x + 20, before.y + 10);
  await page.mouse.down();
  await page.mouse.move(before.x + 60, before.y + 90, { steps: 6 });
  await page.mouse.up();
  const moved = await node.boundingBox();
  expect(Math.round((moved?.y ?? 0) - before.y)).toBe(80);
  await page.reload();
  await expect(dashboard.director("lvs-dir-01")).toBeVisible({ timeout: 15_000 });
  const after = await dashboard.graphNode("vip:192.168.50.100").boundingBox();
  expect(Math.round((after?.y ?? 0) - before.y)).toBe(80);
  expect(Math.round((after?.x ?? 0) - before.x)).toBe(40);
  // And with the keyboard: focus and arrow keys.
  const translateY = async () => Number(/,\s*(-?[\d.]+)\)/.exec((await dashboard.graphNode("vip:192.168.50.100").getAttribute("transform")) ?? "")?.[1]);
  const y0 = await translateY();
  await dashboard.graphNode("vip:192.168.50.100").focus();
  await page.keyboard.press("ArrowDown");
  expect((await translateY()) - y0).toBe(10);
});

test("charts switch range and real server; navigation reaches every page", async ({ dashboard, page }) => {
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  const chart = page.locator(`[data-testid="service-chart"][data-service="${SEED}"]`);
  // Charts are drawn only while on screen: none off screen, this one once scrolled to.
  await expect(page.locator('[data-testid="chart-slot"][data-visible="false"]').first()).toBeAttached({ timeout: 20_000 });
  await expect(page.locator('[data-testid="chart-slot"][data-visible="false"] .recharts-surface')).toHaveCount(0);
  await chart.scrollIntoViewIfNeeded();
  await expect(chart.locator(".recharts-surface").first()).toBeVisible({ timeout: 20_000 });
  await chart.getByRole("radio", { name: "1 h" }).click();
  await expect(chart).toContainText("last 1 h");
  await chart.getByLabel("Show", { exact: true }).selectOption("192.168.50.11:443");
  await expect(chart).toContainText("192.168.50.11:443 · last 1 h");
  await dashboard.nav("Connections").click();
  await expect(page).toHaveURL(/\/connections$/);
  await dashboard.nav("Timeline").click();
  await expect(page.getByRole("heading", { name: "Incident timeline" })).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(/\/connections$/);
});
