import { useQuery } from "@tanstack/react-query";
import { alertsQuery } from "../../api/queries";
import { formatClock } from "../../lib/time";

/** The hub's own active alerts (its rules: split brain, VIP on two directors, flapping, tables differ…). */
export function AlertList() {
  const alerts = useQuery(alertsQuery()).data?.alerts ?? [];
  if (alerts.length === 0) return null;
  return (
    <section className="panel alerts" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Hub alerts</h2>
      <ul className="alert-list">
        {alerts.map((a) => (
          <li key={a.id} className={`alert severity-${a.severity}`} data-testid="alert" data-rule={a.rule}>
            <span className="alert-rule">{a.rule}</span> {a.message}
            <span className="alert-since"> since {formatClock(a.since)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
