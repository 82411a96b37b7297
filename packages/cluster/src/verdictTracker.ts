import type { Verdict } from "@lvsdeck/protocol";
import type { VerdictInput, VerdictOptions } from "./verdictOptions";
import { compareVerdicts, deriveVerdicts } from "./deriveVerdicts";

/** What changed in one {@link VerdictTracker.update}. */
export interface VerdictChanges {
  /** Verdicts that began now. */
  raised: Verdict[];
  /** Verdicts that held and no longer do, as they were last seen. */
  cleared: Verdict[];
  /** Verdicts that still hold but whose message or severity changed (e.g. a new table difference). */
  updated: Verdict[];
  /** Every verdict that holds, critical first. */
  active: Verdict[];
}

/** Keeps the verdicts that hold between evaluations so `since` stays put while a condition holds. */
export interface VerdictTracker {
  /** Re-evaluates every rule on `input` and reports what began, ended or changed. */
  update(input: VerdictInput): VerdictChanges;
  /** The verdicts that held at the last update. */
  active(): Verdict[];
}

/** Creates a tracker with no verdicts; `options` tune the rules (see verdictOptions.ts). */
export function createVerdictTracker(options: Partial<VerdictOptions> = {}): VerdictTracker {
  let current = new Map<string, Verdict>();
  let sorted: Verdict[] = [];

  return {
    update(input) {
      const next = new Map<string, Verdict>();
      const raised: Verdict[] = [];
      const updated: Verdict[] = [];
      for (const verdict of deriveVerdicts(input, options)) {
        const before = current.get(verdict.id);
        if (before === undefined) {
          raised.push(verdict);
          next.set(verdict.id, verdict);
          continue;
        }
        const kept = { ...verdict, since: before.since };
        if (kept.message !== before.message || kept.severity !== before.severity) updated.push(kept);
        next.set(verdict.id, kept);
      }
      const cleared = [...current.values()].filter((v) => !next.has(v.id));
      current = next;
      sorted = [...next.values()].sort(compareVerdicts);
      return { raised, cleared, updated, active: sorted };
    },
    active: () => sorted,
  };
}
