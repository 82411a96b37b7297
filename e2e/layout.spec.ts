import { mkdirSync } from "node:fs";
import { expect, test } from "./fixtures";
import type { Page } from "@playwright/test";

// Any screen: the wall sizes itself to the screen it is on, and every page works on a phone.
// Each size also leaves a screenshot in test-results/layout (and in docs/screenshots with SCREENSHOTS=1).
const SHOTS = "test-results/layout";
mkdirSync(SHOTS, { recursive: true });
const docsShot = (name: string) => (process.env.SCREENSHOTS ? [`docs/screenshots/${name}`] : []);

async function shoot(page: Page, name: string, docs: string | null = null): Promise<void> {
  for (const path of [`${SHOTS}/${name}`, ...(docs === null ? [] : docsShot(docs))]) await page.screenshot({ path });
}

const WALLS = [
  { width: 1280, height: 720, name: "720p", docs: "wall-720p.png" },
  { width: 1920, height: 1080, name: "1080p", docs: null },
  { width: 3840, height: 2160, name: "4k", docs: "wall-4k.png" },
] as const;

test("the wall fills 720p, 1080p and 4K screens: every tile on one page, type that grows with the screen", async ({ page, dashboard, cluster }) => {
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  const headingPx: Record<string, number> = {};
  for (const size of WALLS) {
    await page.setViewportSize({ width: size.width, height: size.height });
    await page.goto(`${cluster.url}/wall`);
    const tiles = page.getByTestId("wall-tile");
    await expect(tiles).toHaveCount(5, { timeout: 15_000 });
    // The demo's five VIPs fit on one page at every size: no paging.
    await expect(page.locator(".wall-page")).toHaveCount(0);
    const layout = await page.evaluate(() => {
      const boxes = Array.from(document.querySelectorAll('[data-testid="wall-tile"]'), (t) => t.getBoundingClientRect());
      const heading = document.querySelector('[data-testid="wall-tile"] h2');
      return {
        bottom: Math.max(...boxes.map((b) => b.bottom)),
        right: Math.max(...boxes.map((b) => b.right)),
        heading: heading === null ? 0 : parseFloat(getComputedStyle(heading).fontSize),
        scrollWidth: document.documentElement.scrollWidth,
      };
    });
    // The tiles reach down and across the screen instead of sitting in its top corner.
    expect(layout.bottom).toBeGreaterThan(size.height * 0.85);
    expect(layout.right).toBeGreaterThan(size.width * 0.9);
    expect(layout.scrollWidth).toBeLessThanOrEqual(size.width);
    headingPx[size.name] = layout.heading;
    await shoot(page, `wall-${size.name}.png`, size.docs);
  }
  expect(headingPx["4k"]).toBeGreaterThanOrEqual(1.8 * (headingPx["1080p"] ?? 0));
  expect(headingPx["720p"]).toBeLessThan(headingPx["1080p"] ?? 0);
});

test("every page works at 390 px: nothing scrolls sideways, the nav stays reachable", async ({ page, dashboard, cluster }) => {
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  await page.setViewportSize({ width: 390, height: 844 });
  for (const [path, ready, docs] of [
    ["/", '[data-testid="real-server"]', "phone-topology.png"],
    ["/timeline", '[data-testid="timeline-event"]', null],
    ["/incidents", "#incidents-title", null],
    ["/connections", "main", null],
    ["/admin", "main", null],
    ["/wall", '[data-testid="wall-tile"]', null],
  ] as const) {
    await page.goto(`${cluster.url}${path}`);
    await expect(page.locator(ready).first()).toBeVisible({ timeout: 15_000 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth), `${path} scrolls sideways`).toBeLessThanOrEqual(390);
    if (path !== "/wall") {
      for (const name of ["Topology", "Timeline", "Incidents", "Connections", "Wall"]) {
        const link = page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name, exact: true });
        await expect(link).toBeInViewport();
      }
    }
    await shoot(page, `phone${path === "/" ? "-topology" : path.replace("/", "-")}.png`, docs);
  }
  // A weight number on a phone is on screen, not cut off to the right.
  await page.goto(cluster.url);
  const number = page.getByRole("spinbutton").first();
  await number.scrollIntoViewIfNeeded();
  await expect(number).toBeInViewport({ ratio: 1 });
});
