import { createUser, createWallToken, expect, test } from "./fixtures";
import { DashboardPage } from "./pages/DashboardPage";
import { LoginPage } from "./pages/LoginPage";
import { AdminPage } from "./pages/AdminPage";
import { WallPage } from "./pages/WallPage";
import { expectNoSeriousA11yViolations } from "./axe";

const SEED = "TCP 192.168.50.100:443";

test("the sign-in form rejects a wrong password with a clear message, then lets the right one in", async ({ browser, cluster }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const login = new LoginPage(page, cluster.url);
  await login.open();
  await expect(login.form()).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await login.signIn(cluster.admin.user, "not-the-password");
  await expect(login.error()).toHaveText("unknown user or wrong password");
  await expect(page.getByLabel("Password")).toHaveValue("");
  await login.signIn(cluster.admin.user, cluster.admin.password);
  const dashboard = new DashboardPage(page, cluster.url);
  await expect(dashboard.session()).toContainText(`${cluster.admin.user}admin`);
  await expect(dashboard.nav("Admin")).toBeVisible();
  await dashboard.signOut();
  await expect(login.form()).toBeVisible();
  await context.close();
});

test("a viewer sees weights as numbers: no slider, no drain, no simulation, no admin", async ({ browser, cluster }) => {
  const password = await createUser(cluster, "vera", "viewer");
  const context = await browser.newContext();
  const page = await context.newPage();
  const login = new LoginPage(page, cluster.url);
  await login.open();
  await login.signIn("vera", password);
  const dashboard = new DashboardPage(page, cluster.url);
  await expect(dashboard.session()).toContainText("viewer");
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  await expect(dashboard.weightValue(SEED, "192.168.50.11:443")).toHaveText("2");
  await expect(page.locator('[data-testid="real-server"]').first()).toBeVisible();
  await expect(page.getByRole("slider")).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Drain / })).toHaveCount(0);
  await expect(page.getByTestId("sim-director")).toHaveCount(0);
  await expect(dashboard.nav("Admin")).toHaveCount(0);
  await context.close();
});

test("a session that ends (user disabled) brings back the sign-in form at once, saying why", async ({ browser, cluster }) => {
  const password = await createUser(cluster, "olga", "operator");
  const context = await browser.newContext();
  const page = await context.newPage();
  const login = new LoginPage(page, cluster.url);
  await login.open();
  await login.signIn("olga", password);
  const dashboard = new DashboardPage(page, cluster.url);
  await expect(dashboard.director("lvs-dir-01")).toBeVisible({ timeout: 15_000 });
  const disable = await cluster.api("/api/users/olga", { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ disabled: true }) });
  expect(disable.ok).toBe(true);
  // The hub closes the page's live socket as the user is disabled; the page asks who it is and shows why.
  await expect(page.getByText("The hub ended this session")).toBeVisible();
  await expect(login.form()).toBeVisible();
  await expect(dashboard.director("lvs-dir-01")).toHaveCount(0);
  await context.close();
});

test("a wall token opens the wall with no cookie, read-only, and nowhere else", async ({ browser, cluster }) => {
  const secret = await createWallToken(cluster, "noc-tv");
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const page = await context.newPage();
  const wall = new WallPage(page, cluster.url);
  await page.goto(`${cluster.url}/wall?token=${secret}`);
  await expect(wall.tile("192.168.50.100")).toHaveAttribute("data-master", "lvs-dir-01", { timeout: 15_000 });
  await expect(wall.tile("192.168.50.101")).toContainText("3/3");
  expect(await context.cookies()).toEqual([]);
  // Without the token the same browser is asked to sign in.
  const login = new LoginPage(page, cluster.url);
  await login.open("/wall");
  await expect(login.form()).toBeVisible();
  // A revoked token stops working, and the page says why.
  const tokens = (await (await cluster.api("/api/tokens")).json()) as { tokens: { id: string; name: string }[] };
  const id = tokens.tokens.find((t) => t.name === "noc-tv")?.id ?? "";
  expect((await cluster.api(`/api/tokens/${id}`, { method: "DELETE" })).ok).toBe(true);
  await page.goto(`${cluster.url}/wall?token=${secret}`);
  await expect(page.getByText("not valid any more")).toBeVisible();
  await context.close();
});

test("admins manage users and tokens; the admin pages pass axe", async ({ page, cluster }) => {
  const admin = new AdminPage(page, cluster.url);
  await admin.open();
  await expect(admin.userRow(cluster.admin.user)).toHaveAttribute("data-role", "admin");
  await expectNoSeriousA11yViolations(page);
  await admin.createUser("nina", "operator", "a-long-enough-password", "192.168.50.100");
  await expect(admin.userRow("nina")).toHaveAttribute("data-role", "operator");
  await expect(admin.userRow("nina").getByLabel("VIPs of nina")).toHaveValue("192.168.50.100");
  await admin.userRow("nina").getByLabel("Role of nina").selectOption("viewer");
  await admin.userRow("nina").getByRole("button", { name: "Save" }).click();
  await expect(admin.userRow("nina")).toHaveAttribute("data-role", "viewer");
  await admin.userRow("nina").getByRole("button", { name: "Disable nina" }).click();
  await expect(admin.userRow("nina")).toHaveAttribute("data-disabled", "true");

  await admin.tab("Tokens").click();
  await admin.createWallToken("lobby", "192.168.50.100");
  await expect(admin.kioskUrl()).toContainText(`${cluster.url}/wall?token=wall_`);
  await expect(admin.tokenRow("lobby")).toHaveAttribute("data-revoked", "false");
  await expectNoSeriousA11yViolations(page);
  // The secret is shown once: gone after Done and never in the list.
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByTestId("token-secret")).toHaveCount(0);
  await expect(page.getByText("wall_")).toHaveCount(0);
  await page.getByRole("button", { name: "Revoke wall token lobby" }).click();
  await expect(admin.tokenRow("lobby")).toHaveAttribute("data-revoked", "true");

  await admin.tab("Audit").click();
  await expect(admin.auditRows("token").first()).toContainText("revoked wall token lobby");
  await expectNoSeriousA11yViolations(page);
});
