import type { ClusterGroup, HubEvent } from "@lvsdeck/protocol";
import { verdictSeverity } from "./verdictOptions";

/** How far back the wall lists incidents. */
export const INCIDENT_WINDOW_MS = 60 * 60_000;

/** Something that went wrong, or a MASTER that moved, with when it began and how long it lasted. */
export interface Incident {
  key: string;
  /** `failover` for a MASTER that moved; otherwise the rule of the hub's alert. */
  kind: string;
  severity: "critical" | "warning" | "info";
  /** The VRRP group a MASTER move happened in (its key); null for the hub's alerts. */
  group: string | null;
  message: string;
  startedAt: number;
  /** Null while it still holds. */
  endedAt: number | null;
}

/** What the event log says about the last `windowMs`: its incidents, newest first, and how far back the log reaches. */
export interface IncidentList {
  incidents: Incident[];
  /** The oldest time the given events cover: incidents before it may be missing. */
  coveredFrom: number;
}

const timeOf = (e: HubEvent) => e.observedAt ?? e.receivedAt;

/** The group of a director's VRRP instance, by VRID and membership: a VRID alone is ambiguous across segments. */
function groupKeyOf(groups: readonly ClusterGroup[], director: string, vrid: number): { key: string; label: string } {
  const group = groups.find((g) => g.vrid === vrid && g.members.some((m) => m.director === director));
  return group === undefined ? { key: `${vrid}/${director}`, label: `VRID ${vrid}` } : { key: group.key, label: group.label };
}

interface MasterTrack {
  /** The directors MASTER by the events, with when each became MASTER (two or more: a split brain). */
  masters: Map<string, number>;
  /** Who was MASTER last and when it stopped being (left MASTER, or its agent was lost), while nobody is. */
  left: { director: string; at: number } | null;
}

const clock = (t: number) => new Date(t).toTimeString().slice(0, 8);

function move(key: string, label: string, from: string, to: string, startedAt: number, at: number): Incident {
  const gap = at - startedAt;
  return {
    key: `failover/${key}/${at}/${to}`,
    kind: "failover",
    severity: "warning",
    group: key,
    message: `${label}: MASTER moved from ${from} to ${to} at ${clock(at)}${gap >= 1000 ? ` after ${Math.round(gap / 1000)} s without one` : ""}`,
    startedAt,
    endedAt: at,
  };
}

/**
 * `director` is no longer MASTER from `at`. If one other director had become MASTER after it (preemption:
 * the new MASTER's report can arrive before the old one's), the MASTER has moved to that one; if none is
 * left, the group waits for the next.
 */
function leave(track: MasterTrack, director: string, at: number, moved: (from: string, to: string, since: number) => void): void {
  const joined = track.masters.get(director);
  if (joined === undefined) return;
  track.masters.delete(director);
  const [rest] = [...track.masters.entries()];
  if (track.masters.size === 1 && rest !== undefined && rest[1] >= joined) moved(director, rest[0], rest[1]);
  if (track.masters.size === 0) track.left = { director, at };
}

/**
 * MASTER moves from the event log, read in order per group: a director becoming MASTER after the MASTER
 * left (its own transition, or its agent lost: a killed agent reports nothing) is a failover or failback,
 * named after both. A group's first MASTER (start-up election) and a second MASTER beside one that stays
 * (split brain, a verdict of its own) are not moves.
 */
function masterMoves(events: readonly HubEvent[], groups: readonly ClusterGroup[]): Incident[] {
  const tracks = new Map<string, MasterTrack>();
  const labels = new Map<string, string>();
  const moves: Incident[] = [];
  const handover = (key: string) => (from: string, to: string, since: number) => moves.push(move(key, labels.get(key) ?? key, from, to, since, since));
  for (const e of events) {
    const ev = e.event;
    const at = timeOf(e);
    if (ev.kind === "agent" && !ev.connected) {
      for (const [key, track] of tracks) leave(track, e.director, at, handover(key));
      continue;
    }
    if (ev.kind !== "vrrp-transition") continue;
    const { key, label } = groupKeyOf(groups, e.director, ev.vrid);
    labels.set(key, label);
    const track = tracks.get(key) ?? { masters: new Map<string, number>(), left: null };
    tracks.set(key, track);
    if (ev.to !== "MASTER") {
      leave(track, e.director, at, handover(key));
      continue;
    }
    if (track.masters.has(e.director)) continue;
    if (track.masters.size === 0 && track.left !== null && track.left.director !== e.director) {
      moves.push(move(key, label, track.left.director, e.director, track.left.at, at));
    }
    track.masters.set(e.director, at);
    track.left = null;
  }
  return moves;
}

/** The hub's alerts as incidents: each raise, with its clear if there was one. */
function alertSpans(events: readonly HubEvent[]): Incident[] {
  const open = new Map<string, Incident>();
  const spans: Incident[] = [];
  for (const e of events) {
    const ev = e.event;
    if (ev.kind !== "alert") continue;
    if (ev.raised) {
      const severity = (verdictSeverity as Record<string, "critical" | "warning" | undefined>)[ev.rule] ?? "warning";
      const incident: Incident = { key: `alert/${ev.alertId}/${ev.at}`, kind: ev.rule, severity, group: null, message: ev.message, startedAt: ev.at, endedAt: null };
      open.set(ev.alertId, incident);
      spans.push(incident);
    } else {
      const raised = open.get(ev.alertId);
      if (raised !== undefined) raised.endedAt = ev.at;
      open.delete(ev.alertId);
    }
  }
  return spans;
}

/**
 * The incidents of the last `windowMs` from the hub's event log (any order): MASTER moves and the hub's
 * alerts, each with its start and end (null while it holds), newest first.
 */
export function recentIncidents(events: readonly HubEvent[], groups: readonly ClusterGroup[], now: number, windowMs: number = INCIDENT_WINDOW_MS): IncidentList {
  const ordered = [...events].sort((a, b) => timeOf(a) - timeOf(b) || a.id - b.id);
  const from = now - windowMs;
  const incidents = [...masterMoves(ordered, groups), ...alertSpans(ordered)]
    .filter((i) => i.endedAt === null || i.endedAt >= from)
    .sort((a, b) => (b.endedAt ?? now) - (a.endedAt ?? now) || b.startedAt - a.startedAt);
  const oldest = ordered[0];
  return { incidents, coveredFrom: oldest === undefined ? now : Math.max(from, timeOf(oldest)) };
}
