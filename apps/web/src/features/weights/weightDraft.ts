/**
 * A weight an operator is choosing but has not applied. Dragging, arrow keys, Home/End and typing only
 * move the draft; Apply (or Enter) sends it, Escape discards it. A weight of 0 is a drain and asks first.
 */

/** After a change applied, Undo is offered this long. */
export const UNDO_WINDOW_MS = 30_000;

/** What the keyboard means to a weight input: Enter applies the draft, Escape discards it; other keys only move it. */
export function keyIntent(key: string): "apply" | "discard" | null {
  if (key === "Enter") return "apply";
  if (key === "Escape") return "discard";
  return null;
}

/** "2 → 5 on lvs-dir-01, lvs-dir-02", or "2 → 0 (drain) on …". */
export function draftText(from: number, to: number, targets: readonly string[]): string {
  const where = targets.length === 0 ? "" : ` on ${targets.join(", ")}`;
  return `${from} → ${to}${to === 0 ? " (drain)" : ""}${where}`;
}

/** A change that applied (on at least one director) and can still be taken back. */
export interface Undoable {
  /** The weight before the change, which Undo sets again. */
  from: number;
  /** The weight the change set; Undo expects to find it. */
  to: number;
  /** Whether it was a drain (undone by the hub's restore, which knows the weight before). */
  drain: boolean;
  appliedAt: number;
}

/** Whole seconds Undo is still offered, or null once the window closed. */
export function undoSecondsLeft(undoable: Undoable | null, now: number): number | null {
  if (undoable === null) return null;
  const left = undoable.appliedAt + UNDO_WINDOW_MS - now;
  return left > 0 ? Math.ceil(left / 1000) : null;
}
