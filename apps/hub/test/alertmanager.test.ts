// The hub's alerts in a real Alertmanager (Debian's prometheus-alertmanager, run by the test): fired with
// lvsdeck's labels, silenced there, resolved when lvsdeck clears them.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { api, director, startHub, startSeedPair, stopAll, vrrpState, waitFor } from "./harness";
import { freePort } from "./services";

const ALERTMANAGER = "/usr/bin/prometheus-alertmanager";

interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: { state: "active" | "suppressed" | "unprocessed"; silencedBy: string[] };
  endsAt: string;
}

/** Alertmanager on a free loopback port, clustering off, its state in a temp folder. */
async function startAlertmanager(): Promise<{ url: string; child: ChildProcess; dir: string }> {
  if (!existsSync(ALERTMANAGER)) throw new Error(`${ALERTMANAGER} is missing: apt-get install prometheus-alertmanager (node scripts/ensure.mjs test installs it)`);
  const dir = mkdtempSync(join(tmpdir(), "lvsdeck-am-"));
  writeFileSync(join(dir, "alertmanager.yml"), "route:\n  receiver: nobody\n  group_wait: 0s\nreceivers:\n  - name: nobody\n");
  const port = await freePort();
  const child = spawn(ALERTMANAGER, [`--config.file=${join(dir, "alertmanager.yml")}`, `--storage.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`, "--cluster.listen-address="], { stdio: ["ignore", "ignore", "pipe"] });
  child.stderr?.resume();
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/-/ready`).catch(() => null))?.ok, 15_000, "Alertmanager ready");
  return { url, child, dir };
}

describe("Alertmanager", () => {
  let children: ChildProcess[] = [];
  let close: (() => Promise<void>) | null = null;
  let am: Awaited<ReturnType<typeof startAlertmanager>> | null = null;
  afterEach(async () => {
    await stopAll(children);
    await close?.();
    if (am !== null) {
      const exited = new Promise((resolve) => am!.child.once("exit", resolve));
      am.child.kill("SIGTERM");
      await exited;
      rmSync(am.dir, { recursive: true, force: true });
      am = null;
    }
  });

  it("gets lvsdeck's alert with its labels, honours a silence made there, and resolves it when lvsdeck clears it", async () => {
    am = await startAlertmanager();
    const hub = await startHub({ alertmanagers: [am.url] });
    close = hub.close;
    children = await startSeedPair(hub.url);
    await waitFor(async () => vrrpState(await director(hub.url, "lvs-dir-01")) === "MASTER", 15_000, "MASTER");
    await waitFor(async () => vrrpState(await director(hub.url, "lvs-dir-02")) === "BACKUP", 5_000, "BACKUP");
    const fault = (body: unknown) => api(`${hub.url}/api/sim/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const inAlertmanager = async () => ((await (await fetch(`${am!.url}/api/v2/alerts`)).json()) as AmAlert[]).filter((a) => a.labels.source === "lvsdeck");

    // The BACKUP's sync daemon stops: sync-stopped on lvs-dir-02.
    expect((await fault({ director: "lvs-dir-02", fault: "stop-sync" })).status).toBe(200);
    const fired = await waitFor(async () => (await inAlertmanager()).find((a) => a.labels.alertname === "LvsdeckSyncStopped"), 15_000, "LvsdeckSyncStopped in Alertmanager");
    expect(fired.labels).toEqual({ alertname: "LvsdeckSyncStopped", rule: "sync-stopped", severity: "warning", source: "lvsdeck", director: "lvs-dir-02", vrid: "88", vip: "192.168.50.100,192.168.50.101,192.168.50.102,2001:db8:50::100" });
    expect(fired.annotations.summary).toMatch(/connection sync stopped: lvs-dir-02 runs no backup sync daemon/);
    expect(fired.status.state).toBe("active");
    expect(Date.parse(fired.endsAt)).toBeGreaterThan(Date.now());

    // A silence made in Alertmanager is Alertmanager's: the alert stays, suppressed.
    const silence = await fetch(`${am.url}/api/v2/silences`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ matchers: [{ name: "alertname", value: "LvsdeckSyncStopped", isRegex: false, isEqual: true }], startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 3_600_000).toISOString(), createdBy: "lvsdeck test", comment: "sync maintenance" }),
    });
    expect(silence.ok).toBe(true);
    await waitFor(async () => (await inAlertmanager()).find((a) => a.labels.alertname === "LvsdeckSyncStopped")?.status.state === "suppressed", 10_000, "the alert silenced");

    // Started again: lvsdeck clears the alert and Alertmanager resolves it (no longer among its alerts).
    expect((await fault({ director: "lvs-dir-02", fault: "start-sync" })).status).toBe(200);
    await waitFor(async () => !(await inAlertmanager()).some((a) => a.labels.alertname === "LvsdeckSyncStopped"), 15_000, "LvsdeckSyncStopped resolved");
  });

  it("keeps going when an Alertmanager is unreachable: the hub serves on, and a second one still gets the alert", async () => {
    am = await startAlertmanager();
    const dead = `http://127.0.0.1:${await freePort()}`;
    const hub = await startHub({ alertmanagers: [dead, am.url] });
    close = hub.close;
    children = await startSeedPair(hub.url);
    await waitFor(async () => vrrpState(await director(hub.url, "lvs-dir-02")) === "BACKUP", 15_000, "BACKUP");
    await api(`${hub.url}/api/sim/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ director: "lvs-dir-02", fault: "stop-sync" }) });
    await waitFor(async () => ((await (await fetch(`${am!.url}/api/v2/alerts`)).json()) as AmAlert[]).some((a) => a.labels.alertname === "LvsdeckSyncStopped"), 15_000, "the alert in the live Alertmanager");
    expect((await api(`${hub.url}/api/health`)).ok).toBe(true);
  });
});
