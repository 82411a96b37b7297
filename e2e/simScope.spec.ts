import { createUser, expect, test } from "./fixtures";
import { DashboardPage } from "./pages/DashboardPage";
import { LoginPage } from "./pages/LoginPage";

// A VIP-scoped operator sees only the faults whose effect stays inside their scope.
test("a VIP-scoped operator gets real-server faults of their services only, never Stop director or Cut link; connections open on their VIP", async ({ browser, cluster }) => {
  const password = await createUser(cluster, "sol", "operator", ["192.168.50.101"]);
  const context = await browser.newContext();
  const page = await context.newPage();
  const login = new LoginPage(page, cluster.url);
  await login.open();
  await login.signIn("sol", password);
  const dashboard = new DashboardPage(page, cluster.url);
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  const panel = page.getByRole("region", { name: "Simulation" });
  await expect(panel.getByTestId("sim-scoped")).toContainText("Your VIP scope is limited");
  await expect(panel.getByRole("button", { name: /^Stop lvs-dir/ })).toHaveCount(0);
  await expect(panel.getByRole("button", { name: "Cut link" })).toHaveCount(0);
  const choices = await panel.getByLabel("Real server to fail on lvs-dir-01").locator("option").allTextContents();
  expect(choices.length).toBeGreaterThan(0);
  expect(choices.every((c) => c.includes("192.168.50.101"))).toBe(true);
  await panel.getByRole("group", { name: "Simulation of lvs-dir-01" }).getByRole("button", { name: "Fail real server" }).click();
  await expect(panel.getByRole("group", { name: "Simulation of lvs-dir-01" }).getByTestId("sim-result")).not.toHaveText(/failed|sending/);
  // The connection browser opens on their VIP and on the director that is MASTER for it now.
  await dashboard.nav("Connections").click();
  await expect(page.getByPlaceholder("192.168.50.100")).toHaveValue("192.168.50.101");
  await expect(page.getByLabel("Director")).toHaveValue("lvs-dir-01");
  await context.close();
});
