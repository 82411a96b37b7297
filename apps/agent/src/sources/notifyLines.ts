import { applyNotify, parseNotifyLine, realServerKeyOfEndpoint, serviceKeyOfRef, verdictTargetOfRef } from "@lvsdeck/keepalived";
import type { AgentEvent, SyncGroup, VrrpInstance, VrrpState } from "@lvsdeck/protocol";

/** A notify line split from the timestamp a wrapper may have put in front of it. */
export interface StampedLine {
  /** ms since the epoch, when the line carried one. */
  at: number | null;
  body: string;
}

// keepalived's own FIFO lines carry no time; a notify_fifo_script or syslog relay may prefix one:
// epoch seconds (`1795660947.925955 INSTANCE …`) or ISO 8601 (`2026-11-26T02:42:27.925Z INSTANCE …`).
const EPOCH_PREFIX = /^(\d{9,11}(?:\.\d{1,9})?)\s+(.*)$/;
const ISO_PREFIX = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d))\s+(.*)$/;

/** Separates an optional leading timestamp from a notify line. */
export function splitTimestamp(line: string): StampedLine {
  const epoch = EPOCH_PREFIX.exec(line);
  if (epoch?.[1] !== undefined && epoch[2] !== undefined) return { at: Math.round(Number(epoch[1]) * 1000), body: epoch[2] };
  const iso = ISO_PREFIX.exec(line);
  const parsed = iso?.[1] === undefined ? NaN : Date.parse(iso[1]);
  if (iso?.[2] !== undefined && !Number.isNaN(parsed)) return { at: parsed, body: iso[2] };
  return { at: null, body: line };
}

/** keepalived's view held by the agent between dumps. */
export interface VrrpView {
  instances: VrrpInstance[];
  syncGroups: SyncGroup[];
}

/** What one notify line did: the new view, an event to push, a health verdict, or why it was not read. */
export interface NotifyOutcome {
  view: VrrpView;
  event: AgentEvent | null;
  health: { key: string; up: boolean } | null;
  /** True when the line names an instance the last dump did not have: refresh the dump. */
  unknownInstance: boolean;
  error: string | null;
}

const GROUP_STATES: ReadonlySet<string> = new Set(["MASTER", "BACKUP", "FAULT", "STOP", "DELETED"]);

/** Applies one notify line (with the time it is dated at) to the VRRP view. */
export function applyNotifyLine(view: VrrpView, line: string, receivedAt: number): NotifyOutcome {
  const { at, body } = splitTimestamp(line);
  const when = at ?? receivedAt;
  const none: NotifyOutcome = { view, event: null, health: null, unknownInstance: false, error: null };
  const parsed = parseNotifyLine(body);
  if (!parsed.ok) return { ...none, error: `${parsed.error.reason}: ${JSON.stringify(parsed.error.line.slice(0, 200))}` };
  const notify = parsed.value;
  if (notify.kind === "real-server") {
    const target = verdictTargetOfRef(notify.virtualServer);
    if (target === null) return none;
    const realServer = realServerKeyOfEndpoint(notify.realServer);
    const health = { key: `${target}|${realServer}`, up: notify.up };
    const service = serviceKeyOfRef(notify.virtualServer);
    // A group's line names no one service, so no event; its verdict still lands on the group's services.
    if (service === null) return { ...none, health };
    const event: AgentEvent = { kind: "health", service, realServer, up: notify.up, at: when };
    return { ...none, event, health };
  }
  if (notify.kind !== "vrrp") return none;
  if (notify.scope === "GROUP") {
    const syncGroups = GROUP_STATES.has(notify.event)
      ? view.syncGroups.map((g) => (g.name === notify.name ? { ...g, state: notify.event as VrrpState } : g))
      : view.syncGroups;
    return { ...none, view: { ...view, syncGroups } };
  }
  const applied = applyNotify(view.instances, notify, when);
  return { ...none, view: { ...view, instances: applied.instances }, event: applied.event, unknownInstance: applied.ignored === "unknown-instance" };
}
