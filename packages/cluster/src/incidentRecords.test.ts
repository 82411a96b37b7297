import type { DirectorId, HubEvent } from "@lvsdeck/protocol";
import { describe, expect, it } from "vitest";
import { INCIDENT_LEAD_MS, INCIDENT_MAX_SPAN_MS, INCIDENT_TAIL_MS, incidentRecords } from "./incidentRecords";

const t0 = Date.UTC(2026, 11, 5, 3, 12, 0);
let nextId = 1;
const event = (director: string, at: number, body: Record<string, unknown>): HubEvent =>
  ({ id: nextId++, director: director as DirectorId, seq: null, observedAt: at, receivedAt: at, event: { at, ...body } }) as HubEvent;
const transition = (director: string, at: number, from: string, to: string, extra: Record<string, unknown> = {}) =>
  event(director, at, { kind: "vrrp-transition", instance: "VI_88", vrid: 88, from, to, priority: 100, ...extra });
const health = (at: number) => event("lvs-dir-02", at, { kind: "health", service: "TCP 192.0.2.1:443", realServer: "10.0.0.1:443", up: false });

describe("incidentRecords: events that belong together", () => {
  it("gathers a failover's transitions and everything within a minute before and two after, titled by its cause", () => {
    const before = health(t0 - INCIDENT_LEAD_MS + 1_000);
    const tooEarly = health(t0 - INCIDENT_LEAD_MS - 1_000);
    const left = transition("lvs-dir-01", t0, "MASTER", "BACKUP");
    const took = transition("lvs-dir-02", t0 + 10, "BACKUP", "MASTER", { cause: { kind: "peer-track", text: "lvs-dir-01 priority 200 → 50: track_script chk_nginx failing (weight -150)", evidence: [] } });
    const after = health(t0 + INCIDENT_TAIL_MS - 1_000);
    const tooLate = health(t0 + 10 + INCIDENT_TAIL_MS + 1_000);
    const [incident, ...rest] = incidentRecords([tooLate, took, after, left, before, tooEarly]);
    expect(rest).toEqual([]);
    expect(incident?.id).toBe(left.id);
    expect(incident?.events.map((e) => e.id)).toEqual([before.id, left.id, took.id, after.id]);
    expect(incident?.directors).toEqual(["lvs-dir-01", "lvs-dir-02"]);
    expect(incident?.vrids).toEqual([88]);
    expect(incident?.autoTitle).toBe("VRID 88: lvs-dir-02 became MASTER: lvs-dir-01 priority 200 → 50: track_script chk_nginx failing (weight -150)");
  });

  it("is titled by the MASTER that moved, not by the election after a start just before", () => {
    const elected = transition("lvs-dir-01", t0 - 30_000, "BACKUP", "MASTER");
    const left = transition("lvs-dir-01", t0, "MASTER", "STOP");
    // keepalived's time on lvs-dir-02 may read a little before lvs-dir-01's: the same moment.
    const took = transition("lvs-dir-02", t0 - 3, "BACKUP", "MASTER", { cause: { kind: "priority-zero", text: "lvs-dir-01 resigned with a priority-0 advert", evidence: [] } });
    expect(incidentRecords([elected, left, took])[0]?.autoTitle).toBe("VRID 88: lvs-dir-02 became MASTER: lvs-dir-01 resigned with a priority-0 advert");
  });

  it("keeps its id while it grows, and starts a new one after a quiet spell", () => {
    const first = transition("lvs-dir-01", t0, "MASTER", "BACKUP");
    const soon = transition("lvs-dir-01", t0 + 90_000, "BACKUP", "MASTER");
    const later = transition("lvs-dir-01", t0 + 90_000 + INCIDENT_LEAD_MS + INCIDENT_TAIL_MS + 1, "MASTER", "FAULT");
    expect(incidentRecords([first]).map((i) => i.id)).toEqual([first.id]);
    expect(incidentRecords([first, soon]).map((i) => i.id)).toEqual([first.id]);
    expect(incidentRecords([first, soon, later]).map((i) => i.id)).toEqual([first.id, later.id]);
  });

  it("cuts a flapping cluster into incidents of at most an hour", () => {
    const flaps = Array.from({ length: 80 }, (_, i) => transition("lvs-dir-01", t0 + i * 60_000, i % 2 === 0 ? "MASTER" : "BACKUP", i % 2 === 0 ? "BACKUP" : "MASTER"));
    const incidents = incidentRecords(flaps);
    expect(incidents.length).toBe(2);
    for (const i of incidents) expect(i.endedAt - i.startedAt).toBeLessThanOrEqual(INCIDENT_MAX_SPAN_MS + INCIDENT_LEAD_MS + INCIDENT_TAIL_MS);
  });

  it("opens none for keepalived starting up or quiet health flips alone, and one for a raised alert", () => {
    expect(incidentRecords([transition("lvs-dir-01", t0, "INIT", "BACKUP"), health(t0)])).toEqual([]);
    // The first election after keepalived starts is routine too.
    expect(incidentRecords([transition("lvs-dir-01", t0, "INIT", "BACKUP"), transition("lvs-dir-01", t0 + 3_600, "BACKUP", "MASTER")])).toEqual([]);
    expect(incidentRecords([transition("lvs-dir-01", t0, "BACKUP", "MASTER", { cause: { kind: "election", text: "no adverts heard", evidence: [] } })])).toEqual([]);
    const alert = event("hub", t0, { kind: "alert", rule: "no-master", raised: true, message: "VRID 88: no MASTER" });
    expect(incidentRecords([alert]).map((i) => [i.autoTitle, i.directors])).toEqual([["VRID 88: no MASTER", []]]);
  });
});
