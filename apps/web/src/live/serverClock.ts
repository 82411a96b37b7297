/** Samples kept to estimate the hub's clock; about 15 s of director frames from two directors. */
export const CLOCK_SAMPLE_WINDOW = 30;

/**
 * The estimated difference between the hub's clock and this browser's (`hub = browser + offsetMs`).
 * Each sample is `serverTime - local receive time`; network delay only makes a sample smaller than
 * the true offset, so the largest recent sample is the best estimate, and the window lets a clock
 * jump on either side age out.
 */
export interface ServerClock {
  offsetMs: number | null;
  samples: readonly number[];
}

export const initialServerClock: ServerClock = { offsetMs: null, samples: [] };

/** Adds one sample taken when a frame carrying `serverTime` arrived at local time `clientNow`. */
export function applyClockSample(clock: ServerClock, serverTime: number, clientNow: number): ServerClock {
  const sample = serverTime - clientNow;
  const samples = [...clock.samples.slice(-(CLOCK_SAMPLE_WINDOW - 1)), sample];
  return { offsetMs: Math.max(...samples), samples };
}

/** The hub's current time as best known here. */
export function serverNow(clock: ServerClock, clientNow: number): number {
  return clientNow + (clock.offsetMs ?? 0);
}
