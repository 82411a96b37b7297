import { expect, test } from "./fixtures";

// The seed cluster's five services plus fifty of twenty real servers each: 1,011 real servers.
test.use({ demoArgs: ["--services", "50", "--real-servers", "20"] });

const FIRST = "TCP 203.0.113.1:443";
const LAST = "TCP 203.0.113.50:443";

test("with a thousand real servers open, only rows and graph nodes near the screen are drawn; scrolling draws the rest, current, and a weight being typed stays", async ({ dashboard, page, cluster }) => {
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  await expect(page.locator(".toolbar-count")).toContainText("55 services · 1011 real servers");
  await page.getByRole("button", { name: "Expand all" }).click();
  await expect(page.locator('button.fold[aria-expanded="false"]')).toHaveCount(0);

  // Every service's rows are in the page as runs, most of them not drawn.
  const service = (key: string) => page.locator(`[data-testid="service"][data-service="${key}"]`).first();
  const runOf = (key: string) => service(key).getByTestId("rs-chunk");
  await expect(page.getByTestId("rs-chunk")).toHaveCount(55);
  await expect(runOf(LAST)).toHaveAttribute("data-drawn", "false");
  await expect.poll(async () => page.getByTestId("real-server").count()).toBeLessThan(300);
  await expect(page.getByTestId("graph-scroll")).toHaveAttribute("data-culled", "true");
  await expect.poll(async () => page.getByTestId("graph-node").count()).toBeLessThan(300);

  // A weight being typed in the first extra service…
  await service(FIRST).scrollIntoViewIfNeeded();
  const row = dashboard.realServer(FIRST, "10.60.0.10:443");
  await row.getByRole("spinbutton").fill("9");
  await expect(dashboard.weightDraft(FIRST, "10.60.0.10:443")).toContainText("→ 9");

  // A change far below, while nobody looks there: that card is not redrawn, and catches up when it comes near.
  const change = await cluster.api("/api/weights", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ service: LAST, realServer: "10.60.49.29:443", weight: 7 }) });
  expect(change.status).toBe(200);

  // …stays while the page scrolls to the last service, whose rows are drawn once near the screen.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await expect(runOf(LAST)).toHaveAttribute("data-drawn", "true");
  await expect(dashboard.realServer(LAST, "10.60.49.29:443")).toHaveAttribute("data-health", "up");
  await expect(dashboard.realServer(LAST, "10.60.49.29:443")).toHaveAttribute("data-weight", "7");
  await expect(runOf("TCP 203.0.113.10:443")).toHaveAttribute("data-drawn", "false");
  await expect(runOf(FIRST)).toHaveAttribute("data-drawn", "true");
  await expect(row.getByRole("spinbutton")).toBeFocused();
  await service(FIRST).scrollIntoViewIfNeeded();
  await expect(dashboard.weightDraft(FIRST, "10.60.0.10:443")).toContainText("→ 9");
  await row.getByRole("spinbutton").press("Escape");
  await expect(dashboard.weightDraft(FIRST, "10.60.0.10:443")).toHaveCount(0);

  // The graph draws the last real servers once its box is scrolled down to them.
  const lastNode = page.locator('[data-testid="graph-node"][aria-label^="real server 10.60.49.29:443"]');
  await expect(lastNode).toHaveCount(0);
  await page.getByTestId("graph-scroll").evaluate((box) => box.scrollTo(0, box.scrollHeight));
  await expect(lastNode).toHaveCount(1);
});
