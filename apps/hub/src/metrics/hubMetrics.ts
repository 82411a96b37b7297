import { performance, type EventLoopUtilization } from "node:perf_hooks";
import { Gauge, Histogram, type Registry } from "prom-client";
import type { Alert, DirectorView } from "@lvsdeck/protocol";
import { alertRules } from "@lvsdeck/protocol";
import { verdictSeverity } from "@lvsdeck/cluster";
import { counter, gauge, seconds } from "./metricKit";

/** The hub's own health, fed by the gateways. */
export interface HubHealthMetrics {
  /** Counts one protocol error (a malformed or out-of-order frame from an agent). */
  protocolError(): void;
  /** Mirrors a cumulative protocol error count kept elsewhere (e.g. AgentGateway.stats()); never goes down. */
  syncProtocolErrors(total: number): void;
  /** Mirrors the gateway's cumulative counts of objects kept flagged and left out of agents' frames. */
  syncIngestIssues(totals: { flagged: number; dropped: number }): void;
  /** Sets the number of open /ws/ui sessions. */
  setUiClients(count: number): void;
  /** A VRRP transition took this long (ms) from its arrival at the hub until handed to every browser's socket. */
  transitionFannedOut(ms: number): void;
}

/** Hub and alert series: the hub's gauges persist, alert counts are refilled on each update. */
export interface HubMetrics {
  hub: HubHealthMetrics;
  set(directors: readonly DirectorView[], alerts: readonly Alert[]): void;
}

/** Registers the hub's own metrics and `lvsdeck_alert_active` on `registry`. */
export function createHubMetrics(registry: Registry): HubMetrics {
  const protocolErrors = counter(registry, "lvsdeck_hub_protocol_errors_total", "Frames from agents rejected as malformed or out of order.", []);
  const agents = gauge(registry, "lvsdeck_hub_agents_connected", "Agents connected to the hub now.", []);
  const directors = gauge(registry, "lvsdeck_hub_directors", "Directors in the hub's live model, connected or not.", []);
  const uiClients = gauge(registry, "lvsdeck_hub_ui_clients", "Open /ws/ui sessions (browsers and wall displays).", []);
  // The hub's own share of a failover's way to the screen: the rest is the network and the browser.
  const fanout = new Histogram({
    name: "lvsdeck_hub_transition_fanout_seconds",
    help: "From a VRRP transition's arrival at the hub until its event was handed to every browser's socket.",
    buckets: [0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  // Busy share of the event loop between two scrapes: near 1 means browsers and agents queue behind the hub.
  let lastElu: EventLoopUtilization = performance.eventLoopUtilization();
  new Gauge({
    name: "lvsdeck_hub_event_loop_utilization",
    help: "Share of time the hub's event loop was busy since the previous scrape (0-1).",
    registers: [registry],
    collect() {
      const now = performance.eventLoopUtilization();
      this.set(performance.eventLoopUtilization(now, lastElu).utilization);
      lastElu = now;
    },
  });
  const active = gauge(registry, "lvsdeck_alert_active", "Active alerts by rule and severity (0 when none).", ["rule", "severity"] as const);
  let countedErrors = 0;
  const ingest = counter(registry, "lvsdeck_hub_agent_objects_unreadable_total", "Services, real servers and VRRP instances from agents with a value the hub could not read: kept flagged, or dropped when no key could be read.", ["outcome"] as const);
  const countedIngest = { flagged: 0, dropped: 0 };

  return {
    hub: {
      protocolError() {
        countedErrors++;
        protocolErrors.inc();
      },
      syncProtocolErrors(total) {
        if (total > countedErrors) protocolErrors.inc(total - countedErrors);
        countedErrors = Math.max(countedErrors, total);
      },
      syncIngestIssues(totals) {
        for (const outcome of ["flagged", "dropped"] as const) {
          if (totals[outcome] > countedIngest[outcome]) ingest.inc({ outcome }, totals[outcome] - countedIngest[outcome]);
          countedIngest[outcome] = Math.max(countedIngest[outcome], totals[outcome]);
        }
      },
      setUiClients: (count) => uiClients.set(count),
      transitionFannedOut: (ms) => fanout.observe(seconds(Math.max(0, ms))),
    },
    set(list, alerts) {
      agents.set(list.filter((d) => d.connected).length);
      directors.set(list.length);
      active.reset();
      // Every rule is present at 0 so `lvsdeck_alert_active > 0` alerting never meets an absent series.
      for (const rule of alertRules) active.set({ rule, severity: verdictSeverity[rule] }, 0);
      for (const alert of alerts) active.inc({ rule: alert.rule, severity: alert.severity });
    },
  };
}
