import { expect, test } from "./fixtures";
import { expectNoSeriousA11yViolations } from "./axe";

const WEB = "TCP 192.168.50.101:80";
const RS = "10.50.0.21:8080";
/** An http flow lasts up to 30 s, then its entry sits in TIME_WAIT for 120 s (the sim follows the kernel). */
const DRAIN_TIMEOUT_MS = 200_000;

test("draining a real server shows its connections going down to zero, then it can be restored", async ({ dashboard, page }) => {
  test.setTimeout(DRAIN_TIMEOUT_MS + 60_000);
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  const row = dashboard.realServer(WEB, RS);
  await expect.poll(async () => Number(await row.getAttribute("data-active")), { timeout: 20_000 }).toBeGreaterThan(0);
  await expect(page.locator(`[data-testid="service"][data-service="${WEB}"]`)).toContainText("weight changes go to lvs-dir-01, lvs-dir-02");

  await dashboard.drainButton(WEB, RS).click();
  await expect(row.getByTestId("weight-result")).toHaveAttribute("data-state", "applied", { timeout: 10_000 });
  await expect(row).toHaveAttribute("data-weight", "0");
  const progress = dashboard.drainProgress(WEB, RS);
  await expect(progress).toHaveAttribute("data-phase", "draining");
  const start = Number(await progress.getAttribute("data-left"));
  expect(start).toBeGreaterThan(0);
  await expect(progress.getByRole("link", { name: "who is still on it" })).toHaveAttribute("href", /\/connections\?director=lvs-dir-01&vip=192\.168\.50\.101&realServer=10\.50\.0\.21/);
  await expectNoSeriousA11yViolations(page);

  // Falls monotonically (no new connections at weight 0) down to zero.
  let last = start;
  await expect
    .poll(
      async () => {
        const left = Number(await progress.getAttribute("data-left"));
        expect(left).toBeLessThanOrEqual(last);
        last = left;
        return left;
      },
      { timeout: DRAIN_TIMEOUT_MS, intervals: [2_000] },
    )
    .toBe(0);
  await expect(progress).toHaveAttribute("data-phase", "drained");

  await dashboard.restoreButton(WEB, RS).click();
  await expect(row).toHaveAttribute("data-weight", "1", { timeout: 10_000 });
  await expect(progress).toHaveCount(0);
});

test("draining the last healthy server asks for force and a reason; Escape leaves it alone", async ({ dashboard, page }) => {
  const DNS = "UDP 192.168.50.102:53";
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  await dashboard.drainButton(DNS, "192.168.50.31:53").click();
  await expect(dashboard.realServer(DNS, "192.168.50.31:53")).toHaveAttribute("data-weight", "0", { timeout: 10_000 });
  await dashboard.drainButton(DNS, "192.168.50.32:53").click();
  const dialog = dashboard.forceDialog();
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Force" })).toBeDisabled();
  await expectNoSeriousA11yViolations(page);
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(dashboard.realServer(DNS, "192.168.50.32:53")).toHaveAttribute("data-weight", "1");
  await expect(dashboard.drainButton(DNS, "192.168.50.32:53")).toBeEnabled();
});
