import { expect, test } from "./fixtures";

test("the group says how many of the MASTER's clients would keep their connection on failover, and a stopped sync daemon is an alert until started again", async ({ dashboard, page }) => {
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  const group = page.locator('[data-testid="vrrp-group"][data-vrid="88"]');
  const sync = group.locator('[data-testid="group-sync"][data-backup="lvs-dir-02"]');
  await expect(sync).toHaveAttribute("data-kind", "syncing", { timeout: 15_000 });
  await expect(sync).toContainText(/clients that would keep their connection on failover to lvs-dir-02 now: \d+ % \([\d,]+ of [\d,]+ entries synced\)/, { timeout: 20_000 });
  await expect(dashboard.director("lvs-dir-01").getByTestId("director-sync")).toContainText(/^master \(eth0, id 88\) · [\d,]+ local, 0 synced$/);
  await expect(dashboard.director("lvs-dir-02").getByTestId("director-sync")).toContainText(/^backup \(eth0, id 88\) · 0 local, [\d,]+ synced$/);

  // ipvsadm --stop-daemon on the BACKUP: it takes none of the MASTER's new connections.
  const sim = page.locator('[data-testid="sim-director"][data-director="lvs-dir-02"]');
  await sim.getByRole("button", { name: "Stop connection sync" }).click();
  await expect(sim.getByTestId("sim-result")).toContainText("connection sync daemons stopped on lvs-dir-02");
  await expect(sync).toHaveAttribute("data-kind", "stopped");
  await expect(sync).toContainText("connection sync stopped: lvs-dir-02 runs no backup sync daemon: it takes none of lvs-dir-01's connections; clients would lose their connections on failover");
  await expect(dashboard.director("lvs-dir-02").getByTestId("director-sync")).toHaveText("no daemon");
  const banner = dashboard.banner("degraded").filter({ hasText: "connection sync stopped" });
  await expect(banner).toContainText("lvs-dir-02 runs no backup sync daemon");

  await sim.getByRole("button", { name: "Start connection sync" }).click();
  await expect(sync).toHaveAttribute("data-kind", "syncing");
  await expect(banner).toHaveCount(0);
});
