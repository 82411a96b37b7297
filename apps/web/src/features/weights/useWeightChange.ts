import { useRef, useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { RealServerKey, ServiceKey, WeightChange } from "@lvsdeck/protocol";
import { postDrain, postRestore, postWeightChange } from "../../api/mutations";
import { RECENT_WEIGHT_CHANGES, recentWeightChangesQuery } from "../../api/queries";
import { drainKeys } from "../../api/drains";
import { applyWeightChange } from "../../live/applyUpdate";
import { useNow } from "../../lib/useNow";
import { newRequestId } from "../../lib/requestId";
import { displayedWeight, draftAfter, sendUntilAnswered, stateAfterFailure, type Draft, type WeightIntent, type WeightRequestState } from "./weightRequest";
import { undoSecondsLeft, type Undoable } from "./weightDraft";

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
 * Weight editing for one real server. Dragging, keys and typing make a draft that nothing is sent for;
 * `apply` sends it (a draft of 0 first asks, as a drain), `discard` drops it. Every request carries the
 * weight the operator saw and a fresh request id, kept when it is sent again for want of an answer. A 409 either moves the slider to the weight now in
 * effect or asks for force and a reason. A change that applied can be undone for 30 s.
 */
export function useWeightChange(service: ServiceKey, realServer: RealServerKey, confirmed: number, onDraft: (weight: number | null) => void) {
  const client = useQueryClient();
  const now = useNow();
  const inFlight = useRef(false);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [state, setState] = useState<WeightRequestState>({ kind: "idle" });
  const [confirmingDrain, setConfirmingDrain] = useState(false);
  const [undoable, setUndoable] = useState<Undoable | null>(null);

  const { mutateAsync } = useMutation({
    mutationFn: (sent: Sent) => sendToHub(service, realServer, sent),
    onSuccess: (change, sent) => {
      client.setQueryData(recentWeightChangesQuery().queryKey, (recent) => applyWeightChange(recent ?? [], change, RECENT_WEIGHT_CHANGES));
      if (sent.intent.action !== "set") void client.invalidateQueries({ queryKey: drainKeys.all });
    },
  });

  async function send(intent: WeightIntent, forced: { reason: string } | null = null, undo = false): Promise<void> {
    if (inFlight.current) return;
    inFlight.current = true;
    setState({ kind: "pending", intent });
    setConfirmingDrain(false);
    const before = intent.expected ?? confirmed;
    let outcome: WeightRequestState;
    try {
      // One request id for every resend: the hub applies it once and answers each resend with its first answer.
      const sent: Sent = { intent, requestId: newRequestId(), forced };
      outcome = { kind: "answered", change: await sendUntilAnswered(() => mutateAsync(sent)) };
    } catch (err) {
      outcome = stateAfterFailure(intent, err);
    } finally {
      inFlight.current = false;
    }
    setState(outcome);
    const settled = Date.now();
    // What was sent is what the slider holds until the table shows it (an older draft is over).
    setDraft(draftAfter({ weight: intent.weight, base: before, settledAt: null }, outcome, settled));
    if (outcome.kind !== "needs-force") onDraft(null);
    const tookEffect = outcome.kind === "answered" && (outcome.change.state === "applied" || outcome.change.state === "partial");
    // An undo is not itself offered for undoing; a new change replaces the offer.
    if (tookEffect && !undo) setUndoable({ from: before, to: intent.weight, drain: intent.action === "drain", appliedAt: settled });
    else if (tookEffect || outcome.kind !== "answered") setUndoable(null);
  }

  const pendingDraft = draft !== null && draft.settledAt === null ? draft : null;
  const ready = () => !inFlight.current && state.kind !== "needs-force";

  return {
    state,
    pending: state.kind === "pending",
    weight: displayedWeight(draft, confirmed, now),
    /** The draft being chosen, with the weight it started from; null when there is none. */
    draft: pendingDraft === null || pendingDraft.weight === pendingDraft.base ? null : { from: pendingDraft.base, to: pendingDraft.weight },
    /** A draft of 0 is waiting for the operator to confirm the drain. */
    confirmingDrain,
    /** Seconds left to undo the last change, or null. */
    undoSecondsLeft: undoSecondsLeft(undoable, now),
    /** The operator moves the value (slider, keys, typing): a draft, nothing is sent. */
    move(weight: number): void {
      setConfirmingDrain(false);
      setDraft((d) => ({ weight, base: d !== null && d.settledAt === null ? d.base : confirmed, settledAt: null }));
      onDraft(weight);
    },
    /** Sends the draft; a draft of 0 asks first (`confirmDrain`). */
    apply(): void {
      if (pendingDraft === null || pendingDraft.weight === pendingDraft.base || !ready()) return;
      if (pendingDraft.weight === 0) {
        setConfirmingDrain(true);
        return;
      }
      void send({ action: "set", weight: pendingDraft.weight, expected: pendingDraft.base });
    },
    /** The operator confirmed that a draft of 0 (or the Drain button) drains the server. */
    confirmDrain(): void {
      if (!ready()) return;
      void send({ action: "drain", weight: 0, expected: null });
    },
    /** Drops the draft (Escape, Discard): nothing was sent. */
    discard(): void {
      if (inFlight.current) return;
      setConfirmingDrain(false);
      setDraft(null);
      onDraft(null);
    },
    /** Drains the server (weight 0 on every director carrying the service). */
    drain(): void {
      if (!ready()) return;
      void send({ action: "drain", weight: 0, expected: null });
    },
    /** Puts back the weight the hub remembers from its drain, or sets `weight` where the hub has no drain. */
    restore(target: { weight: number; hubDrain: boolean }): void {
      if (!ready()) return;
      void send(target.hubDrain ? { action: "restore", weight: target.weight, expected: null } : { action: "set", weight: target.weight, expected: confirmed });
    },
    /** Takes the last change back: the weight before it, expecting the weight it set (a drain through the hub's restore). */
    undo(): void {
      if (undoable === null || undoSecondsLeft(undoable, Date.now()) === null || !ready()) return;
      void send(undoable.drain ? { action: "restore", weight: undoable.from, expected: null } : { action: "set", weight: undoable.from, expected: undoable.to }, null, true);
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
  };
}
