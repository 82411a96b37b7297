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
  // Sent RESEND_DELAYS_MS.length + 1 times without an answer: it may have been applied or not.
  if (worthResending(err)) return { kind: "error", intent, message: `${message}. No answer after ${RESEND_DELAYS_MS.length + 1} tries: the change may or may not have been made; the table shows what the directors report` };
  return { kind: "error", intent, message };
}

/**
 * The waits before each resend of one request. A request with no answer (the connection dropped, a load
 * balancer found no hub) or one that another hub is still applying (409 request-in-progress) is sent again
 * with the same request id: the hub applies a request id once and answers every resend with its first
 * answer, so the row shows what happened instead of an error that leaves the operator guessing.
 */
export const RESEND_DELAYS_MS = [250, 500, 1_000, 2_000, 4_000];

/** Whether a failed request is worth sending again with the same request id (see RESEND_DELAYS_MS). */
export function worthResending(err: unknown): boolean {
  if (!(err instanceof ApiRequestError)) return false;
  if (err.status === null) return true;
  if (err.status === 409) return err.detail.code === "request-in-progress";
  return err.status === 502 || err.status === 503 || err.status === 504;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Sends until the hub answers, fails in a way a resend cannot change, or the waits run out (then the last failure). */
export async function sendUntilAnswered<T>(send: () => Promise<T>, wait: (ms: number) => Promise<void> = sleep): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      const delay = RESEND_DELAYS_MS[attempt];
      if (delay === undefined || !worthResending(err)) throw err;
      await wait(delay);
    }
  }
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
