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
  /** The director last known as MASTER, by the events; null after it left. */
  master: string | null;
  /** Who left MASTER and when, while nobody has taken over. */
  left: { director: string; at: number } | null;
}

const clock = (t: number) => new Date(t).toTimeString().slice(0, 8);

/**
 * MASTER moves from VRRP transitions, read in order per group: a director becoming MASTER after another
 * held or left it is a failover (or failback), named after both, whoever reported it: a killed agent
 * reports nothing, so the previous MASTER comes from the log, not from the reporter. The first MASTER of
 * a group (start-up election) is not an incident.
 */
function masterMoves(events: readonly HubEvent[], groups: readonly ClusterGroup[]): Incident[] {
  const tracks = new Map<string, MasterTrack>();
  const moves: Incident[] = [];
  for (const e of events) {
    const ev = e.event;
    if (ev.kind !== "vrrp-transition") continue;
    const at = timeOf(e);
    const { key, label } = groupKeyOf(groups, e.director, ev.vrid);
    const track = tracks.get(key) ?? { master: null, left: null };
    tracks.set(key, track);
    if (ev.to === "MASTER") {
      const previous = track.master ?? track.left?.director ?? null;
      if (previous !== null && previous !== e.director) {
        const gapFrom = track.left?.at ?? at;
        const gap = at - gapFrom;
        moves.push({
          key: `failover/${key}/${at}/${e.director}`,
          kind: "failover",
          severity: "warning",
          group: key,
          message: `${label}: MASTER moved from ${previous} to ${e.director} at ${clock(at)}${gap >= 1000 ? ` after ${Math.round(gap / 1000)} s without one` : ""}`,
          startedAt: gapFrom,
          endedAt: at,
        });
      }
      track.master = e.director;
      track.left = null;
    } else if (ev.from === "MASTER" && track.master === e.director) {
      track.master = null;
      track.left = { director: e.director, at };
    }
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
