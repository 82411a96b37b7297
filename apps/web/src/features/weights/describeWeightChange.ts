import type { WeightChange, WeightChangeResult } from "@lvsdeck/protocol";

/** Per-director results an operator can send again with one click. */
export const reapplicableStates: ReadonlySet<WeightChangeResult["state"]> = new Set(["drift", "failed", "timeout"]);

/** A director's state in the operator's words: applied, pending (disconnected), failed, drift... */
export function resultLabel(result: WeightChangeResult): string {
  switch (result.state) {
    case "ok":
      return "applied";
    case "pending":
      return "pending";
    case "disconnected":
      return "pending (disconnected)";
    case "timeout":
      return "no answer (timeout)";
    case "failed":
      return "failed";
    case "drift":
      return "drift";
  }
}

/**
 * One director's answer in words: "lvs-dir-01: applied (5)", "lvs-dir-02: pending (disconnected)",
 * "lvs-dir-02: drift (weight 9) — …", "lvs-dir-02: failed — …".
 */
export function describeResult(result: WeightChangeResult): string {
  const label = resultLabel(result);
  const weight = result.state === "ok" || result.state === "drift" ? ` (${result.observedWeight === null ? "weight unknown" : `weight ${result.observedWeight}`})` : "";
  const detail = result.error !== null && result.state !== "disconnected" ? ` — ${result.error}` : "";
  return `${result.director}: ${label}${weight}${detail}`;
}

/** What is still owed or wrong, for the headline: "1 pending (disconnected), 1 drift". */
function outstanding(change: WeightChange): string {
  const counts = new Map<string, number>();
  for (const r of change.results) if (r.state !== "ok") counts.set(resultLabel(r), (counts.get(resultLabel(r)) ?? 0) + 1);
  return [...counts].map(([label, n]) => `${n} ${label}`).join(", ");
}

/** A weight change's overall outcome: "weight 6 applied", "weight 6 applied on 1 of 2 directors (1 drift)"... */
export function describeHeadline(change: WeightChange): string {
  const ok = change.results.filter((r) => r.state === "ok").length;
  switch (change.state) {
    case "applied":
      return `weight ${change.weight} applied`;
    case "partial":
      return `weight ${change.weight} applied on ${ok} of ${change.results.length} directors (${outstanding(change)})`;
    case "failed":
      return `weight ${change.weight} failed`;
    case "pending":
      return `weight ${change.weight} pending`;
  }
}

/** A weight change's outcome in one line: the headline, then each director. */
export function describeWeightChange(change: WeightChange): string {
  const head = describeHeadline(change);
  return change.results.length === 0 ? head : `${head} — ${change.results.map(describeResult).join(", ")}`;
}
