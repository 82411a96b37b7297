// Undoing what a lab created, whichever way it ends: after a normal run (`run()` in a finally), on
// SIGINT / SIGTERM / SIGHUP (the handlers installed here run it, then exit), on an uncaught error,
// and as a last resort from the process's `exit` event, where only synchronous steps can run.

/** How long one asynchronous step may take before the teardown moves on (ms). */
const STEP_LIMIT_MS = 12_000;
/** A signal repeated within this is the same request, passed on by npm or `timeout` (ms). */
const REPEAT_SIGNAL_MS = 1_000;
/** A step slower than this is reported (ms). */
const SLOW_STEP_MS = 1_000;

/** One thing to undo; `now` marks a step that is synchronous and so may also run from the exit handler. */
interface Step {
  name: string;
  run: () => Promise<void> | void;
  now: boolean;
}

/** What to undo, newest first. */
export interface Teardown {
  /** Adds a step that may be asynchronous (stopping a daemon gracefully); skipped from the exit handler. */
  defer(name: string, step: () => Promise<void> | void): void;
  /** Adds a synchronous step (SIGKILL by pid, `ip netns del`, removing files) that runs in every case. */
  deferSync(name: string, step: () => void): void;
  /** Runs every step not run yet, newest first; a failing step is logged and the others still run. */
  run(): Promise<void>;
  /** True once a signal asked the process to stop. */
  stopping(): boolean;
  /** Resolves with the signal that asked the process to stop. */
  signalled: Promise<NodeJS.Signals>;
}

const SIGNAL_NUMBERS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;

/** Creates the teardown and installs the signal and exit handlers. */
export function createTeardown(log: (message: string) => void): Teardown {
  const steps: Step[] = [];
  let stopping = false;
  let firstSignalAt = 0;
  let resolveSignal: (signal: NodeJS.Signals) => void = () => undefined;
  const signalled = new Promise<NodeJS.Signals>((resolve) => (resolveSignal = resolve));

  const runSyncSteps = () => {
    for (const step of steps.splice(0).reverse()) {
      if (!step.now) continue;
      try {
        void step.run();
      } catch (err) {
        log(`teardown: ${step.name}: ${(err as Error).message}`);
      }
    }
  };
  const run = async () => {
    while (steps.length > 0) {
      const step = steps.pop() as Step;
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<void>((resolve) => (timer = setTimeout(() => (log(`teardown: ${step.name} took over ${STEP_LIMIT_MS} ms; going on`), resolve()), STEP_LIMIT_MS)));
      try {
        await Promise.race([Promise.resolve().then(step.run), limit]);
      } catch (err) {
        log(`teardown: ${step.name}: ${(err as Error).message}`);
      } finally {
        clearTimeout(timer);
        if (Date.now() - started > SLOW_STEP_MS) log(`teardown: ${step.name} took ${Date.now() - started} ms`);
      }
    }
  };

  for (const signal of Object.keys(SIGNAL_NUMBERS) as Array<keyof typeof SIGNAL_NUMBERS>) {
    process.on(signal, () => {
      // npm and `timeout` pass a terminal's signal on to the process that already got it: not a second press.
      if (stopping && Date.now() - firstSignalAt < REPEAT_SIGNAL_MS) return;
      if (stopping) {
        // A second Ctrl-C: no more waiting, kill and delete at once.
        log(`${signal} again: removing the lab now`);
        runSyncSteps();
        process.exit(128 + SIGNAL_NUMBERS[signal]);
      }
      stopping = true;
      firstSignalAt = Date.now();
      log(`${signal}: removing the lab (again to hurry)`);
      resolveSignal(signal);
      void run().finally(() => process.exit(128 + SIGNAL_NUMBERS[signal]));
    });
  }
  process.once("exit", runSyncSteps);

  return {
    defer: (name, step) => void steps.push({ name, run: step, now: false }),
    deferSync: (name, step) => void steps.push({ name, run: step, now: true }),
    run,
    stopping: () => stopping,
    signalled,
  };
}
