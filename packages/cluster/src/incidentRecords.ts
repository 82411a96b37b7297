import type { HubEvent } from "@lvsdeck/protocol";

/** Events this long before a transition or alert belong to its incident: what led up to it (ms). */
export const INCIDENT_LEAD_MS = 60_000;
/** Events this long after the last transition or alert belong to it: what followed (ms). */
export const INCIDENT_TAIL_MS = 120_000;
/** Longest incident: a cluster that keeps flapping is cut into incidents of at most this span (ms). */
export const INCIDENT_MAX_SPAN_MS = 60 * 60_000;

/** Transitions on two directors this close are one moment: their clocks and dumps differ by this much (ms). */
const SAME_MOMENT_MS = 1_000;

/** Events that belong together: the transitions and alerts that open it and everything across layers around them. */
export interface IncidentRecord {
  /** The id of its first transition or alert: a stable permalink while the incident grows. */
  id: number;
  startedAt: number;
  endedAt: number;
  /** Every event of the window, oldest first. */
  events: HubEvent[];
  directors: string[];
  vrids: number[];
  /** A title from its events, until an operator gives it another. */
  autoTitle: string;
}

/** The time an event happened: keepalived's own for a transition when known. */
export function incidentEventTime(e: HubEvent): number {
  return e.event.kind === "vrrp-transition" && e.event.keepalivedAt !== undefined ? e.event.keepalivedAt : e.event.at;
}

/** A transition, or an alert being raised: what makes an incident. */
export function opensIncident(e: HubEvent): boolean {
  const ev = e.event;
  return (ev.kind === "vrrp-transition" && ev.from !== "INIT") || (ev.kind === "alert" && ev.raised);
}

/**
 * The first election of a director whose keepalived just started (INIT or STOP → BACKUP → MASTER within
 * the lead time, or a takeover with no MASTER heard before): routine, so it opens no incident, though it
 * joins one that is open.
 */
function startElection(e: HubEvent, events: readonly HubEvent[]): boolean {
  if (e.event.kind !== "vrrp-transition" || e.event.from !== "BACKUP" || e.event.to !== "MASTER") return false;
  // The hub read it as an election: no MASTER had been heard (keepalived started before its agent saw it).
  if (e.event.cause?.kind === "election") return true;
  const { instance } = e.event;
  const at = incidentEventTime(e);
  return events.some(
    (o) => o.director === e.director && o.event.kind === "vrrp-transition" && o.event.instance === instance && (o.event.from === "INIT" || o.event.from === "STOP") && incidentEventTime(o) <= at && at - incidentEventTime(o) <= INCIDENT_LEAD_MS,
  );
}

function titleOf(events: readonly HubEvent[]): string {
  const tookOver = events.filter((e) => e.event.kind === "vrrp-transition" && e.event.to === "MASTER" && e.event.from === "BACKUP" && e.event.cause?.kind !== "election");
  // A MASTER that moved (another director left MASTER before, or at the same moment: the two directors'
  // clocks differ a little) names the incident, rather than the first election after a start.
  const leftBefore = (e: HubEvent) => events.some((o) => o.director !== e.director && o.event.kind === "vrrp-transition" && o.event.from === "MASTER" && incidentEventTime(o) <= incidentEventTime(e) + SAME_MOMENT_MS);
  const moved = tookOver.find(leftBefore) ?? tookOver[0];
  if (moved?.event.kind === "vrrp-transition") {
    const why = moved.event.cause === undefined || moved.event.cause.kind === "unknown" ? "" : `: ${moved.event.cause.text}`;
    return `VRID ${moved.event.vrid}: ${moved.director} became MASTER${why}`;
  }
  const first = events.find(opensIncident)?.event;
  if (first?.kind === "vrrp-transition") return `VRID ${first.vrid}: ${first.instance} ${first.from} → ${first.to}${first.cause === undefined ? "" : `: ${first.cause.text}`}`;
  if (first?.kind === "alert") return first.message;
  return "incident";
}

function record(events: HubEvent[], seeds: HubEvent[]): IncidentRecord {
  const first = seeds[0] as HubEvent;
  const last = seeds.at(-1) as HubEvent;
  const vrids = new Set<number>();
  for (const e of events) if (e.event.kind === "vrrp-transition" || e.event.kind === "vrrp-priority") vrids.add(e.event.vrid);
  return {
    id: first.id,
    startedAt: incidentEventTime(first) - INCIDENT_LEAD_MS,
    endedAt: incidentEventTime(last) + INCIDENT_TAIL_MS,
    events,
    directors: [...new Set(events.map((e) => e.director as string))].filter((d) => d !== "hub").sort(),
    vrids: [...vrids].sort((a, b) => a - b),
    autoTitle: titleOf(events),
  };
}

/**
 * Groups an event log into incidents: each transition or raised alert opens one (or joins the one still
 * open, i.e. whose last such event was within INCIDENT_LEAD_MS + INCIDENT_TAIL_MS), and every event from
 * INCIDENT_LEAD_MS before its first to INCIDENT_TAIL_MS after its last belongs to it. Oldest first.
 */
export function incidentRecords(events: readonly HubEvent[]): IncidentRecord[] {
  const sorted = events.toSorted((a, b) => incidentEventTime(a) - incidentEventTime(b) || a.id - b.id);
  const groups: HubEvent[][] = [];
  for (const seed of sorted.filter((e) => opensIncident(e) && !startElection(e, sorted))) {
    const current = groups.at(-1);
    const t = incidentEventTime(seed);
    const open = current !== undefined && t - incidentEventTime(current.at(-1) as HubEvent) <= INCIDENT_LEAD_MS + INCIDENT_TAIL_MS && t - incidentEventTime(current[0] as HubEvent) <= INCIDENT_MAX_SPAN_MS;
    if (open) current.push(seed);
    else groups.push([seed]);
  }
  return groups.map((seeds) => {
    const from = incidentEventTime(seeds[0] as HubEvent) - INCIDENT_LEAD_MS;
    const to = incidentEventTime(seeds.at(-1) as HubEvent) + INCIDENT_TAIL_MS;
    return record(sorted.filter((e) => incidentEventTime(e) >= from && incidentEventTime(e) <= to), seeds);
  });
}
