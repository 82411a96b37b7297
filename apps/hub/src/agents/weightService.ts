import type Database from "better-sqlite3";
import type { DirectorId, RealServerKey, ServiceKey, WeightChange, WeightChangeRequest } from "@lvsdeck/protocol";
import { CommandError } from "./commandRouter";
import type { WeightDelivery } from "./weightDelivery";
import type { Fleet } from "../fleet";
import type { AuditLog } from "../auth/auditLog";
import { currentService, unsafeReason } from "./weightGuard";

/** A refused change, with the machine-readable code the UI acts on. */
export class WeightRefused extends CommandError {
  constructor(status: number, message: string, readonly code: string, readonly currentWeight?: number) {
    super(status, message);
  }
}

/** Who asks, for the audit log and VIP scope. */
export interface Caller {
  actor: string;
  remote: string | null;
  /** Whether the caller may act on this service (VIP scope, from its key). */
  mayAct: (service: { key: ServiceKey }) => boolean;
}

/** Each director's outcome in one line, for the audit log. */
function auditDetail(change: WeightChange): string {
  return change.results.map((r) => `${r.director}: ${r.state}${r.observedWeight === null ? "" : ` (${r.observedWeight})`}${r.error ? ` ${r.error}` : ""}`).join("; ");
}

/** Idempotency records are kept this long (ms). */
const REQUEST_ID_TTL_MS = 24 * 3_600_000;

/** Weight changes with guardrails, optimistic concurrency, idempotency, drains and an audit record each. */
export function createWeightService(deps: { db: Database.Database; fleet: Fleet; delivery: WeightDelivery; audit: AuditLog; now: () => number }) {
  const { db, fleet, delivery, audit, now } = deps;
  const findRequest = db.prepare("SELECT response FROM weight_requests WHERE request_id = ?");
  const saveRequest = db.prepare("INSERT OR REPLACE INTO weight_requests (request_id, actor, at, response) VALUES (?, ?, ?, ?)");
  const getDrain = db.prepare("SELECT previous_weight FROM drains WHERE service = ? AND real_server = ?");

  const apply = async (request: WeightChangeRequest, caller: Caller, action: "weight" | "drain" | "restore"): Promise<WeightChange> => {
    if (request.requestId) {
      db.prepare("DELETE FROM weight_requests WHERE at < ?").run(now() - REQUEST_ID_TTL_MS);
      const seen = findRequest.get(request.requestId) as { response: string } | undefined;
      if (seen) return JSON.parse(seen.response) as WeightChange;
    }
    const found = currentService(fleet.list(), request.service);
    const rs = found?.service.realServers.find((r) => r.key === request.realServer);
    if (!found || !rs) throw new WeightRefused(404, `no director carries real server ${request.realServer} in service ${request.service}`, "not-found");
    if (!caller.mayAct(found.service)) throw new WeightRefused(403, `your VIP scope does not include ${request.service}`, "out-of-scope");
    if (request.expectedWeight !== undefined && request.expectedWeight !== rs.weight) {
      throw new WeightRefused(409, `${request.realServer} has weight ${rs.weight} now, not ${request.expectedWeight}: someone changed it`, "weight-changed", rs.weight);
    }
    const unsafe = unsafeReason(found.service, request.realServer, request.weight);
    if (unsafe && !request.force) throw new WeightRefused(409, `${unsafe}; send force with a reason to do it anyway`, "needs-force", rs.weight);
    if (unsafe && !request.reason?.trim()) throw new WeightRefused(400, "a forced change needs a reason", "needs-reason", rs.weight);
    let change: WeightChange;
    try {
      change = await delivery.setWeight(request);
    } catch (err) {
      audit.append({
        at: now(), actor: caller.actor, action, remote: caller.remote, directors: request.director ? [request.director] : [], service: request.service,
        realServer: request.realServer, from: rs.weight, to: request.weight, reason: request.reason ?? null, result: "failed", detail: (err as Error).message,
      });
      throw err;
    }
    audit.append({
      at: now(), actor: caller.actor, action, remote: caller.remote, directors: change.results.map((r) => r.director), service: request.service,
      realServer: request.realServer, from: rs.weight, to: request.weight, reason: request.reason ?? null, result: change.state,
      detail: auditDetail(change),
    });
    if (request.requestId) saveRequest.run(request.requestId, caller.actor, now(), JSON.stringify(change));
    return change;
  };

  return {
    setWeight: (request: WeightChangeRequest, caller: Caller) => apply(request, caller, "weight"),
    async drain(request: Omit<WeightChangeRequest, "weight" | "expectedWeight">, caller: Caller) {
      const found = currentService(fleet.list(), request.service);
      const previous = found?.service.realServers.find((r) => r.key === request.realServer)?.weight;
      const change = await apply({ ...request, weight: 0 }, caller, "drain");
      if (change.state !== "failed" && previous !== undefined && previous > 0) {
        db.prepare("INSERT OR REPLACE INTO drains (service, real_server, previous_weight, started_at) VALUES (?, ?, ?, ?)").run(request.service, request.realServer, previous, now());
      }
      return change;
    },
    async restore(request: { service: ServiceKey; realServer: RealServerKey; director?: WeightChangeRequest["director"] | undefined; reason?: string | undefined; requestId?: string | undefined }, caller: Caller) {
      const drain = getDrain.get(request.service, request.realServer) as { previous_weight: number } | undefined;
      if (!drain) throw new WeightRefused(404, `${request.realServer} in ${request.service} has no drain to restore from`, "no-drain");
      const change = await apply({ ...request, weight: drain.previous_weight }, caller, "restore");
      if (change.state === "applied") db.prepare("DELETE FROM drains WHERE service = ? AND real_server = ?").run(request.service, request.realServer);
      return change;
    },
    /** A weight change the caller may see (VIP scope), or a 404. */
    change(id: string, caller: Caller): WeightChange {
      const change = delivery.get(id);
      const found = change && currentService(fleet.list(), change.service);
      if (!change || (found && !caller.mayAct(found.service))) throw new WeightRefused(404, `no weight change ${id} is known`, "not-found");
      return change;
    },
    /** Sends a change again to one director that drifted, failed or timed out; audited like any change. */
    async reapply(id: string, director: DirectorId, caller: Caller): Promise<WeightChange> {
      const before = this.change(id, caller);
      const from = before.results.find((r) => r.director === director)?.observedWeight ?? null;
      const base = { at: now(), actor: caller.actor, action: "weight" as const, remote: caller.remote, directors: [director], service: before.service, realServer: before.realServer, from, to: before.weight, reason: "reapply" };
      try {
        const change = await delivery.reapply(id, director);
        audit.append({ ...base, result: change.state, detail: auditDetail(change) });
        return change;
      } catch (err) {
        audit.append({ ...base, result: "failed", detail: (err as Error).message });
        throw err;
      }
    },
    /** The weight a drained real server had before, if it is drained. */
    drainedFrom: (service: ServiceKey, realServer: RealServerKey) => (getDrain.get(service, realServer) as { previous_weight: number } | undefined)?.previous_weight ?? null,
  };
}

/** The weight service's interface. */
export type WeightService = ReturnType<typeof createWeightService>;
