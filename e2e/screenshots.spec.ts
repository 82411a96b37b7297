import { mkdirSync } from "node:fs";
import { createUser, expect, statesInHistory, test } from "./fixtures";
import { TimelinePage } from "./pages/TimelinePage";
import { WallPage } from "./pages/WallPage";
import { ConnectionsPage } from "./pages/ConnectionsPage";
import { LoginPage } from "./pages/LoginPage";
import { AdminPage } from "./pages/AdminPage";

/** Where `npm run screenshots` writes; the README links these. */
const OUT = "docs/screenshots";
mkdirSync(OUT, { recursive: true });

test.describe.configure({ timeout: 120_000 });

/** How long the charts and sparklines may take to hold enough samples to draw a line worth showing. */
const HISTORY_FILLS_MS = 60_000;
/** Samples a line needs before it is worth a screenshot. */
const LINE_POINTS = 5;

test("topology, drain and charts", async ({ dashboard, page }) => {
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  await expect(page.locator(".recharts-surface").first()).toBeVisible({ timeout: 20_000 });
  await expect(page.locator(".chart-loading")).toHaveCount(0);
  // A monotone line through n samples is a path of a move and n - 1 curves.
  await expect
    .poll(async () => ((await page.locator(".recharts-line-curve").first().getAttribute("d")) ?? "").split("C").length, { timeout: HISTORY_FILLS_MS })
    .toBeGreaterThanOrEqual(LINE_POINTS);
  await page.screenshot({ path: `${OUT}/topology.png` });
  await dashboard.drainButton("TCP 192.168.50.101:80", "10.50.0.21:8080").click();
  const progress = dashboard.drainProgress("TCP 192.168.50.101:80", "10.50.0.21:8080");
  await expect(progress).toBeVisible({ timeout: 10_000 });
  const leftAtStart = Number(await progress.getAttribute("data-left"));
  await expect.poll(async () => Number(await progress.getAttribute("data-left")), { timeout: HISTORY_FILLS_MS }).toBeLessThan(leftAtStart);
  const web = page.locator('[data-testid="service"][data-service="TCP 192.168.50.101:80"]');
  await web.scrollIntoViewIfNeeded();
  await web.screenshot({ path: `${OUT}/service-drain-charts.png` });
});

test("timeline with a failover chosen", async ({ dashboard, page, cluster }) => {
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  await expect.poll(() => statesInHistory(cluster, Date.now())).toEqual(["lvs-dir-01 MASTER", "lvs-dir-02 BACKUP"]);
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
  await expect(timeline.momentDirector("lvs-dir-01")).toHaveAttribute("data-state", "MASTER");
  await expect(timeline.momentDirector("lvs-dir-02")).toHaveAttribute("data-state", "BACKUP");
  await page.screenshot({ path: `${OUT}/timeline-moment.png` });
});

test("connections", async ({ page, cluster }) => {
  const connections = new ConnectionsPage(page, cluster.url);
  // A table worth showing: more connections than one page of rows.
  await expect
    .poll(async () => ((await (await cluster.api("/api/connections?director=lvs-dir-01&limit=1")).json()) as { total?: number }).total ?? 0, { timeout: HISTORY_FILLS_MS })
    .toBeGreaterThan(50);
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
    // Every tile's sparkline draws a line, not "collecting data".
    await expect
      .poll(
        async () => {
          const tiles = await page.getByTestId("wall-tile").count();
          const lines = await page.locator(".sparkline-line").evaluateAll((els) => els.map((e) => (e.getAttribute("points") ?? "").trim().split(/\s+/).length));
          return lines.length === tiles ? Math.min(...lines) : 0;
        },
        { timeout: HISTORY_FILLS_MS },
      )
      .toBeGreaterThanOrEqual(LINE_POINTS);
    await page.screenshot({ path: `${OUT}/wall.png` });
    await page.request.post(`${cluster.url}/api/sim/faults`, { data: { director: "lvs-dir-01", fault: "stop-director" } });
    await expect(wall.banner("failover")).toBeVisible({ timeout: 10_000 });
    await expect(wall.tile("192.168.50.100")).toHaveAttribute("data-master", "lvs-dir-02");
    await page.screenshot({ path: `${OUT}/wall-failover.png` });
  });
});

test("sign-in form", async ({ browser, cluster }) => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const login = new LoginPage(page, cluster.url);
  await login.open();
  await login.signIn(cluster.admin.user, "not-the-password");
  await expect(login.error()).toBeVisible();
  await page.getByLabel("Password").focus();
  await page.screenshot({ path: `${OUT}/login.png` });
  await context.close();
});

test("forcing a drain of the last healthy server", async ({ dashboard, page }) => {
  const DNS = "UDP 192.168.50.102:53";
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  await dashboard.drainButton(DNS, "192.168.50.31:53").click();
  await expect(dashboard.realServer(DNS, "192.168.50.31:53")).toHaveAttribute("data-weight", "0", { timeout: 10_000 });
  await dashboard.drainButton(DNS, "192.168.50.32:53").click();
  await expect(dashboard.forceDialog()).toBeVisible();
  await dashboard.forceDialog().getByRole("textbox", { name: "Reason" }).fill("dns01 is being replaced; dns02 gets patched in the same window");
  await page.screenshot({ path: `${OUT}/force-dialog.png` });
});

test("admin: users, tokens and audit", async ({ page, cluster }) => {
  await createUser(cluster, "oscar", "operator", ["192.168.50.101", "192.168.50.102"]);
  await createUser(cluster, "vera", "viewer");
  const admin = new AdminPage(page, cluster.url);
  await admin.open();
  await expect(admin.userRow("oscar")).toBeVisible();
  await page.screenshot({ path: `${OUT}/admin-users.png` });
  await admin.tab("Tokens").click();
  await admin.createWallToken("noc-tv", "192.168.50.100, 192.168.50.101");
  await expect(admin.kioskUrl()).toBeVisible();
  await page.screenshot({ path: `${OUT}/admin-tokens.png` });
  await cluster.api("/api/weights", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ service: "TCP 192.168.50.101:80", realServer: "10.50.0.21:8080", weight: 3, expectedWeight: 1 }) });
  await cluster.api("/api/drain", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ service: "UDP 192.168.50.102:53", realServer: "192.168.50.31:53" }) });
  await cluster.api("/api/drain", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ service: "UDP 192.168.50.102:53", realServer: "192.168.50.32:53", force: true, reason: "maintenance window CHG-1042" }) });
  await admin.tab("Audit").click();
  await expect(admin.auditRows("drain").first()).toBeVisible();
  await page.screenshot({ path: `${OUT}/admin-audit.png` });
});
