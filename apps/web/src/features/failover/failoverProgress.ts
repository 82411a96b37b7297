import { isHeld, normalizeVip } from "@lvsdeck/cluster";
import type { DirectorId } from "@lvsdeck/protocol";
import type { GroupMember } from "../topology/topologyModel";

/** One step of a planned failover as the directors report it. */
export interface FailoverStep {
  text: string;
  done: boolean;
}

/**
 * The steps of moving a group's MASTER from `from` to `to`, each done when the directors' own reports say
 * so (not when lvsdeck asked): keepalived reads the held file, the held director drops to priority 1 and
 * BACKUP, the other becomes MASTER and holds the group's VIPs. Moving back is the same with the roles swapped.
 */
export function failoverSteps(members: readonly GroupMember[], vips: readonly string[], from: DirectorId, to: DirectorId, back: boolean): FailoverStep[] {
  const member = (id: DirectorId) => members.find((m) => m.view.id === id);
  const [leaving, arriving] = back ? [member(to), member(from)] : [member(from), member(to)];
  const held = member(from) !== undefined && isHeld(member(from)!.view);
  const heldInstance = member(from)?.instance;
  const live = (m: GroupMember | undefined) => m !== undefined && !m.freshness.stale;
  const present = new Set((arriving?.view.snapshot?.vipsPresent ?? []).map(normalizeVip));
  const vipsMoved = vips.length > 0 && vips.every((v) => present.has(normalizeVip(v)));
  const arrivingId = back ? from : to;
  const leavingId = back ? to : from;
  return [
    back
      ? { text: `keepalived on ${from} reads 0 from the failover file: priority back to ${heldInstance?.basePriority ?? "its own"}`, done: live(member(from)) && !held }
      : { text: `keepalived on ${from} reads the held failover file: priority ${heldInstance?.basePriority ?? "?"} → 1`, done: live(member(from)) && held },
    { text: `${arrivingId} becomes MASTER`, done: live(arriving) && arriving?.state === "MASTER" },
    { text: `${leavingId} steps down to BACKUP`, done: live(leaving) && leaving?.state === "BACKUP" },
    { text: `the VIPs (${vips.join(", ")}) are on ${arrivingId}`, done: live(arriving) && vipsMoved },
  ];
}
