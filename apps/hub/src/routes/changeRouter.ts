import { Router, type Request, type Response } from "express";
import type { z } from "zod";
import { REAL_SERVER_FAULTS, drainRequestSchema, restoreRequestSchema, simFaultRequestSchema, weightChangeRequestSchema, weightReapplyRequestSchema } from "@lvsdeck/protocol";
import type { ApiError, DirectorView, DrainDirector, DrainsResponse, RealServerKey, ServiceKey, SimFaultResponse } from "@lvsdeck/protocol";
import type { CommandRouter } from "../agents/commandRouter";
import { CommandError } from "../agents/commandRouter";
import type { Caller, WeightService } from "../agents/weightService";
import { WeightRefused } from "../agents/weightService";
import { currentService } from "../agents/weightGuard";
import type { AuditLog } from "../auth/auditLog";
import { principalOf, requireRole } from "../auth/middleware";
import { actorName, inScope, remoteAddress, vipScope } from "../auth/principal";
import type { Fleet } from "../fleet";
import { fail, validate } from "./validate";

interface Deps {
  fleet: Fleet;
  weights: WeightService;
  commands: CommandRouter;
  audit: AuditLog;
  now: () => number;
}

function callerOf(req: Request, res: Response): Caller {
  const principal = principalOf(res);
  return { actor: actorName(principal), remote: remoteAddress(req), mayAct: (service) => inScope(principal, service) };
}

/** Turns a refused or failed command into its HTTP answer; rethrows anything else. */
function answerError(res: Response, err: unknown): void {
  if (err instanceof WeightRefused) {
    const body: ApiError = { error: err.message, code: err.code, ...(err.currentWeight !== undefined && { currentWeight: err.currentWeight }) };
    res.status(err.status).json(body);
    return;
  }
  if (err instanceof CommandError) return fail(res, err.status, err.message);
  throw err;
}

/** Drain progress of one real server: connections and persistence templates still on it, per director. */
function drainProgress(directors: DirectorView[], service: ServiceKey, realServer: RealServerKey): DrainDirector[] {
  return directors.flatMap((d) => {
    const rs = d.snapshot?.services.find((s) => s.key === service)?.realServers.find((r) => r.key === realServer);
    return rs ? [{ director: d.id, weight: rs.weight, activeConns: rs.activeConns, inactiveConns: rs.inactiveConns, persistConns: rs.persistConns, stale: d.stale }] : [];
  });
}

/** Everything that changes the cluster (operators and admins only): weights, drains, restores, simulated faults. */
export function createChangeRouter(deps: Deps): Router {
  const router = Router();
  const operator = requireRole("operator");

  // Weights, drains and restores share one shape: validate, act as the caller, answer or explain the refusal.
  const change = <S extends z.ZodType>(path: string, schema: S, act: (body: z.infer<S>, caller: Caller) => Promise<unknown>) =>
    router.post(path, operator, async (req, res) => {
      const body = validate(schema, req.body, res);
      if (!body) return;
      try {
        res.json(await act(body, callerOf(req, res)));
      } catch (err) {
        answerError(res, err);
      }
    });
  change("/weights", weightChangeRequestSchema, (body, caller) => deps.weights.setWeight(body, caller));
  change("/drain", drainRequestSchema, (body, caller) => deps.weights.drain(body, caller));
  change("/restore", restoreRequestSchema, (body, caller) => deps.weights.restore(body, caller));
  // One click on a drifted (or failed) director: the same change, sent to it again.
  router.post("/weights/:id/reapply", operator, async (req, res) => {
    const body = validate(weightReapplyRequestSchema, req.body, res);
    if (!body) return;
    try {
      res.json(await deps.weights.reapply(String(req.params.id), body.director, callerOf(req, res)));
    } catch (err) {
      answerError(res, err);
    }
  });
  // A change's progress per director, e.g. one held for a director that was away.
  router.get("/weights/:id", (req, res) => {
    try {
      res.json(deps.weights.change(String(req.params.id), callerOf(req, res)));
    } catch (err) {
      answerError(res, err);
    }
  });

  // Drains in progress, with what is left on each director; readable by every signed-in user, for their VIPs.
  router.get("/drains", async (req, res) => {
    const caller = callerOf(req, res);
    const drained = new Map((await deps.weights.drains()).map((d) => [`${d.service}|${d.realServer}`, d.previousWeight]));
    const directors = deps.fleet.list();
    const drains = directors
      .flatMap((d) => d.snapshot?.services ?? [])
      .filter((s) => caller.mayAct(s))
      .flatMap((s) => s.realServers.map((rs) => ({ service: s.key, realServer: rs.key })))
      .filter((k, i, all) => all.findIndex((o) => o.service === k.service && o.realServer === k.realServer) === i)
      .flatMap(({ service, realServer }) => {
        const previousWeight = drained.get(`${service}|${realServer}`);
        if (previousWeight === undefined || !currentService(directors, service)) return [];
        return [{ service, realServer, previousWeight, directors: drainProgress(directors, service, realServer) }];
      });
    res.json({ drains } satisfies DrainsResponse);
  });

  router.post("/sim/faults", operator, async (req, res) => {
    const request = validate(simFaultRequestSchema, req.body, res);
    if (!request) return;
    const caller = callerOf(req, res);
    // A VIP-scoped operator may break only what is inside their scope: one real server of a service of theirs.
    const scoped = vipScope(principalOf(res)) !== null;
    if (scoped && !REAL_SERVER_FAULTS.has(request.fault)) {
      return fail(res, 403, `${request.fault} affects every VIP on ${request.director}; your VIP scope is limited, so only faults of one real server of your services are yours to inject`);
    }
    if (REAL_SERVER_FAULTS.has(request.fault) && (request.service === undefined || !caller.mayAct({ key: request.service }))) {
      return fail(res, request.service === undefined ? 400 : 403, request.service === undefined ? `${request.fault} needs service and realServer` : `your VIP scope does not include ${request.service}`);
    }
    const base = { at: deps.now(), actor: caller.actor, action: "sim-fault" as const, remote: caller.remote, directors: [request.director], service: request.service ?? null, realServer: request.realServer ?? null, from: null, to: null, reason: null };
    try {
      const detail = await deps.commands.simFault(request.director, {
        kind: "sim-fault",
        fault: request.fault,
        ...(request.service && { service: request.service }),
        ...(request.realServer && { realServer: request.realServer }),
      });
      await deps.audit.append({ ...base, result: "ok", detail: `${request.fault}: ${detail}` });
      res.json({ ok: true, detail } satisfies SimFaultResponse);
    } catch (err) {
      await deps.audit.append({ ...base, result: "failed", detail: `${request.fault}: ${(err as Error).message}` });
      answerError(res, err);
    }
  });
  return router;
}
