import { Registry, collectDefaultMetrics } from "prom-client";
import type { Alert, DirectorView } from "@lvsdeck/protocol";
import { isFresh } from "@lvsdeck/cluster";
import { createDirectorMetrics } from "./directorMetrics";
import type { HubHealthMetrics } from "./hubMetrics";
import { createHubMetrics } from "./hubMetrics";
import { serviceExposition } from "./serviceMetrics";

/** Options for {@link createMetrics}. */
export interface MetricsOptions {
  /** Also export Node's process metrics (process_*, nodejs_*). Default true; tests turn it off. */
  defaultMetrics?: boolean;
  /** Export the per-real-server series (lvsdeck_real_server_*). Default true; service-level series are always on. */
  realServerMetrics?: boolean;
}

/**
 * prom-client's default gauges whose names end in `_total`, which Prometheus reserves for counters
 * (`promtool check metrics` flags them): left out, the rest of Node's process metrics stay.
 */
const MISNAMED_DEFAULT_METRICS = ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"];

/** The hub's Prometheus registry and the calls that keep it current. */
export interface Metrics {
  readonly registry: Registry;
  /**
   * Refills every fleet and alert series from the live model (series of vanished subjects disappear) and
   * writes the Prometheus text exposition (serve it with `registry.contentType`) in chunks: the bulk of it,
   * the service and real server series, a few thousand lines at a time with the event loop served in between.
   */
  exposition(directors: readonly DirectorView[], alerts: readonly Alert[], now: number): AsyncGenerator<string>;
  /** The whole exposition as one string. */
  render(directors: readonly DirectorView[], alerts: readonly Alert[], now: number): Promise<string>;
  /** The hub's own health counters and gauges. */
  hub: HubHealthMetrics;
}

/** Creates a registry with lvsdeck's fleet, alert and hub metrics. */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) {
    collectDefaultMetrics({ register: registry });
    for (const name of MISNAMED_DEFAULT_METRICS) registry.removeSingleMetric(name);
  }
  const directorMetrics = createDirectorMetrics(registry);
  const realServers = options.realServerMetrics ?? true;
  const hubMetrics = createHubMetrics(registry);

  return {
    registry,
    async *exposition(directors, alerts, now) {
      directorMetrics.reset();
      for (const view of directors) directorMetrics.set(view, isFresh(view), now);
      hubMetrics.set(directors, alerts);
      // Taken before the slices: what the director series say is what the service series say.
      yield `${await registry.metrics()}\n`;
      yield* serviceExposition(directors, { realServers });
    },
    async render(directors, alerts, now) {
      let text = "";
      for await (const chunk of this.exposition(directors, alerts, now)) text += chunk;
      return text;
    },
    hub: hubMetrics.hub,
  };
}
