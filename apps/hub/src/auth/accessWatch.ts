import type { AuthStore } from "./authStore";

/** How often the hub looks for user and token changes made elsewhere (the `lvsdeck-hub` CLI, another hub). */
export const ACCESS_POLL_MS = 1_000;

interface Holders {
  /** Checks every live socket's credential again; `unsure` counts those that could not be read. */
  revalidate(): Promise<{ unsure: number }>;
}

/**
 * Keeps live sockets bound to the credentials they were opened with: a change through this hub is
 * checked at once, a change by the CLI or another hub on the same database within ACCESS_POLL_MS.
 * While the database cannot be read, sockets stay as they are (unknown is not revoked) and are all
 * checked again as soon as it can; `onError` hears each failed read.
 */
export function watchAccess(
  store: AuthStore,
  holders: readonly Holders[],
  onError: (err: Error) => void,
  options: { pollMs?: number; /** Other news of a change (another hub's, over the bus): checked at once too. */ alsoOn?: (listener: () => void) => () => void } = {},
): () => void {
  const pollMs = options.pollMs ?? ACCESS_POLL_MS;
  let fingerprint: string | null = null;
  let owed = false;
  let busy = false;
  const recheck = async () => {
    owed = false;
    const results = await Promise.all(holders.map((h) => h.revalidate()));
    if (results.some((r) => r.unsure > 0)) owed = true;
  };
  const poll = async () => {
    if (busy) return;
    busy = true;
    try {
      const next = await store.accessFingerprint();
      const changed = fingerprint !== null && next !== fingerprint;
      fingerprint = next;
      if (changed || owed) await recheck();
    } catch (err) {
      owed = true;
      onError(err as Error);
    } finally {
      busy = false;
    }
  };
  void poll();
  const onChange = () => {
    void recheck().catch(onError);
    void poll();
  };
  const unsubscribe = store.onAccessChange(onChange);
  const unsubscribeOther = options.alsoOn?.(onChange);
  const timer = setInterval(() => void poll(), pollMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    unsubscribe();
    unsubscribeOther?.();
  };
}
