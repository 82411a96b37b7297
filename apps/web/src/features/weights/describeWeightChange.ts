import type { WeightChange, WeightChangeResult } from "@lvsdeck/protocol";

/** One director's answer in words: "lvs-dir-01: 5", "lvs-dir-02: timeout", "lvs-dir-02: failed (…)". */
export function describeResult(result: WeightChangeResult): string {
  switch (result.state) {
    case "ok":
      return `${result.director}: ${result.observedWeight ?? "?"}`;
    case "timeout":
      return `${result.director}: no answer (timeout)`;
    case "failed":
      return `${result.director}: failed${result.error === null ? "" : ` — ${result.error}`}`;
    case "pending":
      return `${result.director}: pending`;
  }
}

/** A weight change's outcome in one line, as shown under the slider. */
export function describeWeightChange(change: WeightChange): string {
  const head =
    change.state === "applied"
      ? `weight ${change.weight} applied`
      : change.state === "partial"
        ? `weight ${change.weight} applied only partly`
        : change.state === "failed"
          ? `weight ${change.weight} failed`
          : `weight ${change.weight} pending`;
  return change.results.length === 0 ? head : `${head} — ${change.results.map(describeResult).join(", ")}`;
}
