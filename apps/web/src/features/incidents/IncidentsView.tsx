import { useQuery } from "@tanstack/react-query";
import { formatDateTime } from "../../lib/time";
import { hrefWith, Link, useLocation } from "../../lib/router";
import { incidentsQuery } from "./incidentQueries";
import { IncidentDetail } from "./IncidentDetail";
import { BundleViewer } from "./BundleViewer";

function IncidentList() {
  const query = useQuery(incidentsQuery());
  const incidents = query.data?.incidents ?? [];
  return (
    <section className="panel incidents" aria-labelledby="incidents-title">
      <header className="incidents-head">
        <h2 id="incidents-title">Incidents of the last 24 hours</h2>
        <Link href={hrefWith("/incidents", { view: "bundle" })}>Open an exported bundle…</Link>
      </header>
      <p className="hint">A VRRP transition or a raised alert, and every event a minute before and two minutes after it.</p>
      {query.isError && (
        <p className="load-error" role="alert">
          Cannot load incidents: {query.error.message}
        </p>
      )}
      {query.isPending && <p className="loading">Loading incidents…</p>}
      {query.isSuccess && incidents.length === 0 && <p className="empty">No incidents in the last 24 hours.</p>}
      <ol className="incident-list" data-testid="incident-list">
        {incidents.map((i) => (
          <li key={i.id} data-testid="incident-item" data-incident={i.id}>
            <Link href={hrefWith("/incidents", { id: i.id })}>{i.title}</Link>
            <span className="incident-meta">
              {formatDateTime(i.startedAt)} · {i.directors.join(", ") || "hub"} · {i.eventCount} events{i.noteCount > 0 && ` · ${i.noteCount} note${i.noteCount === 1 ? "" : "s"}`}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** `/incidents`: the list; `?id=N` one incident (its permalink); `?view=bundle` an exported bundle, read-only. */
export function IncidentsView() {
  const params = new URLSearchParams(useLocation().search);
  const id = Number(params.get("id"));
  return (
    <main className="incidents-page">
      {params.get("view") === "bundle" ? <BundleViewer /> : Number.isInteger(id) && id > 0 ? <IncidentDetail id={id} /> : <IncidentList />}
    </main>
  );
}
