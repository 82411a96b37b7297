import { expect, test } from "./fixtures";
import type { DemoCluster } from "./fixtures";

// Keys and drags make a draft; only Apply or Enter sends it. Home no longer drains a server on its
// own, Undo takes a change back for 30 s, and Restore returns to the last weight someone applied.
const WEB = "TCP 192.168.50.101:80";
const RS = "10.50.0.21:8080";

/** The weight each director reports for the real server, and how many weight changes the audit log holds for it. */
async function onHub(cluster: DemoCluster): Promise<{ weights: number[]; audited: number }> {
  const { directors } = (await (await cluster.api("/api/cluster")).json()) as { directors: { snapshot: { services: { key: string; realServers: { key: string; weight: number }[] }[] } | null }[] };
  const weights = directors.flatMap((d) => d.snapshot?.services.find((s) => s.key === WEB)?.realServers.filter((r) => r.key === RS).map((r) => r.weight) ?? []);
  const { records } = (await (await cluster.api("/api/audit")).json()) as { records: { action: string; realServer: string | null }[] };
  return { weights, audited: records.filter((r) => ["weight", "drain", "restore"].includes(r.action) && r.realServer === RS).length };
}

test("keys only move a draft: Home asks before draining, Escape discards, Enter applies once, Undo and Restore go back to deliberate weights", async ({ dashboard, cluster }) => {
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  const row = dashboard.realServer(WEB, RS);
  await expect(row).toHaveAttribute("data-weight", "1");
  const slider = dashboard.weightSlider(WEB, RS);
  const draft = dashboard.weightDraft(WEB, RS);

  await slider.focus();
  for (let i = 0; i < 3; i++) await slider.press("ArrowRight");
  await expect(draft).toHaveText("1 → 4 on lvs-dir-01, lvs-dir-02");
  await expect(row.getByTestId("expected-share")).toBeVisible();
  await slider.press("Home");
  await expect(draft).toHaveText("1 → 0 (drain) on lvs-dir-01, lvs-dir-02");
  await slider.press("Enter");
  await expect(row.getByRole("alert")).toContainText(`Weight 0 drains ${RS}`);
  // Nothing was sent by any of those keys.
  expect(await onHub(cluster)).toEqual({ weights: [1, 1], audited: 0 });
  await row.getByRole("button", { name: "Keep 1" }).click();
  await expect(draft).toHaveCount(0);

  await slider.focus();
  await slider.press("End");
  await expect(draft).toContainText("1 → 10");
  await slider.press("Escape");
  await expect(draft).toHaveCount(0);
  await expect(slider).toHaveValue("1");
  expect(await onHub(cluster)).toEqual({ weights: [1, 1], audited: 0 });

  const number = row.getByRole("spinbutton");
  await number.fill("5");
  await expect(draft).toHaveText("1 → 5 on lvs-dir-01, lvs-dir-02");
  await number.press("Enter");
  await expect(row.getByTestId("weight-result")).toHaveAttribute("data-state", "applied");
  await expect.poll(() => onHub(cluster)).toEqual({ weights: [5, 5], audited: 1 });

  const undo = dashboard.undoButton(WEB, RS);
  await expect(undo).toHaveText(/^Undo \((30|29|28) s\)$/);
  await undo.click();
  await expect.poll(() => onHub(cluster)).toEqual({ weights: [1, 1], audited: 2 });
  await expect(row).toHaveAttribute("data-weight", "1");

  await number.fill("5");
  await number.press("Enter");
  await expect.poll(() => onHub(cluster)).toEqual({ weights: [5, 5], audited: 3 });
  // A few accidental key presses, discarded: Restore must not remember them.
  await slider.focus();
  for (let i = 0; i < 3; i++) await slider.press("ArrowRight");
  await slider.press("Escape");
  await dashboard.drainButton(WEB, RS).click();
  await expect(row).toHaveAttribute("data-weight", "0");
  await expect(dashboard.restoreButton(WEB, RS)).toHaveText("Restore to 5");
});

test("an answer lost on its way back: the browser sends the same request id again, shows the hub's first answer, and the weight is changed once", async ({ dashboard, cluster, page }) => {
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  const sent: string[] = [];
  await page.route("**/api/weights", async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    sent.push((route.request().postDataJSON() as { requestId: string }).requestId);
    if (sent.length > 1) return route.continue();
    // The hub gets the first request and applies it; its answer never reaches the browser.
    await route.fetch();
    return route.abort("connectionreset");
  });
  const row = dashboard.realServer(WEB, RS);
  const number = row.getByRole("spinbutton");
  await number.fill("6");
  await number.press("Enter");
  await expect(row.getByTestId("weight-result")).toHaveAttribute("data-state", "applied");
  expect(sent).toHaveLength(2);
  expect(sent[1]).toBe(sent[0]);
  await expect.poll(() => onHub(cluster)).toEqual({ weights: [6, 6], audited: 1 });
});
