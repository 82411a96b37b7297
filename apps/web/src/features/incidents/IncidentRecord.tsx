import type { DirectorSnapshot, HubEvent, IncidentNote, IncidentSummary } from "@lvsdeck/protocol";
import { formatDateTime } from "../../lib/time";
import { hrefWith, Link } from "../../lib/router";
import { EventRow } from "../events/EventRow";

/** What the events, notes and snapshots of one incident look like, live or from a bundle. */
export interface IncidentContent {
  incident: IncidentSummary;
  events: HubEvent[];
  notes: IncidentNote[];
  before?: DirectorSnapshot[];
  after?: DirectorSnapshot[];
}

function Masters({ label, snapshots }: { label: string; snapshots: DirectorSnapshot[] }) {
  const rows = snapshots.flatMap((s) => s.vrrp.map((i) => ({ key: `${s.director}/${i.name}`, director: s.director, instance: i })));
  return (
    <div className="incident-states">
      <h3>{label}</h3>
      {rows.length === 0 ? (
        <p className="empty">No snapshot kept.</p>
      ) : (
        <ul>
          {rows.map((r) => (
            <li key={r.key} data-testid="incident-state" data-director={r.director} data-state={r.instance.state}>
              {r.director}: {r.instance.name} (VRID {r.instance.vrid}) {r.instance.state}, priority {r.instance.effectivePriority}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** One incident: when, who, its events with the cause of each transition, the cluster before and after, the notes. */
export function IncidentRecord({ content, live }: { content: IncidentContent; live: boolean }) {
  const { incident, events, notes } = content;
  return (
    <div className="incident-record" data-testid="incident" data-incident={incident.id}>
      <p className="incident-when">
        {formatDateTime(incident.startedAt)} – {formatDateTime(incident.endedAt)} · {incident.directors.join(", ") || "no director"}
        {incident.vrids.length > 0 && ` · VRID ${incident.vrids.join(", ")}`}
        {live && (
          <>
            {" · "}
            <Link href={hrefWith("/timeline", { at: incident.startedAt + 60_000 - 1 })}>Show on the timeline</Link>
          </>
        )}
      </p>
      {content.before !== undefined && content.after !== undefined && (
        <div className="incident-before-after">
          <Masters label="Before" snapshots={content.before} />
          <Masters label="After" snapshots={content.after} />
        </div>
      )}
      <h3>Events ({events.length})</h3>
      <ol className="event-list incident-events" data-testid="incident-events">
        {events.map((e) => (
          <EventRow key={e.id} event={e} testId="incident-event" today={incident.startedAt} />
        ))}
      </ol>
      <h3>Notes ({notes.length})</h3>
      {notes.length === 0 && <p className="empty">No notes yet.</p>}
      <ul className="incident-notes" data-testid="incident-notes">
        {notes.map((n) => (
          <li key={n.id} data-testid="incident-note">
            <span className="note-meta">
              {formatDateTime(n.at)} · {n.author}
            </span>
            <p>{n.text}</p>
          </li>
        ))}
      </ul>
    </div>
  );
}
