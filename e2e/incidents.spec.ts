import { readFileSync } from "node:fs";
import { expect, test } from "./fixtures";

test("a failover becomes an incident: titled by its cause, noted, renamed, exported, and opened read-only from the file", async ({ page, cluster, dashboard }) => {
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  await dashboard.simButton("Stop lvs-dir-01").click();
  await expect(dashboard.director("lvs-dir-02")).toHaveAttribute("data-state", "MASTER", { timeout: 10_000 });

  await dashboard.nav("Incidents").click();
  const item = page.getByTestId("incident-item").filter({ hasText: "lvs-dir-02 became MASTER: lvs-dir-01 resigned with a priority-0 advert" });
  await expect(item).toBeVisible({ timeout: 15_000 });
  await item.getByRole("link").click();
  await expect(page).toHaveURL(/\/incidents\?id=\d+$/);
  const permalink = page.url();
  const incident = page.getByTestId("incident");
  await expect(incident.getByTestId("incident-event").filter({ hasText: "MASTER → STOP" }).getByTestId("event-cause")).toHaveText("why: keepalived stopped on lvs-dir-01");

  // The demo admin is an operator too: a note and a title, audited by the hub.
  await page.getByLabel("Add a note").fill("lvs-dir-01 stopped for a kernel upgrade (CHG-1042)");
  await page.getByRole("button", { name: "Add note" }).click();
  await expect(incident.getByTestId("incident-note")).toContainText("CHG-1042");
  await page.getByRole("button", { name: "Rename" }).click();
  await page.getByLabel("Title").fill("Kernel upgrade of lvs-dir-01");
  await page.getByRole("button", { name: "Save title" }).click();
  await expect(page.getByRole("heading", { name: /Kernel upgrade of lvs-dir-01/ })).toBeVisible();

  // The permalink shows the same to a colleague.
  const other = await page.context().newPage();
  await other.goto(permalink);
  await expect(other.getByTestId("incident-note")).toContainText("CHG-1042", { timeout: 10_000 });
  await other.close();

  const [markdown] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export summary (Markdown)" }).click()]);
  const summary = readFileSync(await markdown.path(), "utf8");
  expect(summary).toContain("# Kernel upgrade of lvs-dir-01");
  expect(summary).toContain("why: lvs-dir-01 resigned with a priority-0 advert: keepalived stopping");
  expect(summary).toContain("CHG-1042");
  const [json] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export bundle (JSON)" }).click()]);
  const bundlePath = await json.path();

  // Opened later from the file: read-only, nothing to write with, the same events and notes.
  await page.goto(`${cluster.url}/incidents?view=bundle`);
  await page.getByLabel("Bundle file (.json)").setInputFiles(bundlePath);
  await expect(page.getByTestId("bundle-source")).toContainText("Read-only, from");
  await expect(page.getByRole("heading", { name: "Kernel upgrade of lvs-dir-01" })).toBeVisible();
  await expect(page.getByTestId("incident-note")).toContainText("CHG-1042");
  // The cluster just before the incident and at its end, as the bundle keeps them.
  const state = (label: string, director: string) => page.locator(".incident-states", { has: page.getByRole("heading", { name: label }) }).locator(`[data-testid="incident-state"][data-director="${director}"]`);
  await expect(state("Before", "lvs-dir-01")).toHaveAttribute("data-state", "MASTER");
  await expect(state("After", "lvs-dir-02")).toHaveAttribute("data-state", "MASTER");
  await expect(page.getByTestId("incident-event").filter({ hasText: "MASTER → STOP" }).getByTestId("event-cause")).toHaveText("why: keepalived stopped on lvs-dir-01");
  await expect(page.getByLabel("Add a note")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Rename" })).toHaveCount(0);

  await page.getByLabel("Bundle file (.json)").setInputFiles({ name: "other.json", mimeType: "application/json", buffer: Buffer.from('{"format":"something else"}') });
  await expect(page.getByRole("alert")).toContainText("other.json: not an lvsdeck incident bundle");
});
