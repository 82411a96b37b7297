// Incidents: a failover and what surrounds it, read from the event log; titles and notes by operators
// (audited, scoped); a bundle that holds events, snapshots and per-director series.
import { afterEach, describe, expect, it } from "vitest";
import type { ChildProcess } from "node:child_process";
import { incidentBundleSchema, incidentResponseSchema, incidentsResponseSchema } from "@lvsdeck/protocol";
import { USERS, api, director, login, startHub, startSeedPair, stopAll, vrrpState, waitFor } from "./harness";

describe("incidents", () => {
  let children: ChildProcess[] = [];
  let close: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await stopAll(children);
    await close?.();
  });

  it("gathers a failover into one incident with notes, a title and an export, for those allowed", async () => {
    const hub = await startHub();
    close = hub.close;
    children = await startSeedPair(hub.url);
    await waitFor(async () => vrrpState(await director(hub.url, "lvs-dir-01")) === "MASTER", 15_000, "MASTER");
    await waitFor(async () => vrrpState(await director(hub.url, "lvs-dir-02")) === "BACKUP", 15_000, "BACKUP");
    const json = { "content-type": "application/json" };
    await api(`${hub.url}/api/sim/faults`, { method: "POST", headers: json, body: JSON.stringify({ director: "lvs-dir-01", fault: "stop-director" }) });
    await waitFor(async () => vrrpState(await director(hub.url, "lvs-dir-02")) === "MASTER", 8_000, "lvs-dir-02 MASTER");

    // Once its cause is in, the incident is titled by it.
    const incident = await waitFor(async () => {
      const { incidents } = incidentsResponseSchema.parse(await (await api(`${hub.url}/api/incidents`)).json());
      return incidents.find((i) => i.title.includes("lvs-dir-02 became MASTER: lvs-dir-01 resigned with a priority-0 advert"));
    }, 10_000, "an incident titled by the failover's cause");
    expect(incident).toMatchObject({ directors: ["lvs-dir-01", "lvs-dir-02"], titled: false, noteCount: 0 });
    const detail = incidentResponseSchema.parse(await (await api(`${hub.url}/api/incidents/${incident.id}`)).json());
    const transitions = detail.events.filter((e) => e.event.kind === "vrrp-transition").map((e) => e.event.kind === "vrrp-transition" && `${e.director} ${e.event.from}→${e.event.to}`);
    expect(transitions).toEqual(expect.arrayContaining(["lvs-dir-01 MASTER→STOP", "lvs-dir-02 BACKUP→MASTER"]));

    // An operator writes a note and a title; both are audited. A viewer may not.
    const as = async (who: { name: string; password: string }) => ({ cookie: await login(hub.url, who.name, who.password) });
    const operator = await as(USERS.operator);
    const note = await fetch(`${hub.url}/api/incidents/${incident.id}/notes`, { method: "POST", headers: { ...json, ...operator }, body: JSON.stringify({ text: "lvs-dir-01 keepalived stopped for the kernel upgrade" }) });
    expect(note.status).toBe(201);
    const titled = await fetch(`${hub.url}/api/incidents/${incident.id}/title`, { method: "PUT", headers: { ...json, ...operator }, body: JSON.stringify({ title: "Kernel upgrade of lvs-dir-01" }) });
    expect(incidentResponseSchema.parse(await titled.json())).toMatchObject({ incident: { title: "Kernel upgrade of lvs-dir-01", titled: true, noteCount: 1 }, notes: [{ author: USERS.operator.name }] });
    const viewer = await as(USERS.viewer);
    expect((await fetch(`${hub.url}/api/incidents/${incident.id}/notes`, { method: "POST", headers: { ...json, ...viewer }, body: JSON.stringify({ text: "x" }) })).status).toBe(403);
    expect((await fetch(`${hub.url}/api/incidents/${incident.id}/notes`, { method: "POST", headers: { ...json, ...operator }, body: JSON.stringify({ text: "   " }) })).status).toBe(400);
    const audit = (await (await api(`${hub.url}/api/audit?limit=50`)).json()) as { records: { action: string; actor: string; detail: string }[] };
    expect(audit.records.filter((r) => r.action === "incident").map((r) => r.actor)).toEqual([USERS.operator.name, USERS.operator.name]);

    // The bundle: the cluster just before (lvs-dir-01 MASTER) and after, events, notes, series per director.
    const bundle = incidentBundleSchema.parse(await (await api(`${hub.url}/api/incidents/${incident.id}/bundle`)).json());
    expect(bundle.before.find((s) => s.director === "lvs-dir-01")?.vrrp[0]?.state).toBe("MASTER");
    expect(bundle.after.find((s) => s.director === "lvs-dir-02")?.vrrp[0]?.state).toBe("MASTER");
    expect(bundle.notes.map((n) => n.text)).toEqual(["lvs-dir-01 keepalived stopped for the kernel upgrade"]);
    expect(bundle.series.length).toBeGreaterThan(0);
    expect(bundle.series[0]?.directors?.map((d) => d.director).sort()).toEqual(["lvs-dir-01", "lvs-dir-02"]);
    expect((await api(`${hub.url}/api/incidents/999999`)).status).toBe(404);
  });
});
