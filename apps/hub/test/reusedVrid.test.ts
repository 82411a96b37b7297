import { afterEach, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import type { AgentToHub, ClusterHealth, DirectorId, DirectorSnapshot, VrrpState } from "@lvsdeck/protocol";
import { PROTOCOL_VERSION, alertsResponseSchema, applyClusterHealthChanges, hubToUiSchema } from "@lvsdeck/protocol";
import { sampleRealServer, sampleService, sampleSnapshot } from "@lvsdeck/protocol/testFixtures";
import { TOKEN, USERS, api, cluster, login, startHub } from "./harness";

/** Each fake director re-sends its snapshot this often (ms), well inside the hub's three-tick staleness. */
const RESEND_MS = 200;
const TICK_MS = 1000;
const VIP_A = "198.51.100.10";
const VIP_B = "203.0.113.10";

function snapshotOf(director: string, state: VrrpState, vip: string): DirectorSnapshot {
  const base = sampleSnapshot(director, Date.now());
  return {
    ...base,
    vrrp: [{ name: "VI_51", vrid: 51, interface: "eth1", state, basePriority: 100, effectivePriority: 100, advertIntervalMs: 1000, preempt: true, vips: [`${vip}/32`], lastTransitionAt: null, masterRouter: null, syncGroup: null }],
    vipsPresent: state === "MASTER" ? [vip] : [],
    services: [sampleService(vip, 443, [sampleRealServer(`${vip.slice(0, -3)}.21`, 443, 1)])],
  };
}

/** A director speaking the agent protocol over a real socket; `state` can change while it runs. */
function fakeDirector(hubUrl: string, id: string, vip: string, initial: VrrpState) {
  let state = initial;
  const ws = new WebSocket(`${hubUrl.replace("http", "ws")}/ws/agent`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const send = (frame: AgentToHub) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(frame));
  const timer = setInterval(() => send({ type: "snapshot", snapshot: snapshotOf(id, state, vip) }), RESEND_MS);
  ws.on("open", () => send({ type: "hello", protocolVersion: PROTOCOL_VERSION, director: id as DirectorId, agentVersion: "test", sources: ["test"], capabilities: [], weightMode: "runtime", tickMs: TICK_MS }));
  return {
    become: (next: VrrpState) => void (state = next),
    close: () => (clearInterval(timer), ws.close()),
  };
}

describe("two keepalived pairs reusing VRID 51 on separate segments", () => {
  const closers: (() => unknown)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  it("are two healthy groups in /api/alerts, GET /api/cluster and the browser's health frames, until one pair really splits", async () => {
    const hub = await startHub();
    closers.push(hub.close);
    const directors = [
      fakeDirector(hub.url, "pa1", VIP_A, "MASTER"),
      fakeDirector(hub.url, "pa2", VIP_A, "BACKUP"),
      fakeDirector(hub.url, "pb1", VIP_B, "MASTER"),
      fakeDirector(hub.url, "pb2", VIP_B, "BACKUP"),
    ];
    for (const d of directors) closers.push(d.close);
    const cookie = await login(hub.url, USERS.viewer.name, USERS.viewer.password);
    const browser = new WebSocket(`${hub.url.replace("http", "ws")}/ws/ui`, { headers: { cookie } });
    closers.push(() => browser.close());
    const seen: { health: ClusterHealth | null } = { health: null };
    browser.on("message", (data) => {
      const frame = hubToUiSchema.parse(JSON.parse(data.toString()));
      if (frame.type === "health") seen.health = frame.health;
      // What changed since, applied as a page applies it.
      if (frame.type === "health-changes" && seen.health !== null) seen.health = applyClusterHealthChanges(seen.health, frame);
    });
    const alerts = async () => alertsResponseSchema.parse(await (await api(`${hub.url}/api/alerts`)).json()).alerts;
    const groupsOf = (health: ClusterHealth | null) => health?.groups.map((g) => [g.key, g.members.map((m) => `${m.director} ${m.state}`)]);
    const healthy = [
      ["51/198.51.100.10", ["pa1 MASTER", "pa2 BACKUP"]],
      ["51/203.0.113.10", ["pb1 MASTER", "pb2 BACKUP"]],
    ];

    await vi.waitFor(() => expect(groupsOf(seen.health)).toEqual(healthy), { timeout: 10_000, interval: 50 });
    expect(seen.health?.verdicts).toEqual([]);
    expect(await alerts()).toEqual([]);
    const served = await cluster(hub.url);
    expect(groupsOf(served.health)).toEqual(healthy);
    expect(served.health.verdicts).toEqual([]);

    directors[3]?.become("MASTER");
    await vi.waitFor(() => expect(seen.health?.verdicts.map((v) => v.kind)).toEqual(["split-brain", "vip-on-two-directors"]), { timeout: 10_000, interval: 50 });
    expect(seen.health?.verdicts.every((v) => v.scope.vips?.join() === VIP_B)).toBe(true);
    const split = (await alerts()).filter((a) => a.rule === "split-brain");
    expect(split.map((a) => [a.scope.vip, a.message])).toEqual([[VIP_B, "split brain on VRID 51 (203.0.113.10): MASTER on pb1 and pb2"]]);
  });
});
