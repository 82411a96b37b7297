import { lazy, Suspense } from "react";
import type { ServiceChartProps } from "./ServiceChart";

// recharts is large; it loads after the first paint so the topology shows at once.
const ServiceChart = lazy(() => import("./ServiceChart"));

/** The connection chart of one service, loaded on demand. */
export function LazyServiceChart(props: ServiceChartProps) {
  return (
    <Suspense fallback={<div className="chart chart-loading" aria-hidden="true" />}>
      <ServiceChart {...props} />
    </Suspense>
  );
}
