import { useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { AuditRecord } from "@lvsdeck/protocol";
import { AUDIT_PAGE, auditQuery } from "./adminQueries";
import { formatDateTime } from "./formatTime";

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
  const audit = useQuery({ ...auditQuery(actor), placeholderData: keepPreviousData });
  const records = audit.data?.records ?? [];
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
      {audit.isError && (
        <p className="form-error" role="alert">
          {audit.error.message}
        </p>
      )}
      {audit.isPending ? (
        <p className="loading">Loading the audit log…</p>
      ) : records.length === 0 ? (
        <p className="empty">No records{actor !== "" && ` of ${actor}`}.</p>
      ) : (
        <div className="table-scroll">
          <table className="admin-table audit-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">From</th>
                <th scope="col">Action</th>
                <th scope="col">Directors</th>
                <th scope="col">Service</th>
                <th scope="col">Real server</th>
                <th scope="col">Weight</th>
                <th scope="col">Reason</th>
                <th scope="col">Result</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {records.map((r) => (
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
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
