import { Router, type Response } from "express";
import { z } from "zod";
import { failoverPreflight } from "@lvsdeck/cluster";
import { directorIdSchema, failoverRequestSchema } from "@lvsdeck/protocol";
import type { ApiError, DirectorId, FailoverResponse, PreflightResponse } from "@lvsdeck/protocol";
import type { CommandRouter } from "../agents/commandRouter";
import { CommandError } from "../agents/commandRouter";
import type { AuditLog } from "../auth/auditLog";
import { principalOf, requireRole } from "../auth/middleware";
import { actorName, remoteAddress, vipScope } from "../auth/principal";
import type { Fleet } from "../fleet";
import { fail, validate } from "./validate";

interface Deps {
  fleet: Fleet;
  commands: CommandRouter;
  audit: AuditLog;
  now: () => number;
}

const preflightQuerySchema = z.strictObject({ director: directorIdSchema });

/** Moving VRRP off a director touches every VIP it carries: only operators without a VIP limit may. */
function refuseScoped(res: Response, director: DirectorId): boolean {
  if (vipScope(principalOf(res)) === null) return false;
  fail(res, 403, `a planned failover moves every VIP on ${director}; your VIP scope is limited`);
  return true;
}

/**
 * `/api/failover`: planned failover through keepalived's own track_file. The preflight says what moving
 * VRRP off a director would break; the switch is refused while a check fails, and while a warning is not
 * acknowledged. Moving back (release) is never blocked: it is the way out. Every request is audited.
 */
export function createFailoverRouter(deps: Deps): Router {
  const router = Router();
  const operator = requireRole("operator");

  router.get("/failover/preflight", operator, (req, res) => {
    const query = validate(preflightQuerySchema, req.query, res);
    if (!query || refuseScoped(res, query.director)) return;
    res.json(failoverPreflight(deps.fleet.list(), query.director) satisfies PreflightResponse);
  });

  router.post("/failover", operator, async (req, res) => {
    const request = validate(failoverRequestSchema, req.body, res);
    if (!request || refuseScoped(res, request.director)) return;
    const preflight = failoverPreflight(deps.fleet.list(), request.director);
    const audit = (result: "ok" | "refused" | "failed", detail: string) =>
      deps.audit.append({ at: deps.now(), actor: actorName(principalOf(res)), action: "failover", remote: remoteAddress(req), directors: [request.director], service: null, realServer: null, from: null, to: null, reason: null, result, detail });
    const what = request.hold ? `move VRRP off ${request.director}` : `move VRRP back to ${request.director}`;
    if (request.hold) {
      const failed = preflight.checks.filter((c) => c.status === "fail");
      const warned = preflight.checks.filter((c) => c.status === "warn");
      const blocking = failed.length > 0 ? failed : request.acknowledgeWarnings ? [] : warned;
      if (blocking.length > 0) {
        const error = `${what} refused: ${failed.length > 0 ? "preflight failed" : "preflight warnings not acknowledged"}: ${blocking.map((c) => c.text).join("; ")}`;
        await audit("refused", error);
        res.status(409).json({ error, preflight } satisfies ApiError & { preflight: PreflightResponse });
        return;
      }
    }
    try {
      const detail = await deps.commands.holdFailover(request.director, request.hold);
      const acknowledged = request.hold && preflight.checks.some((c) => c.status === "warn") ? ` (warnings acknowledged: ${preflight.checks.filter((c) => c.status === "warn").length})` : "";
      await audit("ok", `${what}${acknowledged}: ${detail}`);
      res.json({ ok: true, detail, preflight } satisfies FailoverResponse);
    } catch (err) {
      if (!(err instanceof CommandError)) throw err;
      await audit("failed", `${what}: ${err.message}`);
      fail(res, err.status, err.message);
    }
  });
  return router;
}
