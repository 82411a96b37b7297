import { useSyncExternalStore } from "react";

/** Data ages on screen are redrawn this often. */
export const NOW_TICK_MS = 1_000;

let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  timer ??= setInterval(() => {
    now = Date.now();
    for (const l of listeners) l();
  }, NOW_TICK_MS);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}

const stayStill = () => () => undefined;

/**
 * This browser's clock, re-read every second; one shared timer for the whole page. With `active` false
 * (a chart off screen) the component is not redrawn by the clock, and reads it only when drawn for
 * another reason.
 */
export function useNow(active = true): number {
  return useSyncExternalStore(active ? subscribe : stayStill, () => now);
}
