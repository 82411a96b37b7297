// Part of `npm run test:lab:netns` (root, keepalived): why each VRRP transition happened, read by the
// hub from real keepalived's dumps. One pair (lvs-dir-01 priority 200, lvs-dir-02 priority 100, VRID 88);
// each director tracks a script (weight -150) and an interface (weight 0), and its agent reads the data
// dump. Checked through the hub's event log and in Debian's Chromium on the timeline:
//   1 both directors report their tracks, all good
//   2 a failing track script: lvs-dir-01 drops to 50 and yields; both transitions name the script; back again by preemption
//   3 a downed tracked interface: lvs-dir-01 goes FAULT (named), lvs-dir-02 takes over on its priority-0 advert
//   4 planned failover: lvsdeck's preflight, then its failover file (keepalived's track_file, weight 1) moves
//     MASTER to lvs-dir-02 with the file named as the cause; releasing it moves MASTER back by preemption
//   5 a stopped peer (SIGTERM): a priority-0 advert; kill -9: no adverts for the down timer
//   6 everything the lab created is gone afterwards
// LAB_SCREENSHOTS=1 also writes the timeline with its cause lines to docs/screenshots/ and the incident's
// Markdown summary to docs/incident-example.md (the README shows both).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "@playwright/test";
import type { HubEvent, TransitionCause, VrrpState } from "@lvsdeck/protocol";
import { TimelinePage } from "../../e2e/pages/TimelinePage";
import { REPO_ROOT, hubClient } from "./lib/hub";
import { electedAsPlanned, startLab } from "./lib/lab";
import type { LabDirector } from "./lib/lab";
import { HUB_MS, POLL_MS, SCREEN_MS, STARTUP_MS, createLabTestRun, exitUnlessLabCanRun, signedInBrowser } from "./lib/labTestRun";
import { TRACKED_INTERFACE, TRACK_SCRIPT } from "./lib/keepalived";
import { FAILOVER_HOLD_VALUE, FAILOVER_TRACK_NAME } from "@lvsdeck/protocol";
import { parseCommandLine } from "../../scripts/commandLine.mjs";
import { incidentMarkdown } from "../../apps/web/src/features/incidents/incidentMarkdown";

parseCommandLine("node --import tsx lab/netns/causesTest.ts", `usage: node --import tsx lab/netns/causesTest.ts
Real keepalived with a tracked script and interface: a failing script, a downed interface, a stopped and a killed peer, and preemption, each with its cause on the hub and the timeline. Needs root; LAB_SCREENSHOTS=1 writes the timeline screenshot to docs/screenshots.`);

/** Hard limit of the whole run (ms): CI must never hang on a stuck daemon or browser. */
const RUN_LIMIT_MS = 240_000;
const PREFIX = "lvsdk-labc-";

exitUnlessLabCanRun();
const run = createLabTestRun({ prefix: PREFIX, limitMs: RUN_LIMIT_MS });
const { log, test, timings, since } = run;
const poll = { timeout: HUB_MS, intervals: [POLL_MS] };
const shots = process.env.LAB_SCREENSHOTS === "1";

try {
  const lab = await startLab({ prefix: PREFIX, directors: 2, instances: 1, port: 0, tracks: true, keepWork: process.env.LAB_KEEP === "1", log }, run.teardown);
  run.attach(lab);
  log(`lab up: hub ${lab.hub.url}, work ${lab.work}`);
  const { plan } = lab;
  const api = await hubClient(lab.hub.url, lab.admin.user, lab.admin.password);
  const { context } = await signedInBrowser(lab.hub.url, api.cookie, run.teardown);
  const timeline = new TimelinePage(await context.newPage(), lab.hub.url);
  run.setPages([timeline.page]);
  await timeline.open();

  const [d1, d2] = lab.directors as [LabDirector, LabDirector];
  const [id1, id2] = [d1.plan.id, d2.plan.id];
  const electedAsPlannedInHub = async () => electedAsPlanned(plan, await api.cluster());

  /** The cause the hub stored for `director`'s transition from → to seen at or after `since`, once it has one. */
  const causeOf = async (director: string, from: VrrpState, to: VrrpState, after: number): Promise<TransitionCause> => {
    let found: TransitionCause | undefined;
    const transition = (e: HubEvent) => e.event.kind === "vrrp-transition" && e.event.from === from && e.event.to === to && e.receivedAt >= after;
    await expect
      .poll(async () => {
        const event = (await api.events(director)).findLast(transition)?.event;
        found = event?.kind === "vrrp-transition" ? event.cause : undefined;
        return found !== undefined;
      }, { ...poll, message: `a cause for ${director} ${from} → ${to}` })
      .toBe(true);
    log(`  ${director} ${from} → ${to}: ${found?.kind}: ${found?.text}`);
    return found as TransitionCause;
  };
  const backToPlan = async () => expect.poll(electedAsPlannedInHub, poll).toBe(true);

  await test("1 both directors report their tracked script and interface, all good", async () => {
    await expect.poll(electedAsPlannedInHub, { ...poll, timeout: STARTUP_MS }).toBe(true);
    await expect
      .poll(async () => {
        const cluster = await api.cluster();
        return cluster.directors.map((d) => (d.snapshot?.vrrp[0]?.tracks ?? []).map((t) => `${t.name}:${t.status}`).join(" ")).sort();
      }, poll)
      .toEqual([`${TRACK_SCRIPT.name}:good ${TRACKED_INTERFACE}:good ${FAILOVER_TRACK_NAME}:good`, `${TRACK_SCRIPT.name}:good ${TRACKED_INTERFACE}:good ${FAILOVER_TRACK_NAME}:good`]);
  });

  await test("2 a failing track script: both transitions name it; the recovery is preemption", async () => {
    const failed = Date.now();
    d1.setCheck(false);
    try {
      const yielded = await causeOf(id1, "MASTER", "BACKUP", failed);
      expect(yielded.kind).toBe("track");
      expect(yielded.text).toContain(`${id1} priority 200 → 50: track_script ${TRACK_SCRIPT.name} failing (weight ${TRACK_SCRIPT.weight})`);
      const tookOver = await causeOf(id2, "BACKUP", "MASTER", failed);
      expect(tookOver.kind).toBe("peer-track");
      expect(tookOver.text).toContain(`track_script ${TRACK_SCRIPT.name} failing`);
      timings.scriptCauseInHub = since(failed);
      // keepalived's MASTER_PRIORITY line, written with notify_priority_changes, is on the timeline too.
      const priority = (await api.events(id1)).find((e) => e.event.kind === "vrrp-priority" && e.receivedAt >= failed)?.event;
      expect(priority).toMatchObject({ change: "changed", from: 200, to: 50 });
      await timeline.open();
      const line = timeline.events("vrrp-transition", id2).first().getByTestId("event-cause");
      await expect(line).toContainText(`why: ${id1} priority 200 → 50: track_script ${TRACK_SCRIPT.name} failing`, { timeout: SCREEN_MS });
      await expect(timeline.events("vrrp-transition", id1).first().getByTestId("event-cause")).toContainText(`why: ${id1} priority 200 → 50`);
      if (shots) await timeline.page.screenshot({ path: join(REPO_ROOT, "docs/screenshots/timeline-cause.png") });
    } finally {
      // A failed check must not leave the script failing for the checks after it.
      d1.setCheck(true);
    }
    const fixed = Date.now();
    const preempted = await causeOf(id1, "BACKUP", "MASTER", fixed);
    expect(preempted).toMatchObject({ kind: "preemption" });
    expect(preempted.text).toMatch(new RegExp(`^preempted ${id2}.* \\(priority 100 < ours 200\\)$`));
    const yieldedBack = await causeOf(id2, "MASTER", "BACKUP", fixed);
    expect(yieldedBack).toMatchObject({ kind: "preemption", text: `higher-priority advert from ${id1} (${d1.plan.address}): priority 200 > ours 100 (preemption)` });
    await backToPlan();

    // The failover and its way back are one incident, titled by the cause; its Markdown summary says why.
    const incident = (await api.incidents()).find((i) => i.title.includes(`track_script ${TRACK_SCRIPT.name} failing`));
    expect(incident, "an incident titled by the failing track script").toBeDefined();
    const markdown = incidentMarkdown(await api.bundle(incident?.id ?? 0));
    expect(markdown).toContain(`why: ${id1} priority 200 → 50: track_script ${TRACK_SCRIPT.name} failing (weight ${TRACK_SCRIPT.weight})`);
    expect(markdown).toContain(`why: higher-priority advert from ${id1} (${d1.plan.address}): priority 200 > ours 100 (preemption)`);
    if (shots) writeFileSync(join(REPO_ROOT, "docs/incident-example.md"), markdown);
  });

  await test("3 a downed tracked interface: FAULT named on lvs-dir-01, a priority-0 advert on lvs-dir-02", async () => {
    const down = Date.now();
    d1.setUplink(false);
    try {
      const fault = await causeOf(id1, "MASTER", "FAULT", down);
      expect(fault).toMatchObject({ kind: "track", text: `${id1} FAULT: track_interface ${TRACKED_INTERFACE} down` });
      const tookOver = await causeOf(id2, "BACKUP", "MASTER", down);
      expect(tookOver.kind).toBe("priority-zero");
      expect(tookOver.text).toContain(`${id1} (${d1.plan.address}) resigned with a priority-0 advert`);
      expect(tookOver.evidence.some((line) => line.startsWith("pri_zero_rcvd "))).toBe(true);
      timings.interfaceCauseInHub = since(down);
    } finally {
      d1.setUplink(true);
    }
    await backToPlan();
  });

  await test("4 planned failover: the preflight, then lvsdeck's failover file moves MASTER to lvs-dir-02 and back", async () => {
    const preflight = await api.preflight(id1);
    log(`  preflight: ${preflight.checks.map((c) => `${c.status} ${c.text}`).join(" | ")}`);
    expect(preflight).toMatchObject({ director: id1, takeover: id2, instances: [plan.instances[0]!.name], held: false, ready: true });
    expect(preflight.checks.find((c) => c.id.startsWith("backup:"))).toMatchObject({ status: "ok", text: expect.stringContaining(`${id2} takes over (BACKUP, priority 100, preempts, data current)`) });
    const moved = Date.now();
    const answer = await api.failover(id1, true, true);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    try {
      const yielded = await causeOf(id1, "MASTER", "BACKUP", moved);
      expect(yielded).toMatchObject({ kind: "track", text: expect.stringContaining(`${id1} priority 200 → 1: track_file ${FAILOVER_TRACK_NAME} = ${FAILOVER_HOLD_VALUE}`) });
      const tookOver = await causeOf(id2, "BACKUP", "MASTER", moved);
      expect(tookOver.kind).toBe("peer-track");
      timings.plannedFailoverInHub = since(moved);
      await expect.poll(async () => (await api.preflight(id1)).held, poll).toBe(true);
      const heldInstance = async () => {
        const instance = (await api.cluster()).directors.find((d) => d.id === id1)?.snapshot?.vrrp[0];
        return instance === undefined ? null : { state: instance.state, basePriority: instance.basePriority, effectivePriority: instance.effectivePriority };
      };
      await expect.poll(heldInstance, poll).toEqual({ state: "BACKUP", basePriority: 200, effectivePriority: 1 });
      // Held, lvs-dir-01 is no BACKUP to move lvs-dir-02's MASTER role to.
      expect((await api.failover(id2, true, true)).status).toBe(409);
    } finally {
      const back = await api.failover(id1, false, false);
      expect(back.status, JSON.stringify(back.body)).toBe(200);
    }
    const released = Date.now();
    expect(await causeOf(id1, "BACKUP", "MASTER", released)).toMatchObject({ kind: "preemption" });
    await backToPlan();
    expect((await api.preflight(id1)).held).toBe(false);
  });

  await test("5 a stopped peer sends a priority-0 advert; a killed one falls silent for the down timer", async () => {
    const stopped = Date.now();
    await d1.keepalived.stop();
    expect(await causeOf(id1, "MASTER", "STOP", stopped)).toMatchObject({ kind: "keepalived", text: `keepalived stopped on ${id1}` });
    const afterStop = await causeOf(id2, "BACKUP", "MASTER", stopped);
    expect(afterStop.kind).toBe("priority-zero");
    d1.keepalived.start();
    await backToPlan();

    const killed = Date.now();
    await d1.keepalived.kill9();
    const silent = await causeOf(id2, "BACKUP", "MASTER", killed);
    expect(silent.kind).toBe("no-adverts");
    // keepalived's own master down timer of the BACKUP at priority 100: 3 × 1 s + (256 - 100) / 256 s.
    expect(silent.text).toContain(`no adverts from ${id1} (${d1.plan.address}) for 3.61 s (3 × advert_int 1 s + skew 0.61 s)`);
    timings.killCauseInHub = since(killed);
    d1.keepalived.start();
    await backToPlan();
  });
} catch (err) {
  // Stopped half-way by a signal: its handler is removing the lab and exits.
  if (run.teardown.stopping()) await new Promise(() => undefined);
  run.fail("setup", err);
}
await run.finish();
