/**
 * Sign-in throttling that holds under concurrency and cannot be turned against a user.
 *
 * - Every attempt is counted BEFORE its password is hashed, so 25 parallel guesses are 25 attempts, not
 *   25 checks that all read "0 failures so far". A success gives back only its own attempt.
 * - Per address: MAX_LOGIN_FAILURES attempts that did not succeed per LOGIN_WINDOW_MS, then 429.
 * - Per user, only from places the user has not signed in from before: after MAX_UNKNOWN_PLACE_FAILURES
 *   failed attempts in the window, further attempts from unknown places wait. A correct password from a
 *   known place (an address this user signed in from successfully) always passes, so guessing from
 *   elsewhere cannot lock anyone out, the admin during an incident included.
 */

/** Failed (or pending) sign-ins allowed per address in one window. */
export const MAX_LOGIN_FAILURES = 5;
/** Failed sign-ins for one user from places it never signed in from, per window, before those wait. */
export const MAX_UNKNOWN_PLACE_FAILURES = 10;
/** The window in which failures count (ms). */
export const LOGIN_WINDOW_MS = 60_000;
/** Most keys tracked; the oldest are forgotten first so memory stays bounded under a spray. */
const MAX_KEYS = 10_000;

/** One admitted attempt; settle it once the password was checked (or could not be). */
export interface LoginTicket {
  keys: string[];
}

export type Admission = { ok: true; ticket: LoginTicket } | { ok: false; retryAfter: number; reason: string };

/** Counts sign-in attempts per address and per user name in a fixed window. */
export function createLoginLimiter(now: () => number) {
  const attempts = new Map<string, { count: number; since: number }>();
  const live = (key: string) => {
    const entry = attempts.get(key);
    if (entry && now() - entry.since > LOGIN_WINDOW_MS) {
      attempts.delete(key);
      return undefined;
    }
    return entry;
  };
  const waitFor = (key: string, max: number): number => {
    const entry = live(key);
    return entry && entry.count >= max ? Math.max(1, Math.ceil((entry.since + LOGIN_WINDOW_MS - now()) / 1000)) : 0;
  };
  const take = (key: string) => {
    const entry = live(key) ?? { count: 0, since: now() };
    entry.count++;
    attempts.set(key, entry);
    if (attempts.size > MAX_KEYS) attempts.delete(attempts.keys().next().value as string);
  };
  const giveBack = (key: string) => {
    const entry = live(key);
    if (!entry) return;
    entry.count = Math.max(0, entry.count - 1);
  };
  return {
    /** Admits an attempt (and counts it) or says how long to wait; synchronous, so parallel requests see each other. */
    admit(address: string, user: string, knownPlace: boolean): Admission {
      const addressKey = `addr:${address}`;
      const userKey = `user:${user}`;
      const addressWait = waitFor(addressKey, MAX_LOGIN_FAILURES);
      if (addressWait > 0) return { ok: false, retryAfter: addressWait, reason: "too many failed sign-ins from this address" };
      if (!knownPlace) {
        const userWait = waitFor(userKey, MAX_UNKNOWN_PLACE_FAILURES);
        if (userWait > 0) return { ok: false, retryAfter: userWait, reason: `too many failed sign-ins for ${user} from new places` };
      }
      const keys = knownPlace ? [addressKey] : [addressKey, userKey];
      for (const key of keys) take(key);
      return { ok: true, ticket: { keys } };
    },
    /** A success gives back its own attempt only; a failure keeps it counted; `released` (never checked) gives it back. */
    settle(ticket: LoginTicket, outcome: "ok" | "failed" | "released"): void {
      if (outcome !== "failed") for (const key of ticket.keys) giveBack(key);
    },
  };
}

/** Passwords hashed at once; scrypt takes 32 MiB and ~100 ms each, so two cores are busy with two. */
export const MAX_CONCURRENT_HASHES = 2;
/** Sign-ins allowed to wait for a hash slot; beyond this the hub answers 503 at once. */
export const MAX_QUEUED_HASHES = 16;

/**
 * Bounds concurrent password hashing. Attempts from known places queue ahead of the rest, so a flood
 * of guesses slows the guesses, not a real sign-in.
 */
export function createHashGate(maxConcurrent = MAX_CONCURRENT_HASHES, maxQueued = MAX_QUEUED_HASHES) {
  let running = 0;
  const urgent: (() => void)[] = [];
  const normal: (() => void)[] = [];
  const next = () => {
    const start = urgent.shift() ?? normal.shift();
    if (start) start();
  };
  return {
    /** Runs `work` when a slot is free; "busy" when the queue is full (the work never ran). */
    async run<T>(work: () => Promise<T>, knownPlace: boolean): Promise<T | "busy"> {
      if (running >= maxConcurrent) {
        // A known place may always queue: the bound is on guesses, which come from unknown places.
        if (!knownPlace && urgent.length + normal.length >= maxQueued) return "busy";
        await new Promise<void>((resolve) => (knownPlace ? urgent : normal).push(resolve));
      } else running++;
      try {
        return await work();
      } finally {
        if (urgent.length + normal.length > 0) next();
        else running--;
      }
    },
    stats: () => ({ running, queued: urgent.length + normal.length }),
  };
}
