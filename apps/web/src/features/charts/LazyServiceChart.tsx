import { lazy, Suspense } from "react";
import { useNearViewport } from "../../lib/useNearViewport";
import type { ServiceChartProps } from "./ServiceChart";

// recharts is large; it loads after the first paint so the topology shows at once.
const ServiceChart = lazy(() => import("./ServiceChart"));

/** Charts this far outside the viewport already count as visible, so they are drawn by the time they scroll in. */
const VISIBLE_MARGIN = "300px";

/**
 * The connection chart of one service, loaded on demand and drawn only while on screen: with every
 * service expanded, charts scrolled away fetch nothing and draw nothing, and keep their choices.
 */
export function LazyServiceChart(props: Omit<ServiceChartProps, "visible">) {
  const [ref, visible] = useNearViewport<HTMLDivElement>(VISIBLE_MARGIN);
  return (
    <div ref={ref} className="chart-slot" data-testid="chart-slot" data-visible={String(visible)}>
      <Suspense fallback={<div className="chart chart-loading" aria-hidden="true" />}>
        <ServiceChart {...props} visible={visible} />
      </Suspense>
    </div>
  );
}
