import { useState, type FormEvent } from "react";
import { useQuery } from "@tanstack/react-query";
import { connectionsQuery } from "../../api/moreQueries";
import { useCluster } from "../topology/useCluster";
import { useServerNow } from "../../live/useLive";
import { formatAge } from "../../lib/freshness";
import { navigate, useLocation } from "../../lib/router";
import { useSession } from "../auth/sessionQuery";
import { actingScope } from "../auth/permissions";
import { PAGE_SIZE, connectionsHref, defaultDirector, defaultVip, formatExpiry, pageText, parseConnectionsForm, toParams, type ConnectionsForm } from "./connectionsModel";
import { TopClients } from "./TopClients";

const STATES = ["ESTABLISHED", "SYN_RECV", "FIN_WAIT", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "SYNACK", "UDP", "NONE"] as const;

/** A director's connection table, filtered and paged by its agent; top clients per service. */
export function ConnectionsView() {
  const { search } = useLocation();
  const form = parseConnectionsForm(search);
  const cluster = useCluster().data;
  // Pre-filled: a VIP-scoped user's VIP, and the director that is MASTER for it now.
  const session = useSession();
  const vip = form.vip !== "" ? form.vip : defaultVip(actingScope(session));
  const director = form.director !== "" ? form.director : defaultDirector(cluster, vip);
  const [draft, setDraft] = useState<ConnectionsForm | null>(null);
  const shown = draft ?? { ...form, director, vip };
  const query = useQuery({ ...connectionsQuery(toParams({ ...form, vip }, director)), enabled: director !== "" });
  const now = useServerNow();
  const page = query.data;
  const field = (name: keyof Omit<ConnectionsForm, "offset">) => ({
    value: shown[name],
    onChange: (e: { currentTarget: { value: string } }) => setDraft({ ...shown, [name]: e.currentTarget.value }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDraft(null);
    navigate(connectionsHref({ ...shown, offset: 0 }));
  };
  const go = (offset: number) => navigate(connectionsHref({ ...form, director, vip, offset }));

  return (
    <main className="connections" aria-label="Connection browser">
      <section className="panel">
        <h2>Connections</h2>
        <form className="filters" onSubmit={submit} aria-label="Filter the connection table">
          <label>
            Director
            <select aria-label="Director" {...field("director")}>
              {(cluster?.directors ?? []).map((d) => (
                <option key={d.id}>{d.id}</option>
              ))}
            </select>
          </label>
          <label>
            Client <input {...field("client")} placeholder="203.0.113. or full address" size={18} />
          </label>
          <label>
            VIP <input {...field("vip")} placeholder="192.168.50.100" size={16} />
          </label>
          <label>
            Real server <input {...field("realServer")} placeholder="192.168.50.11" size={16} />
          </label>
          <label>
            State
            <select aria-label="State" {...field("state")}>
              <option value="">any</option>
              {STATES.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          <button type="submit" className="primary">
            Search
          </button>
        </form>
        {query.isError && (
          <p className="load-error" role="alert">
            Cannot read the connection table of {director}: {query.error.message}
          </p>
        )}
        <p className="conn-summary" role="status" data-testid="connections-summary" data-total={page?.total ?? ""}>
          {page === undefined
            ? query.isFetching
              ? "Asking the agent…"
              : ""
            : `${pageText(form.offset, page.rows.length, page.total)} on ${page.director} (scanned ${page.scanned.toLocaleString("en-US")} entries, table read ${formatAge(now - page.takenAt)})`}
        </p>
        {page !== undefined && page.rows.length > 0 && (
          <table className="conn-table" data-testid="connections-table">
            <caption className="visually-hidden">Connection table of {page.director}</caption>
            <thead>
              <tr>
                <th scope="col">Proto</th>
                <th scope="col">State</th>
                <th scope="col" className="num">Expires in</th>
                <th scope="col">Client</th>
                <th scope="col">Virtual</th>
                <th scope="col">Real server</th>
              </tr>
            </thead>
            <tbody>
              {page.rows.map((r, i) => (
                <tr key={`${r.client}-${r.virtual}-${r.destination}-${i}`} data-testid="connection-row" className={r.template ? "template" : undefined}>
                  <td>{r.protocol}</td>
                  <td>{r.template ? `${r.state} (persistence template)` : r.state}</td>
                  <td className="num">{formatExpiry(r.expiresInSec)}</td>
                  <td>{r.client}</td>
                  <td>{r.virtual}</td>
                  <td>{r.destination}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {page !== undefined && (
          <nav className="pager" aria-label="Pages of connections">
            <button type="button" disabled={form.offset === 0} onClick={() => go(Math.max(0, form.offset - PAGE_SIZE))}>
              Previous page
            </button>
            <button type="button" disabled={form.offset + PAGE_SIZE >= page.total} onClick={() => go(form.offset + PAGE_SIZE)}>
              Next page
            </button>
          </nav>
        )}
      </section>
      {page !== undefined && <TopClients topClients={page.topClients} director={page.director} />}
    </main>
  );
}
