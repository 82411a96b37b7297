import { expect, test } from "./fixtures";

test("an operator moves VRRP off the MASTER after a preflight, watches it move, and moves it back", async ({ dashboard, page }) => {
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  await expect(dashboard.director("lvs-dir-02")).toHaveAttribute("data-state", "BACKUP", { timeout: 15_000 });
  const panel = page.locator('[data-testid="planned-failover"][data-director="lvs-dir-01"]');
  await panel.getByRole("button", { name: "Planned failover off lvs-dir-01…" }).click();

  const checks = panel.getByTestId("preflight");
  await expect(checks).toContainText("the agent of lvs-dir-01 writes the failover file");
  await expect(checks).toContainText("lvs-dir-02 takes over (BACKUP, priority 100, preempts, data current)");
  await expect(checks).toContainText("the IPVS tables of lvs-dir-01 and lvs-dir-02 are the same");
  await expect(checks.locator('[data-status="fail"]')).toHaveCount(0);
  // A warning (sync not yet counted or behind) needs the checkbox; with none the button is ready at once.
  // The hub judges the preflight again when asked, from the directors' latest reports: a sync count that
  // dipped since the page's last preflight is a warning not acknowledged, and the move is refused, saying
  // so. The operator reads the checks again and asks again, as here (at most three times).
  const move = panel.getByRole("button", { name: "Move VRRP to lvs-dir-02" });
  const steps = panel.getByTestId("failover-steps");
  const refused = panel.getByRole("alert").filter({ hasText: "refused: preflight warnings not acknowledged" });
  const acknowledge = panel.getByRole("checkbox");
  for (let attempt = 1; ; attempt++) {
    if (attempt === 1 && (await checks.locator('[data-status="warn"]').count()) > 0) {
      await expect(move).toBeDisabled();
      await acknowledge.check();
    } else if (attempt > 1 && (await acknowledge.count()) > 0) await acknowledge.check();
    await move.click();
    await expect(steps.or(refused)).toBeVisible({ timeout: 15_000 });
    if (attempt === 3 || !(await refused.isVisible())) break;
  }
  await expect(steps.locator('li[data-done="true"]')).toHaveCount(4, { timeout: 15_000 });
  await expect(steps).toContainText("lvs-dir-02 becomes MASTER");
  await expect(dashboard.director("lvs-dir-02")).toHaveAttribute("data-state", "MASTER");
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "BACKUP");
  await expect(panel).toHaveAttribute("data-held", "true");
  await expect(panel).toContainText("lvs-dir-01 is held down by a planned failover");

  // The timeline says why: lvsdeck's failover file, as keepalived's track.
  await panel.getByRole("button", { name: "Move back to lvs-dir-01" }).click();
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  await expect(panel).toHaveAttribute("data-held", "false");
  await expect(panel.getByRole("button", { name: "Planned failover off lvs-dir-01…" })).toBeVisible();
});
