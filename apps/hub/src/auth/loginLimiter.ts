/** Failed logins allowed per address and per user name in one window. */
export const MAX_LOGIN_FAILURES = 5;
/** The window in which failures count (ms). */
export const LOGIN_WINDOW_MS = 60_000;
/** Most keys tracked; the oldest are forgotten first so memory stays bounded under a spray. */
const MAX_KEYS = 10_000;

/** Counts failed logins per key (address, user name) in a fixed window. */
export function createLoginLimiter(now: () => number) {
  const failures = new Map<string, { count: number; since: number }>();
  const live = (key: string) => {
    const entry = failures.get(key);
    if (entry && now() - entry.since > LOGIN_WINDOW_MS) {
      failures.delete(key);
      return undefined;
    }
    return entry;
  };
  return {
    /** Seconds until another attempt is allowed for any of the keys, or 0. */
    retryAfter(keys: string[]): number {
      let wait = 0;
      for (const key of keys) {
        const entry = live(key);
        if (entry && entry.count >= MAX_LOGIN_FAILURES) wait = Math.max(wait, Math.ceil((entry.since + LOGIN_WINDOW_MS - now()) / 1000));
      }
      return wait;
    },
    fail(keys: string[]): void {
      for (const key of keys) {
        const entry = live(key) ?? { count: 0, since: now() };
        entry.count++;
        failures.set(key, entry);
        if (failures.size > MAX_KEYS) failures.delete(failures.keys().next().value as string);
      }
    },
    succeed: (keys: string[]) => keys.forEach((key) => failures.delete(key)),
  };
}
