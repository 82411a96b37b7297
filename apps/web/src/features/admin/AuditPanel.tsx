import { useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { AuditRecord } from "@lvsdeck/protocol";
import { AUDIT_PAGE, auditQuery } from "./adminQueries";
import { AdminTable } from "./AdminTable";
import { formatDateTime } from "../../lib/time";

/** "2 → 0", "→ 5", or nothing for records without weights. */
function fromTo(r: AuditRecord): string {
  if (r.from === null && r.to === null) return "";
  return `${r.from ?? "?"} → ${r.to ?? "?"}`;
}

const failedResults = new Set(["failed", "denied", "partial"]);

/** The audit log: every change and every sign-in, newest first, filtered by who did it. */
export function AuditPanel() {
  const [typed, setTyped] = useState("");
  const [actor, setActor] = useState("");
  const audit = useQuery({ ...auditQuery(actor), placeholderData: keepPreviousData, select: (d) => d.records });
  return (
    <section className="panel admin-panel" aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      <form
        className="audit-filter"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setActor(typed.trim());
        }}
      >
        <label>
          Actor
          <input type="search" value={typed} onChange={(e) => setTyped(e.currentTarget.value)} placeholder="user name, or wall:name" />
        </label>
        <button type="submit">Filter</button>
        {actor !== "" && (
          <button
            type="button"
            onClick={() => {
              setTyped("");
              setActor("");
            }}
          >
            Show everyone
          </button>
        )}
        <button type="button" onClick={() => void audit.refetch()} disabled={audit.isFetching}>
          Refresh
        </button>
        <span className="field-hint">
          newest {AUDIT_PAGE}
          {actor !== "" && ` of ${actor}`}
        </span>
      </form>
      <AdminTable
        query={audit}
        what="the audit log"
        columns={["When", "Who", "From", "Action", "Directors", "Service", "Real server", "Weight", "Reason", "Result", "Detail"]}
        empty={`No records${actor !== "" ? ` of ${actor}` : ""}.`}
        className="audit-table"
      >
        {(rows) =>
          rows.map((r) => (
            <tr key={r.id} data-testid="audit-row" data-actor={r.actor} data-action={r.action} data-result={r.result}>
              <td className="nowrap">{formatDateTime(r.at)}</td>
              <th scope="row">{r.actor}</th>
              <td>{r.remote ?? ""}</td>
              <td>{r.action}</td>
              <td>{r.directors.join(", ")}</td>
              <td className="nowrap">{r.service ?? ""}</td>
              <td>{r.realServer ?? ""}</td>
              <td className="nowrap">{fromTo(r)}</td>
              <td className="reason">{r.reason ?? ""}</td>
              <td className={failedResults.has(r.result) ? "result-bad" : undefined}>{r.result}</td>
              <td className="detail">{r.detail ?? ""}</td>
            </tr>
          ))
        }
      </AdminTable>
    </section>
  );
}
