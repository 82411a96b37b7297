import { expect, statesInHistory, test } from "./fixtures";
import { TimelinePage } from "./pages/TimelinePage";
import { expectNoSeriousA11yViolations } from "./axe";

test("a failover is on the timeline, and choosing it shows the old MASTER; back to live shows the new one", async ({ page, cluster, dashboard }) => {
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  // The hub's history holds the healthy cluster before the fault.
  await expect.poll(() => statesInHistory(cluster, Date.now())).toEqual(["lvs-dir-01 MASTER", "lvs-dir-02 BACKUP"]);
  await dashboard.simButton("Stop lvs-dir-01").click();
  await expect(dashboard.director("lvs-dir-02")).toHaveAttribute("data-state", "MASTER", { timeout: 10_000 });

  const timeline = new TimelinePage(page, cluster.url);
  await dashboard.nav("Timeline").click();
  const left = timeline.events("vrrp-transition", "lvs-dir-01").filter({ hasText: "MASTER →" }).first();
  await expect(left).toBeVisible({ timeout: 10_000 });
  const tookOver = timeline.events("vrrp-transition", "lvs-dir-02").filter({ hasText: "→ MASTER" }).first();
  await expect(tookOver).toBeVisible();
  // Each transition says why, as the hub read it from the directors' counters around it.
  await expect(left.getByTestId("event-cause")).toHaveText("why: keepalived stopped on lvs-dir-01");
  await expect(tookOver.getByTestId("event-cause")).toHaveText("why: lvs-dir-01 resigned with a priority-0 advert: keepalived stopping", { timeout: 10_000 });

  await timeline.choose(left);
  await expect(page).toHaveURL(/[?&]at=\d+/);
  await expect(timeline.momentDirector("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 10_000 });
  await expect(timeline.momentDirector("lvs-dir-02")).toHaveAttribute("data-state", "BACKUP");

  // The moment is in the URL: a colleague opening it sees the same.
  const shared = page.url();
  const other = await page.context().newPage();
  await other.goto(shared);
  await expect(new TimelinePage(other, cluster.url).momentDirector("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 10_000 });
  await other.close();

  await expectNoSeriousA11yViolations(page);
  await page.getByRole("button", { name: "Back to live" }).click();
  await expect(page).not.toHaveURL(/[?&]at=/);
  await expect(timeline.moment()).toHaveCount(0);
});

test("filters by director and kind narrow the events, and live in the URL", async ({ page, cluster }) => {
  const timeline = new TimelinePage(page, cluster.url);
  await page.request.post(`${cluster.url}/api/sim/faults`, { data: { director: "lvs-dir-02", fault: "fail-real-server", service: "TCP 192.168.50.101:80", realServer: "10.50.0.22:8080" } });
  await timeline.open();
  await expect(timeline.events("health", "lvs-dir-02").first()).toBeVisible({ timeout: 10_000 });
  await timeline.filter("Kind", "health");
  await expect(page).toHaveURL(/kind=health/);
  await expect(timeline.events("vrrp-transition")).toHaveCount(0);
  await timeline.filter("Director", "lvs-dir-01");
  await expect(timeline.events("health", "lvs-dir-02")).toHaveCount(0);
  await timeline.filter("Director", "lvs-dir-02");
  await timeline.filter("VIP", "192.168.50.101");
  await expect(timeline.events("health", "lvs-dir-02").first()).toBeVisible();
  await timeline.filter("VIP", "192.168.50.100");
  await expect(timeline.events("health")).toHaveCount(0);
  await expectNoSeriousA11yViolations(page);
});

test("the timeline explains itself: state bands per director with a legend, one row per operator action, the last time label whole", async ({ page, cluster, dashboard }) => {
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  const change = await cluster.api("/api/weights", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ service: "TCP 192.168.50.101:80", realServer: "10.50.0.21:8080", weight: 4 }) });
  expect(change.status).toBe(200);
  const timeline = new TimelinePage(page, cluster.url);
  await timeline.open();
  // The change reached both directors; each reported it; the list shows it once, naming both.
  const rows = page.getByTestId("timeline-event").filter({ hasText: "weight of 10.50.0.21:8080" });
  await expect(rows).toHaveCount(1, { timeout: 10_000 });
  await expect(rows).toHaveAttribute("data-directors", "lvs-dir-01, lvs-dir-02");
  await expect(rows).toContainText("1 → 4 (by demo-admin) on lvs-dir-01, lvs-dir-02");
  await expect(page.locator('[data-testid="state-band"][data-state="MASTER"]')).toHaveCount(1);
  await expect(page.locator('[data-testid="state-band"][data-state="BACKUP"]').first()).toBeAttached();
  const legend = page.getByTestId("timeline-legend");
  for (const label of ["MASTER", "BACKUP", "FAULT", "keepalived stopped", "not known (agent lost)", "VRRP transition", "weight change"]) await expect(legend).toContainText(label);
  // The last label of the axis ends inside the drawing.
  const inside = await page.locator(".timeline-axis").evaluate((svg) => {
    const box = svg.getBoundingClientRect();
    const labels = Array.from(svg.querySelectorAll(".axis-tick"), (t) => t.getBoundingClientRect());
    return labels.every((l) => l.left >= box.left - 1 && l.right <= box.right + 1);
  });
  expect(inside).toBe(true);
});
