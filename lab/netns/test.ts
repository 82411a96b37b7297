// `npm run test:lab:netns` (root, keepalived): the netns lab (two directors, two VRRP instances, each
// director MASTER of one VIP) with the built hub and agents, checked through the hub's REST API, the
// namespaces' own `ip addr`, and Debian's Chromium (Playwright) on the topology page and the wall:
//   1 two instances on one pair: each director MASTER of its own VIP, its services under that VIP
//   2 SIGTERM to the MASTER's keepalived: the BACKUP becomes MASTER; the old MASTER preempts back
//   3 a director cut off the VRRP network: both MASTER (split brain) in alerts and banners, then healed
//   4 kill -9 of the MASTER's keepalived: its VIP stays, the hub reports it on two directors (alert,
//     split-brain banners on the topology page and the wall) until `ip addr del` removes it
//   5 everything the lab created is gone afterwards (namespaces, processes, files)
// Prints `N passed, M failed` last; exit 1 on any failure. LAB_KEEP=1 keeps logs and failure screenshots.
import { existsSync } from "node:fs";
import { expect } from "@playwright/test";
import type { Alert, ClusterResponse } from "@lvsdeck/protocol";
import { WallPage } from "../../e2e/pages/WallPage";
import { hubClient } from "./lib/hub";
import { electedAsPlanned, startLab } from "./lib/lab";
import type { LabDirector } from "./lib/lab";
import { CHROMIUM, HUB_MS, POLL_MS, SCREEN_MS, STARTUP_MS, createLabTestRun, exitUnlessLabCanRun, signedInBrowser } from "./lib/labTestRun";
import { addressesIn, deleteAddress, setOnBridge } from "./lib/network";
import type { InstancePlan } from "./lib/plan";
import { VrrpTopologyPage } from "./pages/VrrpTopologyPage";
import { parseCommandLine } from "../../scripts/commandLine.mjs";

parseCommandLine("npm run test:lab:netns", `usage: npm run test:lab:netns
Real keepalived in network namespaces: election, failover, split brain and more, checked through the hub and in Chromium. Needs root.`);

/** Hard limit of the whole run (ms): CI must never hang on a stuck daemon or browser. */
const RUN_LIMIT_MS = 170_000;
/** How much newer both directors' data must be before the split-brain alert is checked to still hold: three agent ticks (ms). */
const ALERT_HOLDS_MS = 3_000;
const PREFIX = "lvsdk-labt-";

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** Waits, through Playwright's `toPass`, until `probe` returns a truthy value, and returns that value. */
async function until<T>(what: string, probe: () => Promise<T> | T, timeoutMs: number): Promise<NonNullable<T>> {
  let value: T | undefined;
  await expect(async () => {
    value = await probe();
    expect(value, `waiting for ${what}`).toBeTruthy();
  }).toPass({ timeout: timeoutMs, intervals: [POLL_MS] });
  return value as NonNullable<T>;
}

exitUnlessLabCanRun(() => (existsSync(CHROMIUM) ? null : `no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`));
const t0 = Date.now();
const run = createLabTestRun({ prefix: PREFIX, limitMs: RUN_LIMIT_MS });
const { log, test, timings, since, teardown } = run;

const vrrpState = (cluster: ClusterResponse, director: string, instance: string) =>
  cluster.directors.find((d) => d.id === director)?.snapshot?.vrrp.find((i) => i.name === instance)?.state;
const vipsOf = (cluster: ClusterResponse, director: string) => cluster.directors.find((d) => d.id === director)?.snapshot?.vipsPresent ?? [];
const alertOf = (alerts: Alert[], rule: string, match: (a: Alert) => boolean = () => true) => alerts.find((a) => a.rule === rule && match(a));

try {
  const lab = await startLab({ prefix: PREFIX, directors: 2, instances: 2, port: 0, keepWork: process.env.LAB_KEEP === "1", log }, teardown);
  run.attach(lab);
  timings.labStarted = since(t0);
  log(`lab up: hub ${lab.hub.url}, work ${lab.work}`);
  const { plan } = lab;
  const api = await hubClient(lab.hub.url, lab.admin.user, lab.admin.password);
  const { browser, context } = await signedInBrowser(lab.hub.url, api.cookie, teardown);
  const topology = new VrrpTopologyPage(await context.newPage(), lab.hub.url);
  const wall = new WallPage(await (await browser.newContext({ viewport: { width: 1920, height: 1080 }, storageState: await context.storageState() })).newPage(), lab.hub.url);
  run.setPages([topology.page, wall.page]);
  await Promise.all([topology.open(), wall.open()]);

  // Two directors and two instances, as asked for above.
  const [d1, d2] = lab.directors as [LabDirector, LabDirector];
  const [vi88, vi89] = plan.instances as [InstancePlan, InstancePlan];
  const [id1, id2] = [d1.plan.id, d2.plan.id];
  const electedAsPlannedInHub = async () => electedAsPlanned(plan, await api.cluster());
  /** The screen shows every instance's planned MASTER and BACKUP. */
  const showsPlannedElection = async () => {
    for (const instance of plan.instances) {
      for (const member of instance.members) {
        const card = topology.director(instance.vrid, member.director);
        await expect(card).toHaveAttribute("data-state", member.director === instance.master ? "MASTER" : "BACKUP", { timeout: SCREEN_MS });
        await expect(card).toHaveAttribute("data-stale", "false");
      }
      await expect(wall.tile(instance.vip)).toHaveAttribute("data-master", instance.master, { timeout: SCREEN_MS });
    }
  };

  await test("1 two VRRP instances on one pair: each director is MASTER of its own VIP, in the hub and on screen", async () => {
    await until("both directors reporting the planned election", electedAsPlannedInHub, STARTUP_MS);
    timings.electedInHub = since(t0);
    const cluster = await api.cluster();
    for (const instance of plan.instances) {
      for (const director of lab.directors) {
        const holds = addressesIn(director.plan.ns).includes(instance.vip);
        const master = director.plan.id === instance.master;
        assert(holds === master, `${director.plan.id} ${holds ? "holds" : "lacks"} ${instance.vip} in its namespace`);
        assert(vipsOf(cluster, director.plan.id).includes(instance.vip) === master, `the hub says ${director.plan.id} ${master ? "lacks" : "holds"} ${instance.vip}`);
      }
    }
    await showsPlannedElection();
    // The recorded services are under the VIP whose address they have, not under the other instance.
    await expect(topology.service(vi88.vrid, `TCP ${vi88.vip}:80`)).toBeVisible();
    await expect(topology.service(vi89.vrid, `TCP ${vi89.vip}:80`)).toBeVisible();
    await expect(topology.service(vi88.vrid, `TCP ${vi89.vip}:80`)).toHaveCount(0);
    await expect(topology.service(vi89.vrid, `TCP ${vi88.vip}:80`)).toHaveCount(0);
    const alerts = await api.alerts();
    assert(alerts.every((a) => a.severity !== "critical"), `critical alerts on a healthy pair: ${alerts.map((a) => a.message).join("; ")}`);
    timings.shownOnScreen = since(t0);
  });

  await test("2 SIGTERM to the MASTER's keepalived makes the BACKUP MASTER in /api/cluster and on screen; it preempts back", async () => {
    const stopped = Date.now();
    await d1.keepalived.stop();
    await until(`${id2} MASTER of ${vi88.name} with ${vi88.vip}`, async () => {
      const c = await api.cluster();
      return vrrpState(c, id2, vi88.name) === "MASTER" && vipsOf(c, id2).includes(vi88.vip) && vrrpState(c, id1, vi88.name) !== "MASTER";
    }, HUB_MS);
    timings.failoverInHub = since(stopped);
    assert(addressesIn(d2.plan.ns).includes(vi88.vip), `${vi88.vip} is not on ${id2}`);
    assert(!addressesIn(d1.plan.ns).includes(vi88.vip), `${vi88.vip} is still on ${id1}`);
    await expect(topology.director(vi88.vrid, id2)).toHaveAttribute("data-state", "MASTER", { timeout: SCREEN_MS });
    await expect(topology.director(vi88.vrid, id1)).not.toHaveAttribute("data-state", "MASTER");
    await expect(wall.tile(vi88.vip)).toHaveAttribute("data-master", id2, { timeout: SCREEN_MS });
    await expect(wall.banner("failover")).toContainText(`MASTER moved from ${id1} to ${id2}`, { timeout: SCREEN_MS });
    timings.failoverOnScreen = since(stopped);
    const restarted = Date.now();
    d1.keepalived.start();
    await until("the planned election again", electedAsPlannedInHub, HUB_MS);
    await showsPlannedElection();
    timings.preemptBackOnScreen = since(restarted);
  });

  await test("3 a director cut off the VRRP network: both MASTER, split-brain alert and banners; healed when it is back", async () => {
    const cut = Date.now();
    setOnBridge(plan, d2.plan.ns, false);
    try {
      const both = (a: Alert) => a.message.includes(id1) && a.message.includes(id2);
      await until("split-brain alerts for both instances", async () => {
        const alerts = await api.alerts();
        return plan.instances.every((i) => alertOf(alerts, "split-brain", (a) => a.scope.vrid === i.vrid && both(a)));
      }, HUB_MS);
      timings.splitBrainAlert = since(cut);
      await expect(wall.banner("split-brain").first()).toContainText(`VRID ${vi88.vrid}`, { timeout: SCREEN_MS });
      await expect(topology.banner("split-brain").first()).toBeVisible({ timeout: SCREEN_MS });
      await expect(topology.alert("split-brain")).toHaveCount(2, { timeout: SCREEN_MS });
      timings.splitBrainOnScreen = since(cut);
    } finally {
      setOnBridge(plan, d2.plan.ns, true);
    }
    const healed = Date.now();
    await until("the planned election and no split-brain alert", async () => (await electedAsPlannedInHub()) && alertOf(await api.alerts(), "split-brain") === undefined, HUB_MS);
    timings.healedInHub = since(healed);
    await expect(wall.banner("split-brain")).toHaveCount(0, { timeout: SCREEN_MS });
    await expect(topology.alert("split-brain")).toHaveCount(0, { timeout: SCREEN_MS });
    await showsPlannedElection();
    timings.healedOnScreen = since(healed);
  });

  await test("4 kill -9 of the MASTER's keepalived leaves its VIP: the hub reports it on two directors until ip addr del", async () => {
    const killed = Date.now();
    await d1.keepalived.kill9();
    await until(`${id2} MASTER of ${vi88.name}`, async () => vrrpState(await api.cluster(), id2, vi88.name) === "MASTER", HUB_MS);
    // The layer-3 split brain itself: nobody removed the dead MASTER's VIP.
    assert(addressesIn(d1.plan.ns).includes(vi88.vip), `${vi88.vip} left ${id1} although its keepalived got SIGKILL`);
    assert(addressesIn(d2.plan.ns).includes(vi88.vip), `${vi88.vip} is not on ${id2}`);
    const onTwo = (alerts: Alert[]) => alertOf(alerts, "vip-on-two-directors", (a) => a.scope.vip === vi88.vip && a.message.includes(id1) && a.message.includes(id2));
    const alert = await until(`a vip-on-two-directors alert for ${vi88.vip}`, async () => onTwo(await api.alerts()), HUB_MS);
    timings.vipOnTwoAlert = since(killed);
    log(`  alert: ${alert.severity} ${alert.message}`);
    const cluster = await api.cluster();
    assert(vipsOf(cluster, id1).includes(vi88.vip) && vipsOf(cluster, id2).includes(vi88.vip), `the hub does not show ${vi88.vip} on both directors`);
    await expect(topology.alert("vip-on-two-directors")).toContainText(vi88.vip, { timeout: SCREEN_MS });
    await expect(topology.director(vi88.vrid, id2)).toHaveAttribute("data-state", "MASTER");
    await expect(wall.tile(vi88.vip)).toHaveAttribute("data-master", id2, { timeout: SCREEN_MS });
    // VRRP looks healthy (one MASTER); the VIP on two directors is the split brain, and both pages say so.
    const leftBehind = `VIP ${vi88.vip} is on ${id1} and ${id2}`;
    await expect(wall.banner("split-brain").filter({ hasText: leftBehind })).toHaveCount(1, { timeout: SCREEN_MS });
    await expect(topology.banner("split-brain").filter({ hasText: leftBehind })).toHaveCount(1, { timeout: SCREEN_MS });
    // Still there once both agents have reported three more ticks: the alert holds as long as the VIP does.
    const mark = Date.now();
    await until("three more reports from both directors", async () => (await api.cluster()).directors.every((d) => (d.receivedAt ?? 0) >= mark + ALERT_HOLDS_MS), HUB_MS);
    assert(onTwo(await api.alerts()) !== undefined, "the alert cleared while the VIP is still on two directors");
    const removed = Date.now();
    deleteAddress(d1.plan.ns, vi88.vip);
    await until("the alert cleared", async () => onTwo(await api.alerts()) === undefined, HUB_MS);
    timings.vipOnTwoCleared = since(removed);
    assert(!vipsOf(await api.cluster(), id1).includes(vi88.vip), `the hub still shows ${vi88.vip} on ${id1}`);
    await expect(topology.alert("vip-on-two-directors")).toHaveCount(0, { timeout: SCREEN_MS });
    await expect(wall.banner("split-brain")).toHaveCount(0, { timeout: SCREEN_MS });
    await expect(topology.banner("split-brain")).toHaveCount(0, { timeout: SCREEN_MS });
  });
} catch (err) {
  // Stopped half-way by a signal: its handler is removing the lab and exits.
  if (teardown.stopping()) await new Promise(() => undefined);
  run.fail("setup", err);
}
await run.finish();
