import { useState } from "react";
import type { ChartRangeId, ChosenWindow } from "./chartData";

/** What an operator chose on a service's charts. */
export interface ChartChoice {
  rangeId: ChartRangeId;
  /** A real server, or "" for the whole service. */
  target: string;
  /** Each director's own lines instead of their sum. */
  split: boolean;
  /** A window chosen by hand (absolute inputs, drag-to-zoom or a link), or null for a live range. */
  chosen: ChosenWindow | null;
}

/** Choices per service for this page's life: a chart that is taken down and drawn again keeps them. */
const remembered = new Map<string, ChartChoice>();

/**
 * A service's chart choices, kept across the chart being unmounted (its service card leaves the page for
 * a moment during a failover, when the shown table changes), so a responder's view stays as they set it.
 */
export function useChartChoice(service: string, initial: () => ChartChoice): [ChartChoice, (patch: Partial<ChartChoice>) => void] {
  const [choice, setChoice] = useState<ChartChoice>(() => remembered.get(service) ?? initial());
  const update = (patch: Partial<ChartChoice>) =>
    setChoice((old) => {
      const next = { ...old, ...patch };
      remembered.set(service, next);
      return next;
    });
  return [choice, update];
}
