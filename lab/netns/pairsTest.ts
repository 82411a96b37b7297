// Part of `npm run test:lab:netns` (root, keepalived): two independent keepalived pairs on separate L2
// segments that both use VRID 88, as real fleets reuse VRIDs (one is unique per segment only), with the
// built hub and agents, checked through the hub's REST API and in Debian's Chromium:
//   1 both pairs healthy: two groups, one MASTER each, and no split brain or "no MASTER" anywhere
//   2 a real split brain in pair B (pb2 cut off its segment): named for pair B only; pair A stays OK
//   3 everything the lab created is gone afterwards
// LAB_SCREENSHOTS=1 also writes the wall in both states to docs/screenshots/ (the README shows them).
import { join } from "node:path";
import { expect } from "@playwright/test";
import type { Alert, ClusterResponse } from "@lvsdeck/protocol";
import { WallPage } from "../../e2e/pages/WallPage";
import { REPO_ROOT, hubClient } from "./lib/hub";
import { electedAsPlanned, startLab } from "./lib/lab";
import type { LabDirector } from "./lib/lab";
import { HUB_MS, POLL_MS, SCREEN_MS, STARTUP_MS, createLabTestRun, exitUnlessLabCanRun, signedInBrowser } from "./lib/labTestRun";
import { setOnBridge } from "./lib/network";
import type { InstancePlan } from "./lib/plan";
import { VrrpTopologyPage } from "./pages/VrrpTopologyPage";
import { parseCommandLine } from "../../scripts/commandLine.mjs";

parseCommandLine("node --import tsx lab/netns/pairsTest.ts", `usage: node --import tsx lab/netns/pairsTest.ts
Two keepalived pairs reusing VRID 88 on separate segments: two healthy tiles, then a split brain in one pair only. Needs root; LAB_SCREENSHOTS=1 writes the wall screenshots to docs/screenshots.`);

/** Hard limit of the whole run (ms): CI must never hang on a stuck daemon or browser. */
const RUN_LIMIT_MS = 150_000;
const PREFIX = "lvsdk-labp-";
const DIRECTORS = ["pa1", "pa2", "pb1", "pb2"] as const;
/** The verdicts that must never appear for healthy pairs. */
const SPLIT_OR_NO_MASTER = new Set(["split-brain", "no-master", "vip-on-two-directors"]);

exitUnlessLabCanRun();
const run = createLabTestRun({ prefix: PREFIX, limitMs: RUN_LIMIT_MS });
const { log, test, timings, since } = run;
const poll = { timeout: HUB_MS, intervals: [POLL_MS] };
const vrrpTrouble = (alerts: Alert[]) => alerts.filter((a) => SPLIT_OR_NO_MASTER.has(a.rule));
const shots = process.env.LAB_SCREENSHOTS === "1";

try {
  const lab = await startLab(
    { prefix: PREFIX, directors: 4, instances: 1, segments: 2, directorId: (i) => DIRECTORS[i - 1] ?? `p${i}`, port: 0, keepWork: process.env.LAB_KEEP === "1", log },
    run.teardown,
  );
  run.attach(lab);
  log(`lab up: hub ${lab.hub.url}, work ${lab.work}`);
  const { plan } = lab;
  const api = await hubClient(lab.hub.url, lab.admin.user, lab.admin.password);
  const { browser, context } = await signedInBrowser(lab.hub.url, api.cookie, run.teardown);
  const topology = new VrrpTopologyPage(await context.newPage(), lab.hub.url);
  const wall = new WallPage(await (await browser.newContext({ viewport: { width: 1920, height: 1080 }, storageState: await context.storageState() })).newPage(), lab.hub.url);
  run.setPages([topology.page, wall.page]);
  await Promise.all([topology.open(), wall.open()]);

  const [pairA, pairB] = plan.instances as [InstancePlan, InstancePlan];
  const pb2 = lab.directors.find((d) => d.plan.id === "pb2") as LabDirector;
  const groupsOf = (cluster: ClusterResponse, vrid: number) => cluster.health.groups.filter((g) => g.vrid === vrid);
  const tileState = (vip: string) => wall.tile(vip).getByTestId("wall-tile-state");

  const started = Date.now();
  await test("1 two healthy pairs reusing VRID 88 on separate segments: two groups, no split brain or no MASTER anywhere", async () => {
    await expect.poll(async () => electedAsPlanned(plan, await api.cluster()), { ...poll, timeout: STARTUP_MS }).toBe(true);
    timings.electedInHub = since(started);
    const cluster = await api.cluster();
    const groups = groupsOf(cluster, pairA.vrid);
    expect(groups.map((g) => [...g.vips].sort().join(" ")).sort()).toEqual([pairA.vip, pairB.vip]);
    expect(cluster.health.verdicts.filter((v) => SPLIT_OR_NO_MASTER.has(v.kind))).toEqual([]);
    expect(vrrpTrouble(await api.alerts())).toEqual([]);
    for (const pair of [pairA, pairB]) {
      for (const member of pair.members) {
        await expect(topology.groupOf(pair.vip).locator(`[data-testid="director"][data-director="${member.director}"]`)).toHaveAttribute("data-state", member.initialState, { timeout: SCREEN_MS });
      }
      await expect(topology.groupOf(pair.vip)).toHaveAttribute("data-status", "ok");
      await expect(wall.tile(pair.vip)).toHaveAttribute("data-master", pair.master, { timeout: SCREEN_MS });
      await expect(tileState(pair.vip)).toHaveText("OK");
    }
    await expect(topology.page.locator(`[data-testid="vrrp-group"][data-vrid="${pairA.vrid}"]`)).toHaveCount(2);
    // Nothing moved either: each pair's MASTER has held its VIP since the lab started.
    for (const kind of ["split-brain", "no-master", "failover"]) {
      await expect(topology.banner(kind)).toHaveCount(0);
      await expect(wall.banner(kind)).toHaveCount(0);
    }
    await expect(wall.page.getByText(/split brain|no MASTER/i)).toHaveCount(0);
    if (shots) await wall.page.screenshot({ path: join(REPO_ROOT, "docs/screenshots/wall-reused-vrid.png") });
  });

  await test("2 a split brain in pair B is named for pair B only; pair A stays OK everywhere", async () => {
    const cut = Date.now();
    setOnBridge(plan, pb2.plan.ns, false);
    try {
      const splitOfB = (alerts: Alert[]) => alerts.filter((a) => a.rule === "split-brain" && a.message.includes("pb1") && a.message.includes("pb2"));
      await expect.poll(async () => splitOfB(await api.alerts()).length, poll).toBeGreaterThan(0);
      timings.splitBrainAlert = since(cut);
      const alerts = vrrpTrouble(await api.alerts());
      expect(alerts.filter((a) => a.message.includes("pa1") || a.message.includes("pa2"))).toEqual([]);
      await expect(tileState(pairB.vip)).toHaveText("SPLIT BRAIN", { timeout: SCREEN_MS });
      await expect(tileState(pairA.vip)).toHaveText("OK");
      await expect(wall.tile(pairA.vip)).toHaveAttribute("data-master", pairA.master);
      await expect(wall.banner("split-brain").first()).toContainText("pb1", { timeout: SCREEN_MS });
      await expect(wall.banner("split-brain").filter({ hasText: /pa[12]/ })).toHaveCount(0);
      // A second MASTER beside one that stays is no failover: nothing says the MASTER moved.
      await expect(wall.banner("failover")).toHaveCount(0);
      await expect(topology.groupOf(pairB.vip)).toHaveAttribute("data-status", "split-brain", { timeout: SCREEN_MS });
      await expect(topology.groupOf(pairA.vip)).toHaveAttribute("data-status", "ok");
      await expect(topology.banner("split-brain").first()).toBeVisible();
      await expect(topology.banner("split-brain").filter({ hasText: /pa[12]/ })).toHaveCount(0);
      timings.splitBrainOnScreen = since(cut);
      if (shots) await wall.page.screenshot({ path: join(REPO_ROOT, "docs/screenshots/wall-split-brain-one-pair.png") });
    } finally {
      setOnBridge(plan, pb2.plan.ns, true);
    }
    await expect.poll(async () => electedAsPlanned(plan, await api.cluster()) && vrrpTrouble(await api.alerts()).length === 0, poll).toBe(true);
    await expect(tileState(pairB.vip)).toHaveText("OK", { timeout: SCREEN_MS });
    await expect(wall.banner("split-brain")).toHaveCount(0, { timeout: SCREEN_MS });
  });
} catch (err) {
  // Stopped half-way by a signal: its handler is removing the lab and exits.
  if (run.teardown.stopping()) await new Promise(() => undefined);
  run.fail("setup", err);
}
await run.finish();
