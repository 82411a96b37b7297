import { Router, type Response } from "express";
import { z } from "zod";
import type { ClusterResponse, HealthResponse } from "@lvsdeck/protocol";
import { PROTOCOL_VERSION, connectionQuerySchema, directorIdSchema, hubEventKinds, realServerKeySchema, serviceKeySchema } from "@lvsdeck/protocol";
import type { Fleet } from "../fleet";
import type { EventStore } from "../store/eventStore";
import type { SeriesStore } from "../store/seriesStore";
import type { SnapshotHistory } from "../store/snapshotHistory";
import { clusterAt } from "./clusterAt";
import { eventConcernsVip } from "./eventScope";
import type { CommandRouter } from "../agents/commandRouter";
import { CommandError } from "../agents/commandRouter";
import type { AgentGateway } from "../agents/agentGateway";
import type { AlertMonitor } from "../alertMonitor";
import { MAX_EVENTS_PAGE, MAX_SERIES_RANGE_MS } from "../limits";
import { STALE_AFTER_TICKS, clusterHealth, scopeHealth, vipInScope, vipOfServiceKey } from "@lvsdeck/cluster";
import type { VerdictOptions } from "@lvsdeck/cluster";
import { fail, validate } from "./validate";
import { principalOf } from "../auth/middleware";
import { vipScope } from "../auth/principal";
import { scopeView } from "../auth/scope";
import { alertInScope, eventInScope } from "../auth/frameScope";
import { HUB_VERSION } from "../version";

interface Deps {
  fleet: Fleet;
  events: EventStore;
  series: SeriesStore;
  history: SnapshotHistory;
  commands: CommandRouter;
  agents: AgentGateway;
  alerts: AlertMonitor;
  startedAt: number;
  now: () => number;
  /** Rule thresholds other than the defaults, for the cluster as it was at a moment too. */
  verdictOptions?: Partial<VerdictOptions>;
}

const eventsQuerySchema = z.strictObject({
  from: z.coerce.number().int().optional(),
  to: z.coerce.number().int().optional(),
  director: z.string().max(63).optional(),
  vip: z.string().regex(/^[0-9a-fA-F:.]{2,45}$/, "vip: an address").optional(),
  kind: z.enum(hubEventKinds).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_EVENTS_PAGE).default(200),
});

const seriesQuerySchema = z
  .strictObject({
    service: serviceKeySchema,
    realServer: realServerKeySchema.optional(),
    director: z.string().max(63).optional(),
    from: z.coerce.number().int(),
    to: z.coerce.number().int(),
  })
  .refine((q) => q.to > q.from && q.to - q.from <= MAX_SERIES_RANGE_MS, { message: "need from < to, at most 31 days apart", path: ["to"] });

/** Answers 403 and returns true when the caller's VIP scope does not hold `service` (its history is theirs only). */
function serviceOutOfScope(res: Response, service: string): boolean {
  const scope = vipScope(principalOf(res));
  const address = vipOfServiceKey(service);
  if (scope === null || (address !== null && vipInScope(address, scope))) return false;
  fail(res, 403, `${service} is outside your VIP scope`);
  return true;
}

const statesQuerySchema = z
  .strictObject({
    service: serviceKeySchema,
    realServer: realServerKeySchema.optional(),
    director: z.string().min(1).max(63),
    from: z.coerce.number().int(),
    to: z.coerce.number().int(),
  })
  .refine((q) => q.to > q.from && q.to - q.from <= MAX_SERIES_RANGE_MS, { message: "need from < to, at most 31 days apart", path: ["to"] });

/** `GET /api/health`: the only route that needs no sign-in, for load balancers and monitoring. */
export function createHealthRouter(deps: Pick<Deps, "agents" | "fleet" | "startedAt" | "now">): Router {
  const router = Router();
  router.get("/health", (_req, res) => {
    const stats = deps.agents.stats();
    const body: HealthResponse = {
      status: "ok",
      version: HUB_VERSION,
      protocolVersion: PROTOCOL_VERSION,
      uptimeSec: Math.round((deps.now() - deps.startedAt) / 1000),
      directors: deps.fleet.list().length,
      connectedAgents: stats.connected,
      protocolErrors: stats.protocolErrors,
      flaggedObjects: stats.flaggedObjects,
      droppedObjects: stats.droppedObjects,
    };
    res.json(body);
  });

  return router;
}

/** The read API under /api (behind sign-in): cluster, history, events, series, alerts, connections. */
export function createApiRouter(deps: Deps): Router {
  const router = Router();

  router.get("/cluster", async (req, res) => {
    const scope = vipScope(principalOf(res));
    if (req.query.at !== undefined) {
      const query = validate(z.strictObject({ at: z.coerce.number().int().positive() }), req.query, res);
      if (!query) return;
      const then = await clusterAt(query.at, deps);
      const past: ClusterResponse = { ...then, directors: then.directors.map((d) => scopeView(d, scope)), health: scopeHealth(then.health, scope) };
      return void res.json(past);
    }
    // Health is decided on the whole fleet, then cut to the caller's VIPs like the directors.
    const directors = deps.fleet.list();
    const health = scopeHealth(clusterHealth(directors, deps.alerts.verdicts()), scope);
    const body: ClusterResponse = { serverTime: deps.now(), staleAfterTicks: STALE_AFTER_TICKS, directors: directors.map((d) => scopeView(d, scope)), health };
    res.json(body);
  });

  router.get("/alerts", (_req, res) => {
    const scope = vipScope(principalOf(res));
    res.json({ alerts: deps.alerts.active().filter((a) => alertInScope(a, scope)) });
  });

  router.get("/events", async (req, res) => {
    const query = validate(eventsQuerySchema, req.query, res);
    if (!query) return;
    const { from, to, director, kind, vip, limit } = query;
    const filters = { ...(from !== undefined && { from }), ...(to !== undefined && { to }), ...(director && { director }), ...(kind && { kind }) };
    const scope = vipScope(principalOf(res));
    if (vip === undefined && scope === null) return void res.json({ events: await deps.events.query({ limit, ...filters }) });
    // VIPs are not stored per event: read a wider page and keep what concerns the VIP and the caller's scope.
    const directors = deps.fleet.list();
    const events = (await deps.events.query({ limit: MAX_EVENTS_PAGE, ...filters })).filter((e) => (vip === undefined || eventConcernsVip(e, vip, directors)) && eventInScope(e, scope, directors));
    res.json({ events: events.slice(-limit) });
  });

  router.get("/series", async (req, res) => {
    const q = validate(seriesQuerySchema, req.query, res);
    if (!q) return;
    if (serviceOutOfScope(res, q.service)) return;
    const result = await deps.series.query({
      service: q.service,
      from: q.from,
      to: q.to,
      now: deps.now(),
      ...(q.realServer !== undefined && { realServer: q.realServer }),
      ...(q.director !== undefined && { director: q.director }),
    });
    res.json({ service: q.service, realServer: q.realServer ?? null, ...result });
  });

  router.get("/states", async (req, res) => {
    const q = validate(statesQuerySchema, req.query, res);
    if (!q) return;
    if (serviceOutOfScope(res, q.service)) return;
    const result = await deps.series.queryStates({ service: q.service, director: q.director, from: q.from, to: q.to, now: deps.now(), ...(q.realServer !== undefined && { realServer: q.realServer }) });
    res.json({ service: q.service, realServer: q.realServer ?? null, director: q.director, ...result });
  });

  router.get("/connections", async (req, res) => {
    const parsed = validate(connectionQuerySchema.extend({ director: directorIdSchema }), req.query, res);
    if (!parsed) return;
    const { director, ...query } = parsed;
    const scope = vipScope(principalOf(res));
    if (scope !== null && (query.vip === undefined || !scope.includes(query.vip))) {
      return fail(res, 403, `your VIP scope is ${scope.join(", ")}: ask for one of them with vip=`);
    }
    try {
      res.json(await deps.commands.queryConnections(director, query));
    } catch (err) {
      if (err instanceof CommandError) return fail(res, err.status, err.message);
      throw err;
    }
  });

  return router;
}
