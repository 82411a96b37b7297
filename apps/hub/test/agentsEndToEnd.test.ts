import { afterEach, describe, expect, it } from "vitest";
import type { ChildProcess } from "node:child_process";
import type { ServiceKey, RealServerKey } from "@lvsdeck/protocol";
import { eventsResponseSchema, weightChangeSchema } from "@lvsdeck/protocol";
import { director, startHub, startSeedPair, stopAll, vrrpState, waitFor , api } from "./harness";

const SEED_SERVICE = "TCP 192.168.50.100:443" as ServiceKey;
const SEED_RS = "192.168.50.11:443" as RealServerKey;

describe("hub with real agent processes", () => {
  let children: ChildProcess[] = [];
  let close: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await stopAll(children);
    await close?.();
  });

  it("receives both directors' snapshots and sees lvs-dir-01 elected MASTER", async () => {
    const hub = await startHub();
    close = hub.close;
    children = await startSeedPair(hub.url);
    const one = await waitFor(async () => {
      const view = await director(hub.url, "lvs-dir-01");
      return vrrpState(view) === "MASTER" ? view : undefined;
    }, 15_000, "lvs-dir-01 MASTER");
    const two = await waitFor(() => director(hub.url, "lvs-dir-02"), 5_000, "lvs-dir-02");
    expect(vrrpState(two)).toBe("BACKUP");
    expect(one.stale).toBe(false);
    expect(one.snapshot?.services.map((s) => s.key)).toContain(SEED_SERVICE);
    expect(one.agent?.sources).toEqual(["sim"]);
  });

  it("round-trips a set-weight to every director carrying the service", async () => {
    const hub = await startHub();
    close = hub.close;
    children = await startSeedPair(hub.url);
    await waitFor(async () => (await director(hub.url, "lvs-dir-02"))?.snapshot, 15_000, "lvs-dir-02 snapshot");
    await waitFor(async () => (await director(hub.url, "lvs-dir-01"))?.snapshot, 15_000, "lvs-dir-01 snapshot");
    const response = await api(`${hub.url}/api/weights`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ service: SEED_SERVICE, realServer: SEED_RS, weight: 6 }),
    });
    expect(response.status).toBe(200);
    const change = weightChangeSchema.parse(await response.json());
    expect(change.state).toBe("applied");
    expect(change.results.map((r) => [r.director, r.state, r.observedWeight]).sort()).toEqual([
      ["lvs-dir-01", "ok", 6],
      ["lvs-dir-02", "ok", 6],
    ]);
    await waitFor(async () => {
      const view = await director(hub.url, "lvs-dir-01");
      const rs = view?.snapshot?.services.find((s) => s.key === SEED_SERVICE)?.realServers.find((r) => r.key === SEED_RS);
      return rs?.weight === 6 && rs.weightSource === "operator";
    }, 5_000, "weight 6 in the live model");
  });

  it("answers 404 for a real server no director carries, and 400 naming the field for a bad weight", async () => {
    const hub = await startHub();
    close = hub.close;
    children = await startSeedPair(hub.url);
    await waitFor(async () => (await director(hub.url, "lvs-dir-01"))?.snapshot, 15_000, "snapshot");
    const post = (body: unknown) =>
      api(`${hub.url}/api/weights`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const missing = await post({ service: SEED_SERVICE, realServer: "192.168.50.99:443", weight: 1 });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toMatch(/192\.168\.50\.99:443/);
    const bad = await post({ service: SEED_SERVICE, realServer: SEED_RS, weight: 2_147_483_648 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { issues: { path: string }[] }).issues[0]?.path).toBe("weight");
  });

  it("marks a killed agent's director stale and makes the BACKUP take over", async () => {
    const hub = await startHub();
    close = hub.close;
    children = await startSeedPair(hub.url);
    await waitFor(async () => vrrpState(await director(hub.url, "lvs-dir-01")) === "MASTER", 15_000, "MASTER");
    children[0]!.kill("SIGKILL");
    const stale = await waitFor(async () => {
      const view = await director(hub.url, "lvs-dir-01");
      return view?.stale ? view : undefined;
    }, 5_000, "lvs-dir-01 stale");
    expect(stale.connected).toBe(false);
    await waitFor(async () => vrrpState(await director(hub.url, "lvs-dir-02")) === "MASTER", 8_000, "lvs-dir-02 MASTER");
    // The transition is stored with the simulated keepalived's own time, taken from the snapshot after it.
    const takeover = await waitFor(async () => {
      const { events } = eventsResponseSchema.parse(await (await api(`${hub.url}/api/events?director=lvs-dir-02&kind=vrrp-transition`)).json());
      const e = events.findLast((x) => x.event.kind === "vrrp-transition" && x.event.to === "MASTER");
      return e?.event.kind === "vrrp-transition" && e.event.keepalivedAt !== undefined ? e : undefined;
    }, 5_000, "lvs-dir-02's takeover with keepalived's time");
    await expect(director(hub.url, "lvs-dir-02").then((d) => d?.snapshot?.vrrp[0]?.lastTransitionAt)).resolves.toBe(takeover.event.kind === "vrrp-transition" ? takeover.event.keepalivedAt : null);
  });
});
