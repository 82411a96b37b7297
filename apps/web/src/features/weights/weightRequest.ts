import type { WeightChange } from "@lvsdeck/protocol";
import { ApiRequestError } from "../../api/http";

/** After an applied change, the slider keeps the new value this long while waiting for the snapshot to show it. */
export const DRAFT_HOLD_MS = 5_000;

/** What an operator asked for: a weight from the slider, a drain, or a restore. */
export type WeightAction = "set" | "drain" | "restore";

/** One request as sent: the weight, and the weight the operator saw (for `set`), for the hub's 409 check. */
export interface WeightIntent {
  action: WeightAction;
  weight: number;
  /** The weight the operator saw before choosing; null for drain and restore, which the hub checks itself. */
  expected: number | null;
}

/** What the row shows about its last weight request. */
export type WeightRequestState =
  | { kind: "idle" }
  | { kind: "pending"; intent: WeightIntent }
  | { kind: "answered"; change: WeightChange }
  /** Someone changed the weight between what the operator saw and the request: nothing was sent to the agents. */
  | { kind: "conflict"; intent: WeightIntent; currentWeight: number }
  /** The hub refused an unsafe change (last healthy server, total weight zero) until it is forced with a reason. */
  | { kind: "needs-force"; intent: WeightIntent; message: string }
  | { kind: "error"; intent: WeightIntent; message: string };

/** The hub's answer to a failed request, as the row shows it. */
export function stateAfterFailure(intent: WeightIntent, err: unknown): WeightRequestState {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof ApiRequestError && err.status === 409) {
    if (err.detail.code === "weight-changed" && err.detail.currentWeight !== undefined) return { kind: "conflict", intent, currentWeight: err.detail.currentWeight };
    if (err.detail.code === "needs-force") return { kind: "needs-force", intent, message };
  }
  return { kind: "error", intent, message };
}

/** A value the operator chose that the director's table does not show yet. */
export interface Draft {
  weight: number;
  /** The confirmed weight when the draft began; once the table moves away from it, the draft is obsolete. */
  base: number;
  /** When an answer settled it; null while dragging, waiting, or asking whether to force. */
  settledAt: number | null;
}

/**
 * The draft after a request's outcome: an applied weight is held until the table shows it; after a
 * conflict the slider moves to the weight now in effect; while the hub asks for force the chosen value
 * stays on screen; anything else drops the draft (nothing optimistic sticks).
 */
export function draftAfter(draft: Draft | null, state: WeightRequestState, now: number): Draft | null {
  switch (state.kind) {
    case "answered":
      return state.change.state === "applied" && draft !== null ? { ...draft, settledAt: now } : null;
    case "conflict":
      return { weight: state.currentWeight, base: draft?.base ?? state.intent.expected ?? state.currentWeight, settledAt: now };
    case "needs-force":
      return draft;
    case "idle":
    case "pending":
    case "error":
      return null;
  }
}

/** The value the slider shows: the operator's draft while it means something, else the confirmed weight. */
export function displayedWeight(draft: Draft | null, confirmed: number, now: number): number {
  if (draft === null) return confirmed;
  if (draft.settledAt === null) return draft.weight;
  return confirmed === draft.base && now - draft.settledAt < DRAFT_HOLD_MS ? draft.weight : confirmed;
}
