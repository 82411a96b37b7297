/** How often the hub re-evaluates staleness (ms); bounds how late "stale" is shown. */
export const STALENESS_CHECK_MS = 250;
/** Interval between WebSocket pings; a peer that missed one pong is terminated. */
export const HEARTBEAT_MS = 10_000;
/** An agent must say hello within this long after connecting (ms). */
export const HELLO_TIMEOUT_MS = 5_000;
/** How long a weight change waits for every director to answer (ms). */
export const COMMAND_TIMEOUT_MS = 5_000;
/** Largest REST body accepted. */
export const MAX_REST_BODY = "64kb";
/** Most events returned by one GET /api/events. */
export const MAX_EVENTS_PAGE = 1000;
/** Buffered series samples are written this often (ms), to SQLite or the shared PostgreSQL record. */
export const SERIES_FLUSH_MS = 1_000;
/** Longest range one GET /api/series may ask for (ms): 31 days. */
export const MAX_SERIES_RANGE_MS = 31 * 86_400_000;
/** Counter updates are gathered this long before being pushed to browsers with full views (ms); state changes go at once. */
export const UI_FLUSH_MS = 50;
/** The same for summary subscribers (walls, overviews), which need counters only about once a second (ms). */
export const UI_SUMMARY_FLUSH_MS = 1_000;
/** Alert rules are re-evaluated this often (ms), besides on every presence, staleness or state change. */
export const ALERT_EVALUATION_MS = 1_000;
/**
 * Evaluations prompted by changes that run at once, in a row: a failover's two or three directors are
 * each judged as they report, so a wall shows the new MASTER without waiting (see ./evaluationPacer).
 */
export const STATE_EVALUATION_BURST = 4;
/** Beyond that burst, the least time between two evaluations prompted by changes (ms), so a storm of changes costs a bounded number of them. */
export const STATE_EVALUATION_GAP_MS = 100;
/**
 * Agents' counter frames (ticks' deltas) are handled this long at a time (ms), with a turn of the event
 * loop between, after the events and changes of state that arrived with them, which wait for one such
 * slice at most. Each turn between slices reads the agents' sockets again, so a shorter slice reads a
 * transition sooner; 2 ms with UI_FLUSH_SLICE_SOCKETS at 10 beat 5 ms with 25 in three of three
 * alternating pinned runs of the hub bench (see docs/benchmarks/hub.md).
 */
export const COUNTER_SLICE_MS = 2;
/**
 * Browsers sent one counter round between two turns of the event loop. A turn also writes what the last
 * one queued for every browser and reads the agents' sockets, so fewer per turn keeps an agent's VRRP
 * transition from waiting behind a round (50: up to 20 ms of encoding and writing in one go).
 */
export const UI_FLUSH_SLICE_SOCKETS = 10;
/** Frames per second one agent may send before it is disconnected (a tick, events and results fit easily). */
export const MAX_AGENT_FRAMES_PER_SECOND = 500;
/** Live sockets one credential (a session or a wall token) may hold open at once: a few tabs, not a flood. */
export const MAX_UI_SOCKETS_PER_CREDENTIAL = 16;
/** Live sockets one client address may hold open at once (a NOC with many walls behind one NAT fits). */
export const MAX_UI_SOCKETS_PER_ADDRESS = 64;
/** A request must arrive whole within this long (ms); a slow-body client cannot hold a connection for minutes. */
export const REQUEST_TIMEOUT_MS = 15_000;
/** Request headers must arrive within this long (ms). */
export const HEADERS_TIMEOUT_MS = 10_000;
/**
 * An idle keep-alive connection stays open this long (ms), announced as `Keep-Alive: timeout=65`.
 * Node's default of 5 s races clients that reuse a connection after a few seconds' pause: a client's
 * request crosses the hub's close on the wire and fails with ECONNRESET. Longer than the 60 s idle
 * timeout of common proxies and load balancers, so they, not the hub, close first.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/**
 * After a start, how long "no MASTER" waits for the directors the hub knew to report again (ms): agents
 * reconnect with backoff, and the MASTER's agent may come back after the BACKUP's.
 */
export const RESTART_RECONNECT_GRACE_MS = 30_000;
