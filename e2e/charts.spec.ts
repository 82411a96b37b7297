import { readFileSync } from "node:fs";
import { expect, test } from "./fixtures";

const SEED = "TCP 192.168.50.100:443";

test("charts: UTC or local named, drag-to-zoom, absolute range, a link that reopens the window, CSV of what is shown", async ({ dashboard, page, context, cluster }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  const chart = page.locator(`[data-testid="service-chart"][data-service="${SEED}"]`);
  const surface = chart.locator(".recharts-surface").first();
  // Charts are drawn only while on screen.
  await chart.scrollIntoViewIfNeeded();
  await expect(surface).toBeVisible({ timeout: 20_000 });
  await expect(chart.getByTestId("chart-window")).toContainText(/times in UTC[+-]\d\d:\d\d/);
  await page.getByTestId("zone-switch").click();
  await expect(chart.getByTestId("chart-window")).toContainText("times in UTC");
  await expect(page.getByTestId("zone-switch")).toHaveText("UTC");

  // An absolute range typed in the zone shown (UTC here): the last 40 s, once they hold points.
  await expect.poll(async () => ((await (await cluster.api(`/api/series?service=${encodeURIComponent(SEED)}&from=${Date.now() - 40_000}&to=${Date.now()}`)).json()) as { points: unknown[] }).points.length, { timeout: 60_000 }).toBeGreaterThan(20);
  const now = Date.now();
  const utc = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace("T", " ");
  const form = chart.getByRole("form", { name: `Absolute range of the charts of ${SEED}` });
  await form.getByLabel("From").fill(utc(now - 40_000));
  await form.getByLabel("to", { exact: true }).fill(utc(now));
  await form.getByRole("button", { name: "Show" }).click();
  await expect(chart).toHaveAttribute("data-from", String(Math.floor((now - 40_000) / 1000) * 1000));
  await expect(chart.getByRole("button", { name: "Back to live" })).toBeVisible();

  // Then drag across the middle of the connections panel to zoom further.
  const before = { from: Number(await chart.getAttribute("data-from")), to: Number(await chart.getAttribute("data-to")) };
  // The first panel's plot (legend icons are svgs of the same class, so go by the wrapper), once
  // charts above it have loaded and it stands still.
  const plot = chart.locator(".chart-panel .recharts-wrapper").first();
  await expect(page.locator(".chart-loading")).toHaveCount(0);
  let last: Awaited<ReturnType<typeof plot.boundingBox>> = null;
  await expect
    .poll(async () => {
      const previous = last;
      await plot.scrollIntoViewIfNeeded();
      last = await plot.boundingBox();
      return previous !== null && last !== null && Math.abs(last.y - previous.y) < 1;
    }, { intervals: [150] })
    .toBe(true);
  const box = await plot.boundingBox();
  if (!box) throw new Error("chart not drawn");
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.4);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.9, box.y + box.height * 0.4, { steps: 10 });
  await page.mouse.up();
  await expect.poll(async () => Number(await chart.getAttribute("data-from"))).toBeGreaterThan(before.from);
  const zoomed = { from: Number(await chart.getAttribute("data-from")), to: Number(await chart.getAttribute("data-to")) };
  expect(zoomed.to - zoomed.from).toBeGreaterThan(0);
  expect(zoomed.to).toBeLessThan(before.to);
  await expect(chart.getByTestId("chart-window")).toContainText(/\d\d:\d\d:\d\d\.\d{3} to \d\d:\d\d:\d\d\.\d{3}/);

  // CSV: exactly what is shown, with UTC times.
  const [download] = await Promise.all([page.waitForEvent("download"), chart.getByRole("button", { name: `Download the shown points of ${SEED} as CSV` }).click()]);
  const csv = readFileSync((await download.path()) ?? "", "utf8").trim().split("\n");
  expect(csv[0]).toBe("time_utc,active,inactive,cps,inBps,outBps");
  expect(csv.length).toBeGreaterThan(1);
  // The demo's seed service starts idle and never goes idle again once traffic begins: after its
  // first busy second, a row of zeros would be a missing second drawn as an outage.
  const busy = csv.slice(1).findIndex((line) => !line.endsWith(",0,0,0,0,0"));
  expect(busy).toBeGreaterThanOrEqual(0);
  for (const line of csv.slice(1 + busy)) expect(line.split(",").slice(1)).not.toEqual(["0", "0", "0", "0", "0"]);
  for (const line of csv.slice(1)) {
    const t = Date.parse(line.split(",")[0] ?? "");
    expect(t).toBeGreaterThanOrEqual(zoomed.from);
    expect(t).toBeLessThanOrEqual(zoomed.to);
  }

  // The link reopens the same window, in another tab.
  await chart.getByRole("button", { name: `Copy a link to these charts of ${SEED}` }).click();
  await expect(chart.getByRole("button", { name: `Copy a link to these charts of ${SEED}` })).toHaveText("Link copied");
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toContain(`chartFrom=${zoomed.from}`);
  const other = await context.newPage();
  await other.goto(link);
  const reopened = other.locator(`[data-testid="service-chart"][data-service="${SEED}"]`);
  await expect(reopened).toHaveAttribute("data-from", String(zoomed.from), { timeout: 20_000 });
  await expect(reopened).toHaveAttribute("data-to", String(zoomed.to));
  await other.close();

  await chart.getByRole("button", { name: "Back to live" }).click();
  await expect(chart.getByTestId("chart-window")).toContainText("last 5 min, live");
});

test("per director, a failover shows the connections leaving lvs-dir-01 and arriving on lvs-dir-02", async ({ dashboard, page }) => {
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  const chart = page.locator(`[data-testid="service-chart"][data-service="${SEED}"]`);
  await chart.scrollIntoViewIfNeeded();
  await expect(chart.locator(".recharts-surface").first()).toBeVisible({ timeout: 20_000 });
  await chart.getByRole("radio", { name: "Per director" }).click();
  await expect(chart).toHaveAttribute("data-split", "true");
  await expect(chart.getByTestId("chart-window")).toContainText("per director");
  await expect(chart.locator(".recharts-legend-item-text", { hasText: "lvs-dir-01 active" }).first()).toBeVisible();
  await expect(chart.locator(".recharts-legend-item-text", { hasText: "lvs-dir-02 active" }).first()).toBeVisible();

  await dashboard.simButton("Stop lvs-dir-01").click();
  await expect(dashboard.director("lvs-dir-02")).toHaveAttribute("data-state", "MASTER", { timeout: 5_000 });
  // The choice outlives the failover, when the shown table changes hands.
  await expect(chart).toHaveAttribute("data-split", "true");
  // What is shown, as CSV: a column per director; lvs-dir-01 carried the connections before, lvs-dir-02 after.
  const handOff = async () => {
    const [download] = await Promise.all([page.waitForEvent("download"), chart.getByRole("button", { name: `Download the shown points of ${SEED} as CSV` }).click()]);
    const [head, ...lines] = readFileSync((await download.path()) ?? "", "utf8").trim().split("\n");
    const columns = (head ?? "").split(",");
    const one = columns.indexOf("lvs-dir-01_active");
    const two = columns.indexOf("lvs-dir-02_active");
    const cells = lines.map((line) => line.split(","));
    const before = cells.findIndex((c) => Number(c[one]) > 0 && c[two] === "0");
    const after = cells.findLastIndex((c) => Number(c[two]) > 0);
    return one > 0 && two > 0 && before >= 0 && after > before;
  };
  await expect.poll(handOff, { timeout: 30_000, message: "the CSV shows lvs-dir-01's connections, then lvs-dir-02's" }).toBe(true);
});
