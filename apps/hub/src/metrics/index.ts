export type { Metrics, MetricsOptions } from "./createMetrics";
export { createMetrics } from "./createMetrics";
export type { HubHealthMetrics } from "./hubMetrics";
export { healthCode } from "./serviceMetrics";
