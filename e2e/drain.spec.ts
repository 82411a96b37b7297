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

test("a drain of a persistent service says returning clients keep it busy, when it can end, and what moves them", async ({ dashboard, cluster }) => {
  const SEED = "TCP 192.168.50.100:443";
  const RS11 = "192.168.50.11:443";
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  const row = dashboard.realServer(SEED, RS11);
  await expect.poll(async () => Number(await row.getAttribute("data-active")), { timeout: 20_000 }).toBeGreaterThan(0);
  const drained = await cluster.api("/api/drain", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ service: SEED, realServer: RS11 }) });
  expect(drained.status).toBe(200);
  await expect(row).toHaveAttribute("data-weight", "0");
  // wrr -p 120: clients with a template come back to this server though its weight is 0 (or, in a quiet
  // second, none came back and the templates are waiting to expire): either way the row says which.
  await expect(row.getByTestId("drain-why")).toContainText(/(new conn\/s still arrive through \d+ persistence templates?: returning clients keep being sent here|No client has returned in the last interval; \d+ persistence templates? still pin clients here)\./, { timeout: 15_000 });
  await expect(row.getByTestId("drain-estimate")).toHaveText(/^(It can finish 120 s after returning clients stop \(each template lives 120 s past its client's last connection\), then once open connections close\.|Templates expire by \d\d:\d\d:\d\d at the latest if no client returns; then only open connections remain\.)$/);
  await expect(row.getByTestId("drain-option")).toContainText("sysctl -w net.ipv4.vs.expire_quiescent_template=1 on lvs-dir-01, lvs-dir-02");
});
