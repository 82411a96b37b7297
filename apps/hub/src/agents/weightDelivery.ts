import { randomUUID } from "node:crypto";
import type { DirectorId, DirectorView, RealServerKey, ServiceKey, WeightChange, WeightChangeRequest, WeightChangeResult } from "@lvsdeck/protocol";
import type { Fleet, FleetChange } from "../fleet";
import type { HeldChange, HeldChangeMatch, HeldChangeStore } from "../store/heldWeightChanges";
import { CommandError, type CommandOutcome, type CommandRouter } from "./commandRouter";

/** Most weight changes kept for GET /api/weights/:id, besides those still owed to a director. */
const RECENT_CHANGES = 500;

/** A director in one of these states still owes the change: it was away, or came back with another weight. */
const OWED = new Set<WeightChangeResult["state"]>(["disconnected", "drift"]);

/** Results the operator may send again with one click. */
const REAPPLICABLE = new Set<WeightChangeResult["state"]>(["drift", "failed", "timeout"]);

/**
 * A change's overall state: `pending` while a director is still to answer, or while none confirmed and some
 * are away; `applied` once every director carrying the service confirmed; `partial` when some did and
 * others did not (yet); `failed` when none did and none is still awaited.
 */
export function overallState(results: readonly WeightChangeResult[]): WeightChange["state"] {
  if (results.some((r) => r.state === "pending")) return "pending";
  const ok = results.filter((r) => r.state === "ok").length;
  if (ok === results.length) return "applied";
  if (ok > 0) return "partial";
  return results.some((r) => r.state === "disconnected") ? "pending" : "failed";
}

/** The weight a director's last known snapshot gives a real server, if it carries it. */
function weightOn(view: DirectorView, service: ServiceKey, realServer: RealServerKey): number | undefined {
  return view.snapshot?.services.find((s) => s.key === service)?.realServers.find((r) => r.key === realServer)?.weight;
}

/** Weight changes sent to every director carrying the service, held for the ones that are away. */
export interface WeightDelivery {
  /** Sends to every carrier (or the one named): connected ones now, the others when they are back. */
  setWeight(request: WeightChangeRequest): Promise<WeightChange>;
  /** Sends a change again to one director whose result drifted, failed or timed out. */
  reapply(id: string, director: DirectorId): Promise<WeightChange>;
  get(id: string): WeightChange | undefined;
  /** Feeds the fleet's changes: a director that came back and sent its snapshot gets what it is owed. */
  noteDirector(view: DirectorView, change: FleetChange): void;
  /**
   * Another hub's news of a change it acted on (made it, or delivered it as held): read here as that
   * hub says, unless this hub has a command in flight for it. Returns whether it was taken.
   */
  noteRemote(change: WeightChange): boolean;
}

interface Deps {
  fleet: Fleet;
  commands: CommandRouter;
  store: HeldChangeStore;
  /** Whether this hub delivers what is owed to a director: the one its agent is connected to. Default: every director. */
  holds?: (director: DirectorId) => boolean;
  onWeightChange: (change: WeightChange) => void;
  /** Hears a held change that could not be saved, removed or taken (the database away). */
  onStoreError?: (err: Error) => void;
  now: () => number;
}

/**
 * The change with its pending results as away: an answer this hub will never hear (a stopped hub's
 * command, or another hub's) leaves the director to be checked again on its return.
 */
function pendingAsAway(change: WeightChange): WeightChange {
  const results = change.results.map((r): WeightChangeResult => (r.state === "pending" ? { ...r, state: "disconnected" } : r));
  return { ...change, results, state: overallState(results) };
}

/**
 * Creates the delivery. Changes owed to a director live in the store, not in this hub's memory: the
 * store may be shared by clustered hubs, and a change is acted on only by the hub that takes it from
 * the store (HeldChangeStore.take), so two hubs never deliver it twice. Delivery on a director's return
 * is done by the hub holding its agent, which reads its snapshot first-hand; the other hubs leave it
 * alone. Memory keeps only changes with a command in flight from this hub, and recent ones for reading,
 * among them other hubs' news of the changes they acted on (noteRemote, from the cluster bus).
 */
export async function createWeightDelivery(deps: Deps): Promise<WeightDelivery> {
  const { fleet, commands, store } = deps;
  const holds = deps.holds ?? (() => true);
  const reportStoreError = (err: Error) => deps.onStoreError?.(err);
  const recent = new Map<string, WeightChange>();
  // Changes this hub has a command in flight for, with each director's weight before the change.
  const active = new Map<string, { change: WeightChange; before: HeldChange["before"] }>();
  const awaitingSnapshot = new Set<DirectorId>();

  // Shown as they were when the hub stopped; a command in flight then may or may not have arrived.
  for (const { change } of (await store.load()).held) recent.set(change.id, pendingAsAway(change));

  const get = (id: string) => active.get(id)?.change ?? recent.get(id);

  // Each change's writes go out in order: pg may run two queries of one pool on two connections at once.
  const writes = new Map<string, Promise<void>>();
  const write = (id: string, work: () => Promise<void>) => {
    const done = (writes.get(id) ?? Promise.resolve()).then(work).catch(reportStoreError);
    writes.set(id, done);
    void done.then(() => {
      if (writes.get(id) === done) writes.delete(id);
    });
  };
  /** Takes from the store once this hub's own writes are in, so it never misses a change it just held. */
  const take = async (match: HeldChangeMatch) => {
    await Promise.all(writes.values());
    return store.take(match);
  };
  /** Changes taken from the store become this hub's to act on; one already in flight here is newer in memory. */
  const adopt = (taken: HeldChange[]) => {
    for (const held of taken) {
      if (!active.has(held.change.id)) active.set(held.change.id, { change: pendingAsAway(held.change), before: held.before });
    }
  };

  const remember = (change: WeightChange) => {
    recent.set(change.id, change);
    if (recent.size > RECENT_CHANGES) recent.delete(recent.keys().next().value as string);
  };

  const publish = (entry: { change: WeightChange; before: HeldChange["before"] }) => {
    const { change } = entry;
    remember(change);
    if (change.results.some((r) => OWED.has(r.state))) write(change.id, () => store.save(entry));
    else write(change.id, () => store.remove(change.id));
    if (!change.results.some((r) => r.state === "pending")) active.delete(change.id);
    deps.onWeightChange(change);
  };

  const update = (id: string, result: WeightChangeResult): WeightChange | undefined => {
    const entry = active.get(id);
    if (!entry) return undefined;
    const results = entry.change.results.map((r) => (r.director === result.director ? result : r));
    entry.change = { ...entry.change, results, state: overallState(results) };
    publish(entry);
    return entry.change;
  };

  const resultOf = (director: DirectorId, outcome: CommandOutcome): WeightChangeResult => {
    if (outcome === "timeout") return { director, state: "timeout", observedWeight: null, error: `no answer from ${director} within ${commands.timeoutMs} ms` };
    if (outcome === "gone") return { director, state: "disconnected", observedWeight: null, error: `${director} disconnected before answering; checked again when it returns` };
    return { director, state: outcome.ok ? "ok" : "failed", observedWeight: outcome.observedWeight, error: outcome.error };
  };

  /** Sends a change whose result for the director is already `pending`, and records the answer. */
  const dispatchTo = async (change: WeightChange, director: DirectorId): Promise<WeightChange> => {
    const outcome = await commands.dispatch(director, { kind: "set-weight", service: change.service, realServer: change.realServer, weight: change.weight });
    return update(change.id, resultOf(director, outcome)) ?? change;
  };

  /** An older change still owed to these directors for the same real server will never be sent: the new one replaces it. */
  const supersede = async (request: WeightChangeRequest, directors: ReadonlySet<DirectorId>) => {
    for (const director of directors) adopt(await take({ director, states: [...OWED], service: request.service, realServer: request.realServer }));
    for (const { change } of [...active.values()]) {
      if (change.service !== request.service || change.realServer !== request.realServer) continue;
      for (const r of change.results) {
        if (!OWED.has(r.state) || !directors.has(r.director)) continue;
        update(change.id, { ...r, state: "failed", error: `replaced by a later change to weight ${request.weight} before it reached ${r.director}` });
      }
    }
  };

  /** What a director that is back is owed: sent if it still has the weight from before, else checked. */
  const deliver = async (director: DirectorId) => {
    // One hub delivers: the one holding the agent. A change still pending for this director was sent
    // before it went: whether it arrived is checked now, as for one that was away.
    if (!holds(director)) return;
    adopt(await take({ director, states: ["disconnected", "pending"] }));
    const view = fleet.get(director);
    for (const { change, before } of [...active.values()]) {
      if (!change.results.some((r) => r.director === director && r.state === "disconnected")) continue;
      const now = view ? weightOn(view, change.service, change.realServer) : undefined;
      const was = before[director];
      if (now === undefined) {
        update(change.id, { director, state: "failed", observedWeight: null, error: `${director} no longer carries ${change.realServer} in ${change.service}` });
      } else if (now === change.weight) {
        update(change.id, { director, state: "ok", observedWeight: now, error: null });
      } else if (now === was) {
        const sent = update(change.id, { director, state: "pending", observedWeight: null, error: null });
        if (sent) void dispatchTo(sent, director);
      } else {
        const error = `weight ${now} on its return, neither ${was ?? "unknown"} (before the change) nor ${change.weight}: not overwritten`;
        update(change.id, { director, state: "drift", observedWeight: now, error });
      }
    }
  };

  return {
    async setWeight(request) {
      const carrying = fleet.list().flatMap((view) => {
        const weight = weightOn(view, request.service, request.realServer);
        return weight === undefined ? [] : [{ view, weight }];
      });
      const targets = request.director === undefined ? carrying : carrying.filter((c) => c.view.id === request.director);
      if (targets.length === 0) {
        const where = request.director === undefined ? "no director" : `director ${request.director}`;
        throw new CommandError(404, `${where} carries real server ${request.realServer} in service ${request.service}`);
      }
      if (request.director !== undefined && targets.some((t) => !t.view.connected)) throw new CommandError(409, `director ${request.director} is not connected`);
      await supersede(request, new Set(targets.map((t) => t.view.id)));
      const results = targets.map((t): WeightChangeResult => ({ director: t.view.id, state: t.view.connected ? "pending" : "disconnected", observedWeight: null, error: null }));
      const change: WeightChange = {
        id: randomUUID(),
        service: request.service,
        realServer: request.realServer,
        weight: request.weight,
        requestedAt: deps.now(),
        state: overallState(results),
        results,
      };
      const entry = { change, before: Object.fromEntries(targets.map((t) => [t.view.id, t.weight])) };
      active.set(change.id, entry);
      publish(entry);
      await Promise.all(targets.filter((t) => t.view.connected).map((t) => dispatchTo(change, t.view.id)));
      return get(change.id) ?? change;
    },
    async reapply(id, director) {
      const change = get(id);
      if (!change) throw new CommandError(404, `no weight change ${id} is known`);
      const result = change.results.find((r) => r.director === director);
      if (!result) throw new CommandError(404, `weight change ${id} did not include director ${director}`);
      if (!REAPPLICABLE.has(result.state)) throw new CommandError(409, `${director} is ${result.state} for this change; only a drifted, failed or timed-out director can be reapplied`);
      const later = [...recent.values()].find((c) => c.service === change.service && c.realServer === change.realServer && c.requestedAt > change.requestedAt);
      if (later) throw new CommandError(409, `a later change (weight ${later.weight}) replaced this one`);
      if (!fleet.get(director)?.connected) throw new CommandError(409, `director ${director} is not connected`);
      if (!active.has(id)) {
        // Held in the store when still owed to another director: taken, so its weights-before stay with it.
        adopt(await take({ id }));
        if (!active.has(id)) active.set(id, { change, before: {} });
      }
      const sent = update(id, { director, state: "pending", observedWeight: null, error: null }) ?? change;
      return dispatchTo(sent, director);
    },
    get,
    noteRemote(change) {
      if (active.has(change.id)) return false;
      remember(change);
      return true;
    },
    noteDirector(view, change) {
      if (change === "presence") {
        if (view.connected) awaitingSnapshot.add(view.id);
        else awaitingSnapshot.delete(view.id);
      } else if (change === "data" && view.connected && awaitingSnapshot.delete(view.id)) {
        deliver(view.id).catch(reportStoreError);
      }
    },
  };
}
