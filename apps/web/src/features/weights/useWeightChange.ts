import { useRef, useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { RealServerKey, ServiceKey, WeightChange } from "@lvsdeck/protocol";
import { postDrain, postRestore, postWeightChange } from "../../api/mutations";
import { RECENT_WEIGHT_CHANGES, recentWeightChangesQuery } from "../../api/queries";
import { drainKeys } from "../../api/drains";
import { applyWeightChange } from "../../live/applyUpdate";
import { useNow } from "../../lib/useNow";
import { newRequestId } from "../../lib/requestId";
import { displayedWeight, draftAfter, stateAfterFailure, type Draft, type WeightIntent, type WeightRequestState } from "./weightRequest";

/** A request to the hub: what was chosen, a fresh idempotency key, and for a forced change its reason. */
interface Sent {
  intent: WeightIntent;
  requestId: string;
  forced: { reason: string } | null;
}

function sendToHub(service: ServiceKey, realServer: RealServerKey, { intent, requestId, forced }: Sent): Promise<WeightChange> {
  const force = forced === null ? {} : { force: true, reason: forced.reason };
  switch (intent.action) {
    case "drain":
      return postDrain({ service, realServer, requestId, ...force });
    case "restore":
      return postRestore({ service, realServer, requestId, ...(forced !== null && { reason: forced.reason }) });
    case "set":
      return postWeightChange({ service, realServer, weight: intent.weight, requestId, ...(intent.expected !== null && { expectedWeight: intent.expected }), ...force });
  }
}

/**
 * Weight editing for one real server: the draft while dragging, the request on release, and its outcome.
 * Every request carries the weight the operator saw and a fresh request id. A value committed while a
 * request is in flight is sent when it returns (only the latest), so holding an arrow key never piles
 * up requests. A 409 either moves the slider to the weight now in effect or asks for force and a reason.
 */
export function useWeightChange(service: ServiceKey, realServer: RealServerKey, confirmed: number, onDraft: (weight: number | null) => void) {
  const client = useQueryClient();
  const now = useNow();
  const inFlight = useRef(false);
  const queued = useRef<number | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [state, setState] = useState<WeightRequestState>({ kind: "idle" });

  const { mutateAsync } = useMutation({
    mutationFn: (sent: Sent) => sendToHub(service, realServer, sent),
    onSuccess: (change, sent) => {
      client.setQueryData(recentWeightChangesQuery().queryKey, (recent) => applyWeightChange(recent ?? [], change, RECENT_WEIGHT_CHANGES));
      if (sent.intent.action !== "set") void client.invalidateQueries({ queryKey: drainKeys.all });
    },
  });

  async function send(intent: WeightIntent, forced: { reason: string } | null = null): Promise<void> {
    inFlight.current = true;
    setState({ kind: "pending", intent });
    let outcome: WeightRequestState;
    try {
      outcome = { kind: "answered", change: await mutateAsync({ intent, requestId: newRequestId(), forced }) };
    } catch (err) {
      outcome = stateAfterFailure(intent, err);
    } finally {
      inFlight.current = false;
    }
    setState(outcome);
    const next = queued.current;
    queued.current = null;
    // The next value was chosen on top of this one if it applied, else on top of what the operator saw.
    const applied = outcome.kind === "answered" && outcome.change.state === "applied";
    if (next !== null && outcome.kind !== "needs-force") return send({ action: "set", weight: next, expected: applied ? intent.weight : intent.expected });
    const settled = Date.now();
    setDraft((d) => draftAfter(d, outcome, settled));
    if (outcome.kind !== "needs-force") onDraft(null);
  }

  const startDraft = (weight: number) => setDraft((d) => ({ weight, base: d !== null && d.settledAt === null ? d.base : confirmed, settledAt: null }));
  const ready = () => !inFlight.current && state.kind !== "needs-force";

  return {
    state,
    pending: state.kind === "pending",
    weight: displayedWeight(draft, confirmed, now),
    /** The operator is moving the value (not yet released). */
    drag(weight: number): void {
      startDraft(weight);
      onDraft(weight);
    },
    /** The operator released the value: send it now, or after the request in flight. */
    commit(weight: number): void {
      const expected = draft !== null && draft.settledAt === null ? draft.base : confirmed;
      startDraft(weight);
      onDraft(weight);
      if (!ready()) {
        queued.current = weight;
        return;
      }
      void send({ action: "set", weight, expected });
    },
    /** Drains the server (weight 0 on every director carrying the service). */
    drain(): void {
      if (!ready()) return;
      startDraft(0);
      void send({ action: "drain", weight: 0, expected: null });
    },
    /** Puts back the weight the hub remembers from its drain, or sets `weight` where the hub has no drain. */
    restore(target: { weight: number; hubDrain: boolean }): void {
      if (!ready()) return;
      startDraft(target.weight);
      void send(target.hubDrain ? { action: "restore", weight: target.weight, expected: null } : { action: "set", weight: target.weight, expected: confirmed });
    },
    /** Sends the change the hub called unsafe again, forced, with the operator's reason. */
    force(reason: string): void {
      if (state.kind !== "needs-force" || inFlight.current) return;
      void send(state.intent, { reason });
    },
    /** The operator decided not to force: nothing changes. */
    dismissForce(): void {
      if (state.kind !== "needs-force") return;
      setState({ kind: "idle" });
      setDraft(null);
      onDraft(null);
    },
    /** The operator abandoned an edit without sending it. */
    cancel(): void {
      if (inFlight.current) return;
      setDraft(null);
      onDraft(null);
    },
  };
}
