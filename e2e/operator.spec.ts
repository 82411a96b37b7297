import { createUser, expect, test } from "./fixtures";
import { DashboardPage } from "./pages/DashboardPage";
import { LoginPage } from "./pages/LoginPage";
import { AdminPage } from "./pages/AdminPage";

const SEED = "TCP 192.168.50.100:443";
const WEB = "TCP 192.168.50.101:80";
const DNS = "UDP 192.168.50.102:53";
const REASON = "dns01 replaced tonight, dns02 patched first";

test("an operator drags a weight, drains the last healthy server only with force and a reason, and the admin finds both in the audit", async ({ browser, cluster, page }) => {
  const password = await createUser(cluster, "oscar", "operator", ["192.168.50.101", "192.168.50.102"]);
  // A browser of their own, without the admin's cookie: in through the real sign-in form.
  const context = await browser.newContext();
  const operatorPage = await context.newPage();
  const login = new LoginPage(operatorPage, cluster.url);
  await login.open();
  await login.signIn("oscar", password);
  const dashboard = new DashboardPage(operatorPage, cluster.url);
  await expect(dashboard.session()).toContainText("oscar");
  await expect(dashboard.session()).toContainText("operator");
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });

  // Outside their VIPs: the hub does not even show the service.
  await expect(dashboard.realServer(WEB, "10.50.0.21:8080")).toBeVisible();
  await expect(dashboard.realServer(SEED, "192.168.50.11:443")).toHaveCount(0);

  const row = dashboard.realServer(WEB, "10.50.0.21:8080");
  await expect(row).toHaveAttribute("data-weight", "1");
  await dashboard.dragWeight(WEB, "10.50.0.21:8080", 8);
  // Where the pointer lands is a pixel's matter; what is sent is exactly what the draft says.
  const draft = dashboard.weightDraft(WEB, "10.50.0.21:8080");
  await expect(draft).toHaveText(/^1 → (7|8|9) on lvs-dir-01, lvs-dir-02$/);
  const chosen = /→ (\d+)/.exec((await draft.textContent()) ?? "")?.[1] ?? "";
  await dashboard.applyButton(WEB, "10.50.0.21:8080").click();
  await expect(row.getByTestId("weight-result")).toHaveAttribute("data-state", "applied", { timeout: 10_000 });
  await expect(row).toHaveAttribute("data-weight", chosen);

  // The first DNS server drains without a question; the second is the last healthy one.
  await dashboard.drainButton(DNS, "192.168.50.31:53").click();
  await expect(dashboard.realServer(DNS, "192.168.50.31:53")).toHaveAttribute("data-weight", "0", { timeout: 10_000 });
  await dashboard.drainButton(DNS, "192.168.50.32:53").click();
  const dialog = dashboard.forceDialog();
  await expect(dialog).toBeVisible();
  await expect(dialog).toHaveAccessibleName(`Drain 192.168.50.32:53 in ${DNS}?`);
  await expect(dialog).toContainText("would accept no new connections");
  await expect(dialog.getByRole("textbox", { name: "Reason" })).toBeFocused();
  await expect(dialog.getByRole("button", { name: "Force" })).toBeDisabled();
  // Nothing changed while the hub asks.
  await expect(dashboard.realServer(DNS, "192.168.50.32:53")).toHaveAttribute("data-weight", "1");
  await dashboard.forceWithReason(REASON);
  await expect(dialog).toHaveCount(0);
  await expect(dashboard.realServer(DNS, "192.168.50.32:53")).toHaveAttribute("data-weight", "0", { timeout: 10_000 });
  await expect(dashboard.drainProgress(DNS, "192.168.50.32:53")).toBeVisible();
  await context.close();

  // The admin (the default page) finds both changes, with the reason, in the audit log.
  const admin = new AdminPage(page, cluster.url);
  await admin.open("audit");
  await admin.filterByActor("oscar");
  const weight = admin.auditRows("weight").first();
  await expect(weight).toContainText("10.50.0.21:8080");
  await expect(weight).toContainText(`1 → ${chosen}`);
  await expect(weight).toContainText(WEB);
  const forced = admin.auditRows("drain").filter({ hasText: "192.168.50.32:53" });
  await expect(forced).toContainText(REASON);
  await expect(forced).toContainText("1 → 0");
  await expect(forced).toContainText("lvs-dir-01");
  await expect(admin.auditRows("drain").filter({ hasText: "192.168.50.31:53" })).toHaveCount(1);
  await expect(admin.auditRows("login")).toHaveCount(1);
  // The filter shows only oscar.
  await expect(admin.auditRows().filter({ hasNotText: "oscar" })).toHaveCount(0);
});
