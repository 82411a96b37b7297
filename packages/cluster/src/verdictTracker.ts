import type { Verdict } from "@lvsdeck/protocol";
import type { VerdictInput, VerdictOptions } from "./verdictOptions";
import { compareVerdicts, deriveVerdicts } from "./deriveVerdicts";
import { vrrpGroups, vrrpInstanceGroups } from "./groups";
import { noMasterHoldMs, overlapHoldMs, type InstanceGroup } from "./vrrpRules";

/**
 * How long a condition must hold before it is a verdict: no MASTER only after the master-down interval;
 * two MASTERs or a VIP on two directors only after two advert intervals (a preemption overlaps less).
 */
function holdMs(verdict: Verdict, groups: () => readonly InstanceGroup[]): number {
  if (verdict.kind === "no-master") return noMasterHoldMs(groups(), verdict.scope.group);
  if (verdict.kind === "split-brain" || verdict.kind === "vip-on-two-directors") return overlapHoldMs(groups(), verdict.scope.group);
  return 0;
}

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

/**
 * Keeps the verdicts that hold between evaluations so `since` stays put while a condition holds. A
 * condition with a hold (no MASTER) becomes a verdict only once it has held that long, with `since` from
 * when it was first seen.
 */
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
  // Conditions seen but still within their hold: id -> when first seen.
  let pending = new Map<string, number>();

  return {
    update(input) {
      const next = new Map<string, Verdict>();
      const nextPending = new Map<string, number>();
      const raised: Verdict[] = [];
      const updated: Verdict[] = [];
      // The VRRP groups, made once per update and only if a verdict with a hold needs them.
      let groups: readonly InstanceGroup[] | undefined;
      const groupsOf = () => (groups ??= vrrpInstanceGroups(vrrpGroups(input.directors)));
      for (const verdict of deriveVerdicts(input, options)) {
        const before = current.get(verdict.id);
        if (before === undefined) {
          const firstSeen = pending.get(verdict.id) ?? input.now;
          const startWait = verdict.kind === "no-master" ? (input.holdNoMasterUntil ?? 0) : 0;
          if (input.now - firstSeen < holdMs(verdict, groupsOf) || input.now < startWait) {
            nextPending.set(verdict.id, firstSeen);
            continue;
          }
          const begun = { ...verdict, since: Math.min(verdict.since, firstSeen) };
          raised.push(begun);
          next.set(verdict.id, begun);
          continue;
        }
        const kept = { ...verdict, since: before.since };
        if (kept.message !== before.message || kept.severity !== before.severity) updated.push(kept);
        next.set(verdict.id, kept);
      }
      const cleared = [...current.values()].filter((v) => !next.has(v.id));
      current = next;
      pending = nextPending;
      sorted = [...next.values()].sort(compareVerdicts);
      return { raised, cleared, updated, active: sorted };
    },
    active: () => sorted,
  };
}
