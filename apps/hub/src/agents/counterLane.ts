import { performance } from "node:perf_hooks";

/** One frame's work waiting in the lane. */
export interface LaneItem {
  /** Settles once the work has run (rejects with what it threw, or with its promise's rejection). */
  readonly done: Promise<void>;
  /** Whether the work has started. */
  readonly ran: () => boolean;
  /** Runs the work now if it has not run yet. */
  runNow(): void;
}

/**
 * Agents' counter frames (ticks' deltas), from every socket, handled a slice of the event loop at a time
 * after the turn that read them. Handling one is the hub's costliest work per agent frame (parsing
 * and checking a whole table, then every view, series and verdict it feeds, about 1.3 ms for 100 real
 * servers); handled as each socket was read, a VRRP transition read in the same turn as 40 other
 * directors' ticks waited behind all of them. Now every socket's frames are read first, events and
 * changes of state among them handled at once, and the counters after, `sliceMs` at a time with a turn
 * of the loop between slices, so an event arriving meanwhile waits for one slice at most.
 */
export interface CounterLane {
  /** Queues `work`; it runs in a later slice, in the order queued, or sooner with `runNow`. */
  add(work: () => void | Promise<void>): LaneItem;
  /** Items waiting. */
  size(): number;
}

/** Creates a lane whose slices run for `sliceMs` (at least one item each). */
export function createCounterLane(sliceMs: number, clock: () => number = () => performance.now()): CounterLane {
  const queue: { run(): void; ran(): boolean }[] = [];
  let waiting = 0;
  let scheduled = false;
  const drain = () => {
    scheduled = false;
    const start = clock();
    while (queue.length > 0) {
      const item = queue.shift()!;
      if (item.ran()) continue;
      item.run();
      if (clock() - start >= sliceMs) break;
    }
    if (waiting > 0) schedule();
    else queue.length = 0;
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(drain);
  };
  return {
    add(work) {
      let started = false;
      let settle!: { resolve: () => void; reject: (err: unknown) => void };
      const done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
      const run = () => {
        if (started) return;
        started = true;
        waiting--;
        try {
          const result = work();
          if (result instanceof Promise) result.then(settle.resolve, settle.reject);
          else settle.resolve();
        } catch (err) {
          settle.reject(err);
        }
      };
      queue.push({ run, ran: () => started });
      waiting++;
      schedule();
      return { done, ran: () => started, runNow: run };
    },
    size: () => waiting,
  };
}
