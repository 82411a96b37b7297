import type { DirectorId, RealServerKey, ServiceKey, WeightChange, WeightChangeRequest } from "@lvsdeck/protocol";
import { CommandError } from "./commandRouter";
import type { WeightDelivery } from "./weightDelivery";
import type { Fleet } from "../fleet";
import type { AuditLog } from "../auth/auditLog";
import type { WeightRecords } from "../store/weightRecords";
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

/** A director's report of a weight is matched to who asked for it within this long (ms); held changes may come later. */
const ASKER_WINDOW_MS = 10 * 60_000;
/** Most real servers whose last asker is remembered. */
const MAX_ASKERS = 10_000;

/** Idempotency records are kept this long (ms). */
const REQUEST_ID_TTL_MS = 24 * 3_600_000;
/**
 * A claim on a request id older than this is a hub that died while applying it (ms): a request waits at
 * most for its real server's queue and one command timeout, far less than this.
 */
const REQUEST_CLAIM_STALE_MS = 2 * 60_000;

/** Weight changes with guardrails, optimistic concurrency, idempotency, drains and an audit record each. */
export function createWeightService(deps: { records: WeightRecords; fleet: Fleet; delivery: WeightDelivery; audit: AuditLog; now: () => number }) {
  const { records, fleet, delivery, audit, now } = deps;

  /** Idempotent requests still being applied: a parallel retry waits for the first instead of applying again. */
  const inFlight = new Map<string, { actor: string; fingerprint: string; change: Promise<WeightChange> }>();
  /** Changes of one real server run one at a time, so `expectedWeight` is a real compare-and-set. */
  const queues = new Map<string, Promise<unknown>>();
  /**
   * The weight this hub last set per director and real server, and when, until that director's report
   * catches up. Per director: a change sent to one director alone says nothing about the others.
   */
  const written = new Map<string, { weight: number; at: number }>();
  const writtenKey = (director: string, service: ServiceKey, realServer: RealServerKey) => `${director}|${service}|${realServer}`;
  const serverKey = (service: ServiceKey, realServer: RealServerKey) => `${service}|${realServer}`;
  /** Who last asked for which weight of a real server, so the directors' reports of it name them. */
  const askedBy = new Map<string, { actor: string; weight: number; at: number }>();
  const noteAsker = (service: ServiceKey, realServer: RealServerKey, weight: number, actor: string) => {
    askedBy.delete(serverKey(service, realServer));
    askedBy.set(serverKey(service, realServer), { actor, weight, at: now() });
    if (askedBy.size > MAX_ASKERS) askedBy.delete(askedBy.keys().next().value as string);
  };

  /**
   * Each director the change will go to (every carrier, or the one named) with the weight it has now:
   * its last report, or what this hub set after that report.
   */
  const targetsOf = (request: Pick<WeightChangeRequest, "service" | "realServer" | "director">) =>
    fleet.list().flatMap((view) => {
      if (request.director !== undefined && view.id !== request.director) return [];
      const service = view.snapshot?.services.find((s) => s.key === request.service);
      const rs = service?.realServers.find((r) => r.key === request.realServer);
      if (!service || !rs) return [];
      const mine = written.get(writtenKey(view.id, request.service, request.realServer));
      const weight = mine !== undefined && view.receivedAt !== null && mine.at > view.receivedAt ? mine.weight : rs.weight;
      return [{ view, service, weight }];
    });

  const serialised = <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const previous = queues.get(key) ?? Promise.resolve();
    const run = previous.then(work, work);
    const settled = run.catch(() => undefined);
    queues.set(key, settled);
    void settled.then(() => {
      if (queues.get(key) === settled) queues.delete(key);
    });
    return run;
  };

  const applyNow = async (request: WeightChangeRequest, caller: Caller, action: "weight" | "drain" | "restore"): Promise<WeightChange> => {
    const targets = targetsOf(request);
    const found = currentService(fleet.list(), request.service);
    const rs = found?.service.realServers.find((r) => r.key === request.realServer);
    if (!found || !rs || targets.length === 0) throw new WeightRefused(404, `no director carries real server ${request.realServer} in service ${request.service}`, "not-found");
    const from = targets.find((t) => t.view.id === found.director.id)?.weight ?? targets[0]!.weight;
    // Guarded against every director that will apply it, not only the one whose table is shown.
    if (request.expectedWeight !== undefined) {
      // Against every connected director: one that is away gets the change held, and is checked
      // against the weight from before when it is back (weightDelivery).
      const differs = targets.find((t) => t.view.connected && t.weight !== request.expectedWeight);
      if (differs) {
        throw new WeightRefused(409, `${request.realServer} has weight ${differs.weight} on ${differs.view.id} now, not ${request.expectedWeight}: someone changed it`, "weight-changed", differs.weight);
      }
    }
    const unsafe = targets.map((t) => unsafeReason(t.service, request.realServer, request.weight)).find((r) => r !== null) ?? null;
    if (unsafe && !request.force) throw new WeightRefused(409, `${unsafe}; send force with a reason to do it anyway`, "needs-force", from);
    if (unsafe && !request.reason?.trim()) throw new WeightRefused(400, "a forced change needs a reason", "needs-reason", from);
    let change: WeightChange;
    noteAsker(request.service, request.realServer, request.weight, caller.actor);
    try {
      change = await delivery.setWeight(request);
    } catch (err) {
      await audit.append({
        at: now(), actor: caller.actor, action, remote: caller.remote, directors: request.director ? [request.director] : [], service: request.service,
        realServer: request.realServer, from, to: request.weight, reason: request.reason ?? null, result: "failed", detail: (err as Error).message,
      });
      throw err;
    }
    for (const r of change.results) if (r.state === "ok") written.set(writtenKey(r.director, request.service, request.realServer), { weight: request.weight, at: now() });
    await audit.append({
      at: now(), actor: caller.actor, action, remote: caller.remote, directors: change.results.map((r) => r.director), service: request.service,
      realServer: request.realServer, from, to: request.weight, reason: request.reason ?? null, result: change.state,
      detail: auditDetail(change),
    });
    return change;
  };

  const apply = async (request: WeightChangeRequest, caller: Caller, action: "weight" | "drain" | "restore"): Promise<WeightChange> => {
    // Scope first, decided from the service key: a request id never answers for a service out of scope.
    if (!caller.mayAct({ key: request.service })) throw new WeightRefused(403, `your VIP scope does not include ${request.service}`, "out-of-scope");
    const run = () => serialised(serverKey(request.service, request.realServer), () => applyNow(request, caller, action));
    if (!request.requestId) return run();
    const requestId = request.requestId;
    // A request id is bound to who sent it and to what they asked: a replay by anyone else, or with
    // another body, is refused instead of answered with the first change.
    const fingerprint = JSON.stringify({ ...request, requestId: undefined, action });
    const reused = () => new WeightRefused(409, `request id ${requestId} was already used for another request`, "request-id-reused");
    const pending = inFlight.get(requestId);
    if (pending) {
      if (pending.actor !== caller.actor || pending.fingerprint !== fingerprint) throw reused();
      return pending.change;
    }
    // Another hub of the cluster may have answered it: the record is shared (WeightRecords).
    const seen = await records.request(requestId, now() - REQUEST_ID_TTL_MS);
    if (seen) {
      if (seen.actor !== caller.actor || seen.fingerprint !== fingerprint) throw reused();
      return seen.change;
    }
    // A retry that arrived while the record was being read waits for the first too.
    const raced = inFlight.get(requestId);
    if (raced) {
      if (raced.actor !== caller.actor || raced.fingerprint !== fingerprint) throw reused();
      return raced.change;
    }
    // Claimed in the shared record before applying: a retry that reached another hub meanwhile is told
    // to ask again for the answer, instead of applying the change (or a drain's saved weight) twice.
    const claimed = async (): Promise<WeightChange> => {
      if (!(await records.claimRequest(requestId, now(), now() - REQUEST_CLAIM_STALE_MS))) {
        const answered = await records.request(requestId, now() - REQUEST_ID_TTL_MS);
        if (answered) {
          if (answered.actor !== caller.actor || answered.fingerprint !== fingerprint) throw reused();
          return answered.change;
        }
        throw new WeightRefused(409, `request id ${requestId} is being applied by another hub: send it again for its answer`, "request-in-progress");
      }
      try {
        const done = await run();
        await records.saveRequest(requestId, now(), { actor: caller.actor, fingerprint, change: done });
        return done;
      } finally {
        // A claim that could not be let go of goes stale; the answer, saved, is what a retry gets.
        await records.releaseRequest(requestId).catch(() => undefined);
      }
    };
    const change = claimed();
    inFlight.set(requestId, { actor: caller.actor, fingerprint, change });
    try {
      return await change;
    } finally {
      inFlight.delete(requestId);
    }
  };

  return {
    setWeight: (request: WeightChangeRequest, caller: Caller) => apply(request, caller, "weight"),
    async drain(request: Omit<WeightChangeRequest, "weight" | "expectedWeight">, caller: Caller) {
      const found = currentService(fleet.list(), request.service);
      const previous = found?.service.realServers.find((r) => r.key === request.realServer)?.weight;
      const change = await apply({ ...request, weight: 0 }, caller, "drain");
      if (change.state !== "failed" && previous !== undefined && previous > 0) {
        await records.saveDrain({ service: request.service, realServer: request.realServer, previousWeight: previous }, now());
      }
      return change;
    },
    async restore(request: { service: ServiceKey; realServer: RealServerKey; director?: WeightChangeRequest["director"] | undefined; reason?: string | undefined; requestId?: string | undefined }, caller: Caller) {
      const previous = await records.drainedFrom(request.service, request.realServer);
      if (previous === null) throw new WeightRefused(404, `${request.realServer} in ${request.service} has no drain to restore from`, "no-drain");
      const change = await apply({ ...request, weight: previous }, caller, "restore");
      if (change.state === "applied") await records.endDrain(request.service, request.realServer);
      return change;
    },
    /** A weight change the caller may see (VIP scope), or a 404. */
    change(id: string, caller: Caller): WeightChange {
      const change = delivery.get(id);
      if (!change || !caller.mayAct({ key: change.service })) throw new WeightRefused(404, `no weight change ${id} is known`, "not-found");
      return change;
    },
    /** Sends a change again to one director that drifted, failed or timed out; audited like any change. */
    async reapply(id: string, director: DirectorId, caller: Caller): Promise<WeightChange> {
      const before = this.change(id, caller);
      const from = before.results.find((r) => r.director === director)?.observedWeight ?? null;
      const base = { at: now(), actor: caller.actor, action: "weight" as const, remote: caller.remote, directors: [director], service: before.service, realServer: before.realServer, from, to: before.weight, reason: "reapply" };
      noteAsker(before.service, before.realServer, before.weight, caller.actor);
      try {
        const change = await delivery.reapply(id, director);
        await audit.append({ ...base, result: change.state, detail: auditDetail(change) });
        return change;
      } catch (err) {
        await audit.append({ ...base, result: "failed", detail: (err as Error).message });
        throw err;
      }
    },
    /**
     * Who asked this hub for `weight` on this real server within ASKER_WINDOW_MS before `at`: the name a
     * director's report of an operator's weight change carries. Null when nobody here did.
     */
    actorOf(service: ServiceKey, realServer: RealServerKey, weight: number, at: number): string | null {
      const asked = askedBy.get(serverKey(service, realServer));
      return asked !== undefined && asked.weight === weight && at - asked.at <= ASKER_WINDOW_MS && at >= asked.at - ASKER_WINDOW_MS ? asked.actor : null;
    },
    /** Every drain not yet restored, with the weight each real server had before. */
    drains: () => records.drains(),
  };
}

/** The weight service's interface. */
export type WeightService = ReturnType<typeof createWeightService>;
