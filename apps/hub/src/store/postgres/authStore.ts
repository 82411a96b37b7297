import type pg from "pg";
import { randomUUID } from "node:crypto";
import { SESSION_IDLE_MS, tokenOfRecord, userOfRecord, type AuthStore } from "../../auth/authStore";
import { decoyHash, hashPassword, verifyPassword } from "../../auth/passwords";
import { hashSecret, newSecret } from "../../auth/secrets";
import { bigintMs, inTransaction, pgText } from "./database";

interface UserRow { name: string; role: string; vips: string[] | null; password_hash: string; created_at: number; disabled: boolean; source: string; sso_subject: string | null }
interface TokenRow { id: string; kind: string; name: string; director: string | null; vips: string[] | null; created_at: number; revoked_at: number | null }

/** The password hash of a single-sign-on user: no password ever matches it (the same mark SQLite stores). */
const NO_PASSWORD = "!sso";

const toUser = userOfRecord;
const toToken = tokenOfRecord;

/** A VIP scope for a TEXT[] column (see pgText). */
const pgVips = (vips: readonly string[] | null): string[] | null => vips?.map((v) => pgText(v)) ?? null;

/** Two VIP scopes are the same when they list the same VIPs in the same order (as SQLite compares its JSON). */
const sameVips = (a: readonly string[] | null, b: readonly string[] | null): boolean => JSON.stringify(a) === JSON.stringify(b);

// Names sort by their bytes, as SQLite's BINARY collation does, whatever the database's own collation is.
const USERS_IN_ORDER = `SELECT * FROM users ORDER BY name COLLATE "C"`;
const FINGERPRINT = `SELECT
  (SELECT COUNT(*) FROM sessions) AS sessions,
  (SELECT COUNT(*) || ':' || COALESCE(SUM(revoked_at), 0) FROM tokens) AS tokens,
  (SELECT string_agg(name || '|' || role || '|' || COALESCE(vips::text, '*') || '|' || disabled::text || '|' || password_hash, ';' ORDER BY name COLLATE "C") FROM users) AS users`;

/**
 * The auth store on an open, migrated PostgreSQL database (see openPostgres), shared by every hub on it.
 * Behaves as the SQLite one. Listeners hear only changes made through this store; a change another hub
 * made shows in accessFingerprint(), which the hub polls.
 */
export function createPgAuthStore(pool: pg.Pool, now: () => number): AuthStore {
  const listeners = new Set<() => void>();
  /** Tells every holder of a live connection to check its access again (users, sessions or tokens changed). */
  const changed = () => {
    for (const l of listeners) l();
  };
  const one = async <R extends pg.QueryResultRow>(db: pg.Pool | pg.PoolClient, sql: string, params: unknown[]): Promise<R | undefined> => (await db.query<R>(sql, params)).rows[0];
  const userRow = (name: string, db: pg.Pool | pg.PoolClient = pool) => one<UserRow>(db, "SELECT * FROM users WHERE name = $1", [name]);
  const endSessions = (db: pg.Pool | pg.PoolClient, name: string) => db.query("DELETE FROM sessions WHERE user_name = $1", [name]);

  return {
    onAccessChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    accessMayHaveChanged: changed,
    async accessFingerprint() {
      const row = (await one<{ sessions: number; tokens: string; users: string | null }>(pool, FINGERPRINT, []))!;
      return `${row.sessions}/${row.tokens}/${row.users ?? ""}`;
    },
    async addUser(name, role, password, vips) {
      const hash = await hashPassword(password);
      const row = await one<UserRow>(
        pool,
        "INSERT INTO users (name, role, vips, password_hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING *",
        [name, role, pgVips(vips), hash, bigintMs(now())],
      );
      return toUser(row!);
    },
    async user(name) {
      const row = await userRow(name);
      return row ? toUser(row) : null;
    },
    users: async () => (await pool.query<UserRow>(USERS_IN_ORDER)).rows.map(toUser),
    async updateUser(name, patch) {
      if (!(await userRow(name))) return null;
      const hash = patch.password === undefined ? null : await hashPassword(patch.password);
      // Only the fields in the patch are written, so a change another hub made meanwhile to another field stays.
      const row = await inTransaction(pool, async (client) => {
        const updated = await one<UserRow>(
          client,
          `UPDATE users SET role = COALESCE($2, role), vips = CASE WHEN $3 THEN $4::text[] ELSE vips END,
             disabled = COALESCE($5, disabled), password_hash = COALESCE($6, password_hash)
           WHERE name = $1 RETURNING *`,
          [name, patch.role ?? null, patch.vips !== undefined, pgVips(patch.vips ?? null), patch.disabled ?? null, hash],
        );
        // A disabled user or a changed password ends every session at once, open live sockets included;
        // a changed role or scope re-scopes them.
        if (updated && (patch.disabled === true || patch.password !== undefined)) await endSessions(client, name);
        return updated;
      });
      if (!row) return null; // Removed by another process while the password was being hashed.
      changed();
      return toUser(row);
    },
    async checkPassword(name, password) {
      const row = await userRow(name);
      const local = row !== undefined && row.source === "local";
      const ok = await verifyPassword(password, local ? row.password_hash : await decoyHash);
      return row && local && ok && !row.disabled ? toUser(row) : null;
    },
    async ssoSignIn(name, subject, role, groupVips) {
      const vips = pgVips(groupVips);
      // One transaction with the user's row locked: two hubs signing the same person in at once neither
      // collide on the insert nor decide on a row the other is changing.
      const outcome = await inTransaction(pool, async (client) => {
        const inserted = await one<UserRow>(
          client,
          `INSERT INTO users (name, role, vips, password_hash, created_at, source, sso_subject) VALUES ($1, $2, $3, $4, $5, 'oidc', $6)
           ON CONFLICT (name) DO NOTHING RETURNING *`,
          [name, role, vips, NO_PASSWORD, bigintMs(now()), subject],
        );
        if (inserted) return { result: toUser(inserted), rescoped: false };
        // The insert found the name taken, and users are never deleted: the row is there.
        const row = (await one<UserRow>(client, "SELECT * FROM users WHERE name = $1 FOR UPDATE", [name]))!;
        if (row.source !== "oidc") return { result: "local-name" as const, rescoped: false };
        if (row.sso_subject !== subject) return { result: "other-subject" as const, rescoped: false };
        if (row.disabled) return { result: "disabled" as const, rescoped: false };
        if (row.role === role && sameVips(row.vips, vips)) return { result: toUser(row), rescoped: false };
        const updated = await one<UserRow>(client, "UPDATE users SET role = $2, vips = $3 WHERE name = $1 RETURNING *", [name, role, vips]);
        return { result: toUser(updated!), rescoped: true };
      });
      if (outcome.rescoped) changed();
      return outcome.result;
    },
    async ssoRefused(name) {
      const { rows } = await pool.query(
        `WITH sso AS (SELECT name FROM users WHERE name = $1 AND source = 'oidc'),
           ended AS (DELETE FROM sessions WHERE user_name IN (SELECT name FROM sso))
         SELECT name FROM sso`,
        [name],
      );
      if (rows.length > 0) changed();
    },
    async openSession(user) {
      const secret = newSecret("s");
      const at = bigintMs(now());
      await pool.query("INSERT INTO sessions (id_hash, user_name, created_at, expires_at) VALUES ($1, $2, $3, $4)", [hashSecret(secret), user, at, at + SESSION_IDLE_MS]);
      return secret;
    },
    async sessionUser(secret) {
      const at = bigintMs(now());
      // Checked and extended in one statement: a session cannot expire between the two.
      const row = await one<UserRow>(
        pool,
        `UPDATE sessions s SET expires_at = $3 FROM users u
         WHERE u.name = s.user_name AND s.id_hash = $1 AND s.expires_at > $2 AND NOT u.disabled
         RETURNING u.*`,
        [hashSecret(secret), at, at + SESSION_IDLE_MS],
      );
      return row ? toUser(row) : null;
    },
    async closeSession(secret) {
      await pool.query("DELETE FROM sessions WHERE id_hash = $1", [hashSecret(secret)]);
      changed();
    },
    async addToken(kind, name, director, vips) {
      const secret = newSecret(kind === "agent" ? "agt" : "wall");
      const row = await one<TokenRow>(
        pool,
        "INSERT INTO tokens (id, kind, name, director, vips, secret_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *",
        [randomUUID(), kind, pgText(name), director, pgVips(vips), hashSecret(secret), bigintMs(now())],
      );
      return { ...toToken(row!), secret };
    },
    tokens: async () => (await pool.query<TokenRow>("SELECT * FROM tokens ORDER BY created_at, added")).rows.map(toToken),
    async tokenBySecret(secret) {
      const row = await one<TokenRow>(pool, "SELECT * FROM tokens WHERE secret_hash = $1 AND revoked_at IS NULL", [hashSecret(secret)]);
      return row ? toToken(row) : null;
    },
    async revokeToken(id) {
      // Only the first revocation is recorded; revoking again keeps that time.
      await pool.query("UPDATE tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL", [id, bigintMs(now())]);
      changed();
      const row = await one<TokenRow>(pool, "SELECT * FROM tokens WHERE id = $1", [id]);
      return row ? toToken(row) : null;
    },
  };
}
