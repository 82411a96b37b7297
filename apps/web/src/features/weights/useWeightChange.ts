import { useRef, useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { RealServerKey, ServiceKey, WeightChange } from "@lvsdeck/protocol";
import { postWeightChange } from "../../api/mutations";
import { RECENT_WEIGHT_CHANGES, recentWeightChangesQuery } from "../../api/queries";
import { applyWeightChange } from "../../live/applyUpdate";
import { useNow } from "../../lib/useNow";

/** After an applied change, the slider keeps the new value this long while waiting for the snapshot to show it. */
export const DRAFT_HOLD_MS = 5_000;

/** What the row shows about its last weight request. */
export type WeightRequestState =
  | { kind: "idle" }
  | { kind: "pending"; weight: number }
  | { kind: "answered"; change: WeightChange }
  | { kind: "error"; weight: number; message: string };

/** A value the operator chose that the director's table does not show yet. */
interface Draft {
  weight: number;
  /** The confirmed weight when the draft began; once the table moves away from it, the draft is obsolete. */
  base: number;
  /** When an applied answer came back; null while dragging or waiting. */
  settledAt: number | null;
}

/** The value the slider shows: the operator's draft while it means something, else the confirmed weight. */
export function displayedWeight(draft: Draft | null, confirmed: number, now: number): number {
  if (draft === null) return confirmed;
  if (draft.settledAt === null) return draft.weight;
  return confirmed === draft.base && now - draft.settledAt < DRAFT_HOLD_MS ? draft.weight : confirmed;
}

/**
 * Weight editing for one real server: the draft while dragging, the request on release, and its outcome.
 * A value committed while a request is in flight is sent when it returns (only the latest), so holding
 * an arrow key never piles up requests. A failed request drops the draft: nothing optimistic sticks.
 */
export function useWeightChange(service: ServiceKey, realServer: RealServerKey, confirmed: number, onDraft: (weight: number | null) => void) {
  const client = useQueryClient();
  const now = useNow();
  const inFlight = useRef(false);
  const queued = useRef<number | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [state, setState] = useState<WeightRequestState>({ kind: "idle" });

  const { mutateAsync } = useMutation({
    mutationFn: (weight: number) => postWeightChange({ service, realServer, weight }),
    onSuccess: (change) => {
      client.setQueryData(recentWeightChangesQuery().queryKey, (recent) => applyWeightChange(recent ?? [], change, RECENT_WEIGHT_CHANGES));
    },
  });

  async function send(weight: number): Promise<void> {
    inFlight.current = true;
    setState({ kind: "pending", weight });
    let applied = false;
    try {
      const change = await mutateAsync(weight);
      applied = change.state === "applied";
      setState({ kind: "answered", change });
    } catch (err) {
      setState({ kind: "error", weight, message: err instanceof Error ? err.message : String(err) });
    } finally {
      inFlight.current = false;
    }
    const next = queued.current;
    queued.current = null;
    if (next !== null) return send(next);
    setDraft((d) => (applied && d !== null ? { ...d, settledAt: Date.now() } : null));
    onDraft(null);
  }

  return {
    state,
    pending: state.kind === "pending",
    weight: displayedWeight(draft, confirmed, now),
    /** The operator is moving the value (not yet released). */
    drag(weight: number): void {
      setDraft((d) => ({ weight, base: d !== null && d.settledAt === null ? d.base : confirmed, settledAt: null }));
      onDraft(weight);
    },
    /** The operator released the value: send it now, or after the request in flight. */
    commit(weight: number): void {
      setDraft((d) => ({ weight, base: d !== null && d.settledAt === null ? d.base : confirmed, settledAt: null }));
      onDraft(weight);
      if (inFlight.current) {
        queued.current = weight;
        return;
      }
      void send(weight);
    },
    /** The operator abandoned an edit without sending it. */
    cancel(): void {
      if (inFlight.current) return;
      setDraft(null);
      onDraft(null);
    },
  };
}
