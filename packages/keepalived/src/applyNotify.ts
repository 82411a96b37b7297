import type { VrrpInstance, VrrpPriorityEvent, VrrpState, VrrpTransitionEvent } from "@lvsdeck/protocol";
import type { NotifyEvent, NotifyLine } from "./parseNotifyLine";

/** Why a notify line changed no instance state. */
export const notifyIgnoreReasons = [
  "not-an-instance", // GROUP, VS and RS lines: sync groups and checkers are not instances
  "unknown-instance", // a name the last snapshot did not have (the event needs its VRID)
  "no-state-change", // priority-only lines, MASTER_RX_LOWER_PRI, and repeats after a reload
] as const;
export type NotifyIgnoreReason = (typeof notifyIgnoreReasons)[number];

/** The instances after one notify line, and the transition to push, if there was one. */
export interface ApplyNotifyResult {
  readonly instances: VrrpInstance[];
  /** A transition, a priority change (`*_PRIORITY`), or a lower-priority advert heard as MASTER (`MASTER_RX_LOWER_PRI`). */
  readonly event: VrrpTransitionEvent | VrrpPriorityEvent | null;
  readonly ignored: NotifyIgnoreReason | null;
}

// MASTER_PRIORITY / BACKUP_PRIORITY report a priority change and MASTER_RX_LOWER_PRI a lower advert
// heard while master; none is a transition (2.2.7 was seen writing BACKUP_PRIORITY for a MASTER after a reload).
const stateOfEvent: Readonly<Record<NotifyEvent, VrrpState | null>> = {
  MASTER: "MASTER",
  BACKUP: "BACKUP",
  FAULT: "FAULT",
  STOP: "STOP",
  DELETED: "DELETED",
  "{UNKNOWN}": "UNKNOWN",
  MASTER_RX_LOWER_PRI: null,
  MASTER_PRIORITY: null,
  BACKUP_PRIORITY: null,
};

/**
 * Applies one parsed FIFO line to the director's instances (`now` in ms, since FIFO lines carry no time);
 * returns new arrays and objects only where something changed.
 */
export function applyNotify(instances: VrrpInstance[], parsed: NotifyLine, now: number): ApplyNotifyResult {
  if (parsed.kind !== "vrrp" || parsed.scope !== "INSTANCE") return { instances, event: null, ignored: "not-an-instance" };
  const index = instances.findIndex((instance) => instance.name === parsed.name);
  const current = instances[index];
  if (current === undefined) return { instances, event: null, ignored: "unknown-instance" };

  if (parsed.event === "MASTER_RX_LOWER_PRI") {
    // The line carries this instance's own priority; the state and priority stay as they are.
    const event: VrrpPriorityEvent = { kind: "vrrp-priority", instance: current.name, vrid: current.vrid, change: "lower-advert-heard", from: null, to: parsed.priority, at: now };
    return { instances, event, ignored: "no-state-change" };
  }
  const to = stateOfEvent[parsed.event];
  const transition = to !== null && to !== current.state;
  if (!transition && current.effectivePriority === parsed.priority) return { instances, event: null, ignored: "no-state-change" };

  const updated: VrrpInstance = transition
    ? {
        ...current,
        state: to,
        effectivePriority: parsed.priority,
        // lastTransitionAt stays keepalived's own: FIFO lines carry no time, the next JSON dump brings it.
        // Whoever was master before is stale news once the state moves; the next data dump says who it is now.
        masterRouter: null,
      }
    : { ...current, effectivePriority: parsed.priority };
  const next = instances.with(index, updated);
  if (!transition) {
    const priorityLine = parsed.event === "MASTER_PRIORITY" || parsed.event === "BACKUP_PRIORITY";
    const event: VrrpPriorityEvent | null = priorityLine
      ? { kind: "vrrp-priority", instance: current.name, vrid: current.vrid, change: "changed", from: current.effectivePriority, to: parsed.priority, at: now }
      : null;
    return { instances: next, event, ignored: "no-state-change" };
  }
  return {
    instances: next,
    event: {
      kind: "vrrp-transition",
      instance: current.name,
      vrid: current.vrid,
      from: current.state,
      to,
      priority: parsed.priority,
      at: now,
    },
    ignored: null,
  };
}
