import { expect, test } from "./fixtures";

const SEED = "TCP 192.168.50.100:443";
const WEB = "TCP 192.168.50.101:80";

test("shows both directors with lvs-dir-01 as MASTER, both fresh", async ({ dashboard }) => {
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  await expect(dashboard.director("lvs-dir-02")).toHaveAttribute("data-state", "BACKUP");
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-stale", "false");
  await expect(dashboard.director("lvs-dir-02")).toHaveAttribute("data-stale", "false");
  await expect(dashboard.realServer(SEED, "192.168.50.11:443")).toHaveAttribute("data-weight", "2");
  await expect(dashboard.realServer(SEED, "192.168.50.12:443")).toHaveAttribute("data-weight", "2");
  // The agents stream per-state connection counts: each row names its busiest states.
  await expect(dashboard.realServer(SEED, "192.168.50.11:443").getByTestId("rs-states")).toHaveAttribute("title", /ESTABLISHED \d+/, { timeout: 15_000 });
});

test("stopping the MASTER director makes lvs-dir-02 MASTER on screen within 5 s", async ({ dashboard }) => {
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  await dashboard.simButton("Stop lvs-dir-01").click();
  await expect(dashboard.director("lvs-dir-02")).toHaveAttribute("data-state", "MASTER", { timeout: 5_000 });
  await expect(dashboard.director("lvs-dir-01")).not.toHaveAttribute("data-state", "MASTER");
});

test("dragging a weight slider changes the weight on both directors and the traffic follows", async ({ dashboard }) => {
  const rs = "10.50.0.21:8080";
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  const row = dashboard.realServer(WEB, rs);
  await expect(row).toHaveAttribute("data-weight", "1");
  const cpsShare = async () => {
    const rows = dashboard.page.locator(`[data-testid="real-server"][data-service="${WEB}"]`);
    const values = await rows.evaluateAll((els) => els.map((el) => [el.getAttribute("data-real-server"), Number(el.getAttribute("data-cps"))] as const));
    const total = values.reduce((sum, [, cps]) => sum + cps, 0);
    return total === 0 ? 0 : (values.find(([key]) => key === rs)?.[1] ?? 0) / total;
  };
  // wlc with weights 1:1:2 gives this server about a quarter of new connections.
  await expect.poll(cpsShare, { timeout: 20_000 }).toBeLessThan(0.4);

  await dashboard.dragWeight(WEB, rs, 8);
  // Exactly 8, whatever pixel the pointer landed on: typed into the draft before applying.
  await row.getByRole("spinbutton").fill("8");
  await dashboard.applyButton(WEB, rs).click();
  await expect(row.getByTestId("expected-share").or(row.getByTestId("weight-pending")).or(row.getByTestId("weight-result")).first()).toBeVisible();
  await expect(row.getByTestId("weight-result")).toHaveAttribute("data-state", "applied", { timeout: 10_000 });
  await expect(row.getByTestId("weight-result")).toContainText("lvs-dir-02");
  await expect(row).toHaveAttribute("data-weight", "8");
  // 8:1:2 under wlc: about 8/11 of new connections.
  await expect.poll(cpsShare, { timeout: 30_000, intervals: [1000] }).toBeGreaterThan(0.6);
});

test("an operator sees the expected share while dragging, before anything is sent", async ({ dashboard }) => {
  await expect(dashboard.director("lvs-dir-01")).toHaveAttribute("data-state", "MASTER", { timeout: 15_000 });
  const rs = "192.168.50.11:443";
  const slider = dashboard.weightSlider(SEED, rs);
  const box = await dashboard.pressSlider(slider);
  await dashboard.holdAt(slider, box, 6);
  // wrr 6:2 while dragging: 75% of new connections.
  await expect(dashboard.realServer(SEED, rs).getByTestId("expected-share")).toContainText("75");
  await dashboard.page.mouse.up();
});
