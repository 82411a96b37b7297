/**
 * Wraps an async job so that at most one run is in flight and a call made during a run is not lost:
 * it queues exactly one more run, which starts when the current one ends. Every caller's promise
 * settles after a run that started at or after its call, so what it waited for saw the latest input.
 */
export function coalesced(job: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  const start = (): Promise<void> => {
    running = job().finally(() => {
      running = null;
    });
    return running;
  };
  return () => {
    if (running === null) return start();
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = null;
        return start();
      });
    return queued;
  };
}
