// Planned failover: preflight, a guarded and audited switch through the agents' failover file, and the way back.
import { afterEach, describe, expect, it } from "vitest";
import type { ChildProcess } from "node:child_process";
import { failoverResponseSchema, preflightResponseSchema } from "@lvsdeck/protocol";
import { USERS, api, director, login, startHub, startSeedPair, stopAll, vrrpState, waitFor } from "./harness";

describe("planned failover", () => {
  let children: ChildProcess[] = [];
  let close: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await stopAll(children);
    await close?.();
  });

  it("moves VRRP off the MASTER after a preflight, refuses what would break, audits it, and moves back", async () => {
    const hub = await startHub();
    close = hub.close;
    children = await startSeedPair(hub.url);
    await waitFor(async () => vrrpState(await director(hub.url, "lvs-dir-01")) === "MASTER", 15_000, "MASTER");
    await waitFor(async () => vrrpState(await director(hub.url, "lvs-dir-02")) === "BACKUP", 15_000, "BACKUP");
    const json = { "content-type": "application/json" };
    const as = async (who: { name: string; password: string }) => ({ ...json, cookie: await login(hub.url, who.name, who.password) });
    const operator = await as(USERS.operator);
    const preflight = async (id: string) => preflightResponseSchema.parse(await (await fetch(`${hub.url}/api/failover/preflight?director=${id}`, { headers: operator })).json());
    const post = (headers: Record<string, string>, body: object) => fetch(`${hub.url}/api/failover`, { method: "POST", headers, body: JSON.stringify(body) });

    await waitFor(async () => (await preflight("lvs-dir-01")).checks.some((c) => c.id.startsWith("sync:") && c.status === "ok"), 15_000, "sync caught up");
    const before = await preflight("lvs-dir-01");
    expect(before).toMatchObject({ director: "lvs-dir-01", takeover: "lvs-dir-02", instances: ["VI_88"], held: false, ready: true });

    // Who may: not a viewer, not an operator limited to some VIPs (it moves every VIP on the director).
    expect((await post(await as(USERS.viewer), { director: "lvs-dir-01", hold: true })).status).toBe(403);
    expect((await post(await as(USERS.scoped), { director: "lvs-dir-01", hold: true })).status).toBe(403);
    expect((await fetch(`${hub.url}/api/failover/preflight?director=lvs-dir-01`, { headers: await as(USERS.scoped) })).status).toBe(403);

    // A warning (the BACKUP's sync daemon stopped) blocks until acknowledged.
    await api(`${hub.url}/api/sim/faults`, { method: "POST", headers: json, body: JSON.stringify({ director: "lvs-dir-02", fault: "stop-sync" }) });
    await waitFor(async () => (await preflight("lvs-dir-01")).checks.some((c) => c.id.startsWith("sync:") && c.status === "warn"), 10_000, "a sync warning");
    const unacknowledged = await post(operator, { director: "lvs-dir-01", hold: true });
    expect(unacknowledged.status).toBe(409);
    expect(((await unacknowledged.json()) as { error: string }).error).toMatch(/^move VRRP off lvs-dir-01 refused: preflight warnings not acknowledged: .*lvs-dir-02 runs no backup sync daemon/);
    expect(vrrpState(await director(hub.url, "lvs-dir-01"))).toBe("MASTER");
    await api(`${hub.url}/api/sim/faults`, { method: "POST", headers: json, body: JSON.stringify({ director: "lvs-dir-02", fault: "start-sync" }) });

    const moved = await post(operator, { director: "lvs-dir-01", hold: true, acknowledgeWarnings: true });
    expect(moved.status).toBe(200);
    expect(failoverResponseSchema.parse(await moved.json()).detail).toMatch(/^wrote -253 to the failover file of lvs-dir-01/);
    await waitFor(async () => vrrpState(await director(hub.url, "lvs-dir-02")) === "MASTER", 8_000, "lvs-dir-02 MASTER");
    await waitFor(async () => (await preflight("lvs-dir-01")).held, 8_000, "lvs-dir-01 held");
    // The held director's own snapshot may arrive a tick after its peer's: wait for it, then look at it whole.
    const heldInstance = await waitFor(async () => {
      const instance = (await director(hub.url, "lvs-dir-01"))?.snapshot?.vrrp[0];
      return instance?.state === "BACKUP" && instance;
    }, 8_000, "lvs-dir-01 BACKUP");
    expect(heldInstance).toMatchObject({ state: "BACKUP", effectivePriority: 1, basePriority: 200 });

    // The held director cannot take over: moving VRRP off lvs-dir-02 now would leave it nowhere to go.
    const nowhere = await post(operator, { director: "lvs-dir-02", hold: true, acknowledgeWarnings: true });
    expect(nowhere.status).toBe(409);
    expect(((await nowhere.json()) as { error: string }).error).toMatch(/preflight failed: .*lvs-dir-01 is held down by a planned failover/);

    // The way back is never blocked.
    const back = await post(operator, { director: "lvs-dir-01", hold: false });
    expect(back.status).toBe(200);
    await waitFor(async () => vrrpState(await director(hub.url, "lvs-dir-01")) === "MASTER", 8_000, "lvs-dir-01 MASTER again");
    expect((await preflight("lvs-dir-01")).held).toBe(false);

    const audit = (await (await api(`${hub.url}/api/audit?limit=50`)).json()) as { records: { action: string; actor: string; result: string; detail: string }[] };
    const failovers = audit.records.filter((r) => r.action === "failover").reverse();
    expect(failovers.map((r) => [r.actor, r.result])).toEqual([
      [USERS.operator.name, "refused"],
      [USERS.operator.name, "ok"],
      [USERS.operator.name, "refused"],
      [USERS.operator.name, "ok"],
    ]);
    expect(failovers[1]?.detail).toMatch(/^move VRRP off lvs-dir-01( \(warnings acknowledged: \d+\))?: wrote -253/);
    expect(failovers[3]?.detail).toMatch(/^move VRRP back to lvs-dir-01: wrote 0/);
  });
});
