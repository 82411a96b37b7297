import type Database from "better-sqlite3";
import type { AuthStore } from "./authStore";

/** How often the hub looks for user and token changes made by another process (the `lvsdeck-hub` CLI). */
export const ACCESS_POLL_MS = 1_000;

interface Holders {
  revalidate(): unknown;
}

/**
 * One cheap fingerprint of everything that grants access: users (role, scope, password, disabled),
 * how many sessions exist and which tokens are revoked. It changes whenever access may have been taken away.
 */
function accessFingerprint(db: Database.Database): string {
  const row = db
    .prepare(
      `SELECT
         (SELECT COUNT(*) FROM sessions) AS sessions,
         (SELECT COUNT(*) || ':' || TOTAL(revoked_at) FROM tokens) AS tokens,
         (SELECT group_concat(name || '|' || role || '|' || IFNULL(vips, '*') || '|' || disabled || '|' || password_hash, ';') FROM (SELECT * FROM users ORDER BY name)) AS users`,
    )
    .get() as { sessions: number; tokens: string; users: string | null };
  return `${row.sessions}/${row.tokens}/${row.users ?? ""}`;
}

/**
 * Keeps live sockets bound to the credentials they were opened with: a change through this hub is
 * checked at once, a change by the CLI in the same database within ACCESS_POLL_MS.
 */
export function watchAccess(db: Database.Database, store: AuthStore, holders: readonly Holders[], pollMs = ACCESS_POLL_MS): () => void {
  let fingerprint = accessFingerprint(db);
  const recheck = () => {
    fingerprint = accessFingerprint(db);
    for (const h of holders) h.revalidate();
  };
  const unsubscribe = store.onAccessChange(recheck);
  const timer = setInterval(() => {
    if (accessFingerprint(db) !== fingerprint) recheck();
  }, pollMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    unsubscribe();
  };
}
