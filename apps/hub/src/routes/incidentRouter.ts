import { Router, type Response } from "express";
import { z } from "zod";
import { INCIDENT_LEAD_MS, INCIDENT_MAX_SPAN_MS, INCIDENT_TAIL_MS, incidentEventTime, incidentRecords } from "@lvsdeck/cluster";
import type { IncidentRecord } from "@lvsdeck/cluster";
import { INCIDENT_BUNDLE_FORMAT, INCIDENT_BUNDLE_VERSION, MAX_BUNDLE_SERVICES, incidentNoteRequestSchema, incidentTitleRequestSchema } from "@lvsdeck/protocol";
import type { DirectorId, DirectorSnapshot, HubEvent, IncidentBundle, IncidentResponse, IncidentSummary } from "@lvsdeck/protocol";
import type { AuditLog } from "../auth/auditLog";
import { principalOf, requireRole } from "../auth/middleware";
import { actorName, remoteAddress, vipScope } from "../auth/principal";
import { scopeView } from "../auth/scope";
import { eventInScope } from "../auth/frameScope";
import type { Fleet } from "../fleet";
import type { EventStore } from "../store/eventStore";
import type { IncidentStore } from "../store/incidentStore";
import type { SeriesStore } from "../store/seriesStore";
import type { SnapshotHistory } from "../store/snapshotHistory";
import { HUB_VERSION } from "../version";
import { fail, validate } from "./validate";

/** Most events read to find incidents in one request: a busy day of a large fleet. */
export const MAX_INCIDENT_EVENTS = 20_000;
/** The incident list's default range when none is asked for (ms). */
const DEFAULT_LIST_RANGE_MS = 24 * 60 * 60_000;
/** The longest range one list may cover (ms). */
const MAX_LIST_RANGE_MS = 31 * 24 * 60 * 60_000;

interface Deps {
  fleet: Fleet;
  events: EventStore;
  series: SeriesStore;
  history: SnapshotHistory;
  incidents: IncidentStore;
  audit: AuditLog;
  now: () => number;
}

const listQuerySchema = z
  .strictObject({ from: z.coerce.number().int().optional(), to: z.coerce.number().int().optional() })
  .refine((q) => q.from === undefined || q.to === undefined || (q.to > q.from && q.to - q.from <= MAX_LIST_RANGE_MS), { message: "need from < to, at most 31 days apart", path: ["to"] });
const idSchema = z.strictObject({ id: z.coerce.number().int().positive() });

/** `/api/incidents`: events that belong together, with operators' titles and notes, and their export. */
export function createIncidentRouter(deps: Deps): Router {
  const router = Router();
  const operator = requireRole("operator");

  /** The caller's view of the event log between two times: only events about their VIPs when scoped. */
  const eventsFor = async (res: Response, from: number, to: number): Promise<HubEvent[]> => {
    const scope = vipScope(principalOf(res));
    const found = await deps.events.query({ from, to, limit: MAX_INCIDENT_EVENTS });
    const directors = deps.fleet.list();
    return found.filter((e) => eventInScope(e, scope, directors));
  };
  const summaryOf = (record: IncidentRecord, titles: Map<number, string>, notes: Map<number, number>): IncidentSummary => {
    const title = titles.get(record.id);
    return {
      id: record.id,
      title: title ?? record.autoTitle,
      titled: title !== undefined,
      startedAt: record.startedAt,
      endedAt: record.endedAt,
      directors: record.directors,
      vrids: record.vrids,
      eventCount: record.events.length,
      noteCount: notes.get(record.id) ?? 0,
    };
  };
  /** The incident whose first transition or alert is event `id`, as the caller may see it; answers 404 when none. */
  const incidentOf = async (res: Response, id: number): Promise<IncidentRecord | null> => {
    const seed = await deps.events.get(id);
    const at = seed === null ? null : incidentEventTime(seed);
    const record = at === null ? undefined : incidentRecords(await eventsFor(res, at - INCIDENT_MAX_SPAN_MS - INCIDENT_LEAD_MS, at + INCIDENT_MAX_SPAN_MS + INCIDENT_TAIL_MS)).find((r) => r.id === id);
    if (record === undefined) fail(res, 404, `no incident ${id} (an incident is named by its first transition or alert)`);
    return record ?? null;
  };
  const responseOf = async (record: IncidentRecord): Promise<IncidentResponse> => {
    const [titles, counts, notes] = await Promise.all([deps.incidents.titles([record.id]), deps.incidents.noteCounts([record.id]), deps.incidents.notes(record.id)]);
    return { incident: summaryOf(record, titles, counts), events: record.events, notes };
  };

  router.get("/incidents", async (req, res) => {
    const query = validate(listQuerySchema, req.query, res);
    if (!query) return;
    const to = query.to ?? deps.now();
    const from = query.from ?? to - DEFAULT_LIST_RANGE_MS;
    const records = incidentRecords(await eventsFor(res, from - INCIDENT_LEAD_MS, to + INCIDENT_TAIL_MS)).filter((r) => r.endedAt >= from && r.startedAt <= to);
    const ids = records.map((r) => r.id);
    const [titles, notes] = await Promise.all([deps.incidents.titles(ids), deps.incidents.noteCounts(ids)]);
    res.json({ incidents: records.map((r) => summaryOf(r, titles, notes)).reverse() });
  });

  router.get("/incidents/:id", async (req, res) => {
    const params = validate(idSchema, req.params, res);
    const record = params && (await incidentOf(res, params.id));
    if (record) res.json(await responseOf(record));
  });

  router.put("/incidents/:id/title", operator, async (req, res) => {
    const params = validate(idSchema, req.params, res);
    const body = params && validate(incidentTitleRequestSchema, req.body, res);
    const record = body && params && (await incidentOf(res, params.id));
    if (!record || !body) return;
    const actor = actorName(principalOf(res));
    await deps.incidents.setTitle(record.id, body.title, actor, deps.now());
    await deps.audit.append({ at: deps.now(), actor, action: "incident", remote: remoteAddress(req), directors: record.directors, service: null, realServer: null, from: null, to: null, reason: null, result: "ok", detail: `incident ${record.id} titled "${body.title}"` });
    res.json(await responseOf(record));
  });

  router.post("/incidents/:id/notes", operator, async (req, res) => {
    const params = validate(idSchema, req.params, res);
    const body = params && validate(incidentNoteRequestSchema, req.body, res);
    const record = body && params && (await incidentOf(res, params.id));
    if (!record || !body) return;
    const actor = actorName(principalOf(res));
    const note = await deps.incidents.addNote(record.id, { at: deps.now(), author: actor, text: body.text });
    const detail = note === null ? `incident ${record.id}: note refused, the incident holds the most notes` : `incident ${record.id}: note ${note.id} (${body.text.length} characters)`;
    await deps.audit.append({ at: deps.now(), actor, action: "incident", remote: remoteAddress(req), directors: record.directors, service: null, realServer: null, from: null, to: null, reason: null, result: note === null ? "refused" : "ok", detail });
    if (note === null) return fail(res, 409, "this incident already holds the most notes it keeps");
    res.status(201).json(await responseOf(record));
  });

  router.get("/incidents/:id/bundle", async (req, res) => {
    const params = validate(idSchema, req.params, res);
    const record = params && (await incidentOf(res, params.id));
    if (!record) return;
    const scope = vipScope(principalOf(res));
    const cut = (snapshots: DirectorSnapshot[]) =>
      snapshots.flatMap((snapshot) => scopeView({ id: snapshot.director, connected: true, receivedAt: snapshot.takenAt, stale: false, agent: null, snapshot }, scope).snapshot ?? []);
    // Just before its first transition or alert, and at its end (or as now, while it may still grow).
    const first = record.events.find((e) => e.id === record.id);
    const before = cut(await deps.history.at((first === undefined ? record.startedAt : incidentEventTime(first)) - 1));
    const live = deps.fleet.list().flatMap((d) => d.snapshot ?? []);
    const after = cut(record.endedAt >= deps.now() ? live : await deps.history.at(record.endedAt));
    const services = [...new Set([...before, ...after].flatMap((s) => s.services.map((svc) => svc.key)))].sort().slice(0, MAX_BUNDLE_SERVICES);
    // One service after another: a bundle never takes more than one of the database's connections.
    const series = [];
    for (const service of services) {
      const found = await deps.series.query({ service, from: record.startedAt, to: record.endedAt, now: deps.now() });
      // The store's director names are the ids agents reported.
      series.push({ service, realServer: null, ...found, directors: found.directors.map((d) => ({ ...d, director: d.director as DirectorId })) });
    }
    const { incident, events, notes } = await responseOf(record);
    const bundle: IncidentBundle = { format: INCIDENT_BUNDLE_FORMAT, version: INCIDENT_BUNDLE_VERSION, exportedAt: deps.now(), exportedBy: actorName(principalOf(res)), hubVersion: HUB_VERSION, incident, notes, events, before, after, series };
    res.setHeader("content-disposition", `attachment; filename="lvsdeck-incident-${record.id}.json"`);
    res.json(bundle);
  });
  return router;
}
