import { expect, test } from "./fixtures";
import { ConnectionsPage } from "./pages/ConnectionsPage";
import { expectNoSeriousA11yViolations } from "./axe";

test("the connection browser pages through the MASTER's table with expiry times and top clients", async ({ page, cluster }) => {
  const connections = new ConnectionsPage(page, cluster.url);
  await connections.open();
  await expect(connections.rows().first()).toBeVisible({ timeout: 15_000 });
  await expect(connections.summary()).toContainText("on lvs-dir-01");
  await expect(page.getByTestId("top-clients")).toContainText("192.168.50.100");
  await expect(connections.rows().first().locator("td").nth(2)).toHaveText(/^\d+:\d\d$/);
  await expectNoSeriousA11yViolations(page);
});

test("filters by VIP, real server and state, and keeps them in the URL", async ({ page, cluster }) => {
  const connections = new ConnectionsPage(page, cluster.url);
  await connections.open();
  await expect(connections.rows().first()).toBeVisible({ timeout: 15_000 });
  await connections.search({ VIP: "192.168.50.101", "Real server": "10.50.0.23", State: "ESTABLISHED" });
  await expect(page).toHaveURL(/vip=192\.168\.50\.101/);
  await expect(page).toHaveURL(/realServer=10\.50\.0\.23/);
  await expect(connections.rows().first()).toBeVisible({ timeout: 10_000 });
  const destinations = await connections.rows().evaluateAll((rows) => rows.map((r) => r.querySelectorAll("td")[5]?.textContent ?? ""));
  expect(destinations.every((d) => d.startsWith("10.50.0.23"))).toBe(true);
  const states = await connections.rows().evaluateAll((rows) => rows.map((r) => r.querySelectorAll("td")[1]?.textContent ?? ""));
  expect(states.every((s) => s.startsWith("ESTABLISHED"))).toBe(true);
  await page.reload();
  await expect(page.getByLabel("VIP", { exact: true })).toHaveValue("192.168.50.101");
});
