import { afterEach, describe, expect, it, vi } from "vitest";
import { weightChangeSchema, type WeightChange } from "@lvsdeck/protocol";
import { api, director, startHub } from "./harness";
import { FAKE_REAL_SERVER, FAKE_SERVICE, connectFakeAgent, type FakeAgent } from "./fakeAgent";

const WAIT = { timeout: 10_000, interval: 50 };

async function post(url: string, body: unknown): Promise<Response> {
  return api(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

async function changeWeight(hubUrl: string, weight: number): Promise<WeightChange> {
  const response = await post(`${hubUrl}/api/weights`, { service: FAKE_SERVICE, realServer: FAKE_REAL_SERVER, weight });
  expect(response.status).toBe(200);
  return weightChangeSchema.parse(await response.json());
}

async function getChange(hubUrl: string, id: string): Promise<WeightChange> {
  const response = await api(`${hubUrl}/api/weights/${id}`);
  expect(response.status).toBe(200);
  return weightChangeSchema.parse(await response.json());
}

const byDirector = (change: WeightChange) => Object.fromEntries(change.results.map((r) => [r.director, [r.state, r.observedWeight]]));

describe("a weight change while a director carrying the service is away", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A hub with fake agents dir-a and dir-b at weight 2, then dir-b gone (the hub keeps its last snapshot). */
  async function withDirectorAway(dataDir?: string) {
    const hub = await startHub(dataDir === undefined ? {} : { dataDir });
    cleanups.push(() => hub.close());
    const a = await connectFakeAgent(hub.url, "dir-a", 2);
    const b = await connectFakeAgent(hub.url, "dir-b", 2);
    cleanups.push(() => a.close());
    await vi.waitFor(async () => expect((await director(hub.url, "dir-b"))?.snapshot).toBeTruthy(), WAIT);
    await b.close();
    await vi.waitFor(async () => expect((await director(hub.url, "dir-b"))?.connected).toBe(false), WAIT);
    return { hub, a };
  }

  const reconnect = async (hubUrl: string, name: string, weight: number): Promise<FakeAgent> => {
    const agent = await connectFakeAgent(hubUrl, name, weight);
    cleanups.push(() => agent.close());
    return agent;
  };

  it("lists the away director as disconnected, is not applied, and applies on its return", async () => {
    const { hub, a } = await withDirectorAway();
    const change = await changeWeight(hub.url, 6);
    expect(byDirector(change)).toEqual({ "dir-a": ["ok", 6], "dir-b": ["disconnected", null] });
    expect(change.state).toBe("partial");
    expect(a.weight()).toBe(6);

    const b = await reconnect(hub.url, "dir-b", 2);
    await vi.waitFor(async () => expect((await getChange(hub.url, change.id)).state).toBe("applied"), WAIT);
    expect(byDirector(await getChange(hub.url, change.id))).toEqual({ "dir-a": ["ok", 6], "dir-b": ["ok", 6] });
    expect(b.commands).toEqual([{ kind: "set-weight", service: FAKE_SERVICE, realServer: FAKE_REAL_SERVER, weight: 6 }]);
    expect(b.weight()).toBe(6);
  });

  it("marks a director that returns with a third weight as drift, leaves it alone, and reapplies on request", async () => {
    const { hub } = await withDirectorAway();
    const change = await changeWeight(hub.url, 6);
    const b = await reconnect(hub.url, "dir-b", 9);
    await vi.waitFor(async () => expect(byDirector(await getChange(hub.url, change.id))["dir-b"]).toEqual(["drift", 9]), WAIT);
    const drifted = await getChange(hub.url, change.id);
    expect(drifted.state).toBe("partial");
    expect(drifted.results.find((r) => r.director === "dir-b")?.error).toMatch(/weight 9 on its return, neither 2 .* nor 6/);
    expect(b.commands).toEqual([]);
    expect(b.weight()).toBe(9);

    const response = await post(`${hub.url}/api/weights/${change.id}/reapply`, { director: "dir-b" });
    expect(response.status).toBe(200);
    const reapplied = weightChangeSchema.parse(await response.json());
    expect(reapplied.state).toBe("applied");
    expect(byDirector(reapplied)).toEqual({ "dir-a": ["ok", 6], "dir-b": ["ok", 6] });
    expect(b.weight()).toBe(6);
  });

  it("keeps the owed change across a hub restart and delivers it when the director returns", async () => {
    const { hub, a } = await withDirectorAway();
    const change = await changeWeight(hub.url, 6);
    await a.close();
    await hub.close();
    cleanups.length = 0;

    const restarted = await startHub({ dataDir: hub.dataDir });
    cleanups.push(() => restarted.close());
    expect((await getChange(restarted.url, change.id)).results.find((r) => r.director === "dir-b")?.state).toBe("disconnected");
    const b = await reconnect(restarted.url, "dir-b", 2);
    await vi.waitFor(async () => expect((await getChange(restarted.url, change.id)).state).toBe("applied"), WAIT);
    expect(b.weight()).toBe(6);
  });

  it("replaces an owed change by a later one for the same real server", async () => {
    const { hub } = await withDirectorAway();
    const first = await changeWeight(hub.url, 6);
    const second = await changeWeight(hub.url, 8);
    expect(byDirector(await getChange(hub.url, first.id))["dir-b"]?.[0]).toBe("failed");
    const b = await reconnect(hub.url, "dir-b", 2);
    await vi.waitFor(async () => expect((await getChange(hub.url, second.id)).state).toBe("applied"), WAIT);
    expect(b.commands.map((c) => (c.kind === "set-weight" ? c.weight : null))).toEqual([8]);
  });

  it("holds the change for a director that disconnects before answering, and delivers it when it returns", async () => {
    const hub = await startHub();
    cleanups.push(() => hub.close());
    const a = await connectFakeAgent(hub.url, "dir-a", 2);
    const b = await connectFakeAgent(hub.url, "dir-b", 2, { hangUpOnSetWeight: true });
    cleanups.push(() => a.close(), () => b.close());
    await vi.waitFor(async () => expect((await director(hub.url, "dir-b"))?.snapshot).toBeTruthy(), WAIT);
    const change = await changeWeight(hub.url, 6);
    expect(byDirector(change)).toEqual({ "dir-a": ["ok", 6], "dir-b": ["disconnected", null] });
    expect(change.results.find((r) => r.director === "dir-b")?.error).toMatch(/disconnected before answering; checked again when it returns/);

    const back = await reconnect(hub.url, "dir-b", 2);
    await vi.waitFor(async () => expect((await getChange(hub.url, change.id)).state).toBe("applied"), WAIT);
    expect(back.weight()).toBe(6);
  });
});
