import { afterEach, describe, expect, it } from "vitest";
import type { ChildProcess } from "node:child_process";
import WebSocket from "ws";
import { alertsResponseSchema, eventsResponseSchema, hubToUiSchema, simFaultResponseSchema } from "@lvsdeck/protocol";
import { director, startHub, startSeedPair, stopAll, vrrpState, waitFor , USERS, api, login } from "./harness";

const fault = (url: string, body: unknown) =>
  api(`${url}/api/sim/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("alerts, metrics and browser subscriptions with real agents", () => {
  let children: ChildProcess[] = [];
  let close: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await stopAll(children);
    await close?.();
  });

  it("raises split brain when the link is cut and clears it when restored, recording both", async () => {
    const hub = await startHub();
    close = hub.close;
    children = await startSeedPair(hub.url);
    await waitFor(async () => vrrpState(await director(hub.url, "lvs-dir-01")) === "MASTER", 15_000, "MASTER");
    await waitFor(async () => vrrpState(await director(hub.url, "lvs-dir-02")) === "BACKUP", 5_000, "BACKUP");
    const cut = await fault(hub.url, { director: "lvs-dir-02", fault: "cut-link" });
    expect(cut.status).toBe(200);
    expect(simFaultResponseSchema.parse(await cut.json()).detail).toMatch(/link cut on lvs-dir-02/);
    const alerts = async () => alertsResponseSchema.parse(await (await api(`${hub.url}/api/alerts`)).json()).alerts;
    await waitFor(async () => (await alerts()).some((a) => a.rule === "split-brain"), 10_000, "split-brain alert");
    expect((await fault(hub.url, { director: "lvs-dir-02", fault: "restore-link" })).status).toBe(200);
    await waitFor(async () => !(await alerts()).some((a) => a.rule === "split-brain"), 10_000, "split-brain cleared");
    const { events } = eventsResponseSchema.parse(await (await api(`${hub.url}/api/events?kind=alert`)).json());
    const splitBrain = events.filter((e) => e.event.kind === "alert" && e.event.rule === "split-brain");
    expect(splitBrain.map((e) => e.event.kind === "alert" && e.event.raised)).toEqual([true, false]);
  });

  it("refuses a fault for a director that is not simulated or not connected", async () => {
    const hub = await startHub();
    close = hub.close;
    const response = await fault(hub.url, { director: "lvs-dir-09", fault: "stop-director" });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: string }).error).toMatch(/lvs-dir-09/);
  });

  it("exports VRRP state, real-server weights and the hub's transition fan-out in Prometheus text", async () => {
    const hub = await startHub();
    close = hub.close;
    children = await startSeedPair(hub.url);
    await waitFor(async () => vrrpState(await director(hub.url, "lvs-dir-01")) === "MASTER", 15_000, "MASTER");
    const text = await waitFor(async () => {
      const body = await (await fetch(`${hub.url}/metrics`)).text();
      return body.includes('director="lvs-dir-02"') ? body : undefined;
    }, 5_000, "metrics of both directors");
    expect(text).toMatch(/lvsdeck_vrrp_state\{[^}]*director="lvs-dir-01"[^}]*state="MASTER"[^}]*\} 1/);
    // lvs-dir-01's way to MASTER was an event the hub handed to its browsers (none here), timed.
    expect(Number(/^lvsdeck_hub_transition_fanout_seconds_count (\d+)$/m.exec(text)?.[1])).toBeGreaterThan(0);
    expect(text).toMatch(/lvsdeck_real_server_weight\{[^}]*real_server="192\.168\.50\.11:443"[^}]*\} 2/);
  });

  it("pushes summaries, then compact counters, without real-server rows to a browser that subscribes to them", async () => {
    const hub = await startHub();
    close = hub.close;
    children = await startSeedPair(hub.url);
    await waitFor(async () => (await director(hub.url, "lvs-dir-01"))?.snapshot, 15_000, "snapshot");
    const cookie = await login(hub.url, USERS.viewer.name, USERS.viewer.password);
    const ws = new WebSocket(`${hub.url.replace("http", "ws")}/ws/ui`, { headers: { cookie } });
    const frames: unknown[] = [];
    ws.on("message", (data) => frames.push(hubToUiSchema.parse(JSON.parse(data.toString()))));
    await new Promise((resolve) => ws.once("open", resolve));
    ws.send(JSON.stringify({ type: "subscribe", detail: "summary" }));
    await waitFor(async () => frames.some((f) => (f as { type: string }).type === "summaries"), 5_000, "summaries");
    const countBefore = frames.length;
    const later = () => frames.slice(countBefore) as { type: string }[];
    // Two counters frames after the summaries: the hub has pushed past two ticks, in which a director frame would have come.
    await waitFor(async () => later().filter((f) => f.type === "counters").length >= 2, 5_000, "two counters frames");
    expect(later().some((f) => f.type === "director")).toBe(false);
    ws.close();
  });
});
