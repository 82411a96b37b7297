import type { ConnectionsResponse } from "@lvsdeck/protocol";

/** The busiest clients of each virtual service, by entries in the connection table. */
export function TopClients({ topClients, director }: { topClients: ConnectionsResponse["topClients"]; director: string }) {
  return (
    <section className="panel" aria-labelledby="top-clients-title" data-testid="top-clients">
      <h2 id="top-clients-title">Top clients per service ({director})</h2>
      {topClients.length === 0 ? (
        <p className="empty">No connections in the table.</p>
      ) : (
        <div className="top-clients">
          {topClients.map((s) => (
            <table key={s.virtual} className="conn-table">
              <caption>{s.virtual}</caption>
              <thead>
                <tr>
                  <th scope="col">Client</th>
                  <th scope="col" className="num">Entries</th>
                </tr>
              </thead>
              <tbody>
                {s.clients.map((c) => (
                  <tr key={c.client}>
                    <td>{c.client}</td>
                    <td className="num">{c.connections.toLocaleString("en-US")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
        </div>
      )}
    </section>
  );
}
