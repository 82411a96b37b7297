import { createContext, useContext } from "react";

/** The moment the page shows: null for live, else a past hub time (ms) chosen on the timeline. */
export const MomentContext = createContext<number | null>(null);

/** The moment shown; null when live. */
export function useMoment(): number | null {
  return useContext(MomentContext);
}
