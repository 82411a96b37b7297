import { afterEach, describe, expect, it } from "vitest";
import type { ChildProcess } from "node:child_process";
import { clusterResponseSchema, connectionsResponseSchema, simFaultResponseSchema } from "@lvsdeck/protocol";
import { director, startHub, startSeedPair, stopAll, vrrpState, waitFor , api } from "./harness";

describe("looking back and looking into the connection table", () => {
  let children: ChildProcess[] = [];
  let close: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await stopAll(children);
    await close?.();
  });

  it("shows the cluster as it was before a failover", async () => {
    const hub = await startHub();
    close = hub.close;
    children = await startSeedPair(hub.url);
    await waitFor(async () => vrrpState(await director(hub.url, "lvs-dir-01")) === "MASTER", 15_000, "MASTER");
    await waitFor(async () => vrrpState(await director(hub.url, "lvs-dir-02")) === "BACKUP", 15_000, "BACKUP");
    const before = Date.now();
    // Nothing the fault causes may carry the millisecond asked about.
    await waitFor(() => Promise.resolve(Date.now() > before), 1_000, "the clock past `before`");
    const stop = await api(`${hub.url}/api/sim/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ director: "lvs-dir-01", fault: "stop-director" }),
    });
    expect(stop.status).toBe(200);
    expect(simFaultResponseSchema.parse(await stop.json()).detail).toMatch(/keepalived stopped on lvs-dir-01/);
    await waitFor(async () => vrrpState(await director(hub.url, "lvs-dir-02")) === "MASTER", 8_000, "lvs-dir-02 MASTER");
    const then = clusterResponseSchema.parse(await (await api(`${hub.url}/api/cluster?at=${before}`)).json());
    expect(then.serverTime).toBe(before);
    expect(vrrpState(then.directors.find((d) => d.id === "lvs-dir-01"))).toBe("MASTER");
    expect(vrrpState(then.directors.find((d) => d.id === "lvs-dir-02"))).toBe("BACKUP");
    const now = clusterResponseSchema.parse(await (await api(`${hub.url}/api/cluster?at=${Date.now()}`)).json());
    expect(vrrpState(now.directors.find((d) => d.id === "lvs-dir-02"))).toBe("MASTER");
  });

  it("answers a filtered, paged connection query from the MASTER's agent", async () => {
    const hub = await startHub();
    close = hub.close;
    children = await startSeedPair(hub.url);
    await waitFor(async () => vrrpState(await director(hub.url, "lvs-dir-01")) === "MASTER", 15_000, "MASTER");
    const query = async (params: string) => {
      const response = await api(`${hub.url}/api/connections?director=lvs-dir-01&${params}`);
      return { status: response.status, body: (await response.json()) as unknown };
    };
    const page = await waitFor(async () => {
      const { body } = await query("limit=5");
      const parsed = connectionsResponseSchema.parse(body);
      return parsed.total > 20 ? parsed : undefined;
    }, 10_000, "connections");
    expect(page.rows).toHaveLength(5);
    expect(page.topClients.length).toBeGreaterThan(0);
    // The simulated table churns: at a given moment that VIP may hold no established connection.
    const established = await waitFor(async () => {
      const parsed = connectionsResponseSchema.parse((await query("state=ESTABLISHED&vip=192.168.50.101&limit=50")).body);
      return parsed.rows.length > 0 && parsed;
    }, 10_000, "an established connection to 192.168.50.101");
    expect(established.rows.every((r) => r.state === "ESTABLISHED" && r.virtual.startsWith("192.168.50.101:"))).toBe(true);
    const injected = await query(`client=${encodeURIComponent("1.2.3.4;reboot")}`);
    expect(injected.status).toBe(400);
    expect(JSON.stringify(injected.body)).toMatch(/client/);
  });
});
