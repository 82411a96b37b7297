/** Default interval between stats ticks (ms); DESIGN allows down to 250. */
export const DEFAULT_TICK_MS = 1_000;
/** Smallest tick accepted (ms). */
export const MIN_TICK_MS = 250;
/** A full snapshot is sent every this many ticks; deltas in between. */
export const FULL_SNAPSHOT_EVERY = 30;
/** First reconnect delay (ms); doubles per failure up to the maximum, with full jitter. */
export const RECONNECT_BASE_MS = 250;
/** Longest reconnect delay (ms). */
export const RECONNECT_MAX_MS = 15_000;
/** The hub pings every 10 s; silence for this long means the link is dead (ms). */
export const HUB_SILENCE_MS = 25_000;
/** Most unacknowledged events kept while the hub is away; older ones are dropped and counted. */
export const EVENT_BUFFER_CAPACITY = 10_000;
/** How often the simulated director's clock advances (ms): fine enough for VRRP timers. */
export const SIM_STEP_MS = 100;

/**
 * Unsent bytes on the hub socket past which a tick's counters wait for the next tick (bytes): a few
 * full snapshots of a large director. Events are always sent, so they queue behind at most this much.
 */
export const MAX_BUFFERED_COUNTER_BYTES = 256 * 1024;
