import type Database from "better-sqlite3";
import { randomUUID } from "node:crypto";
import type { DirectorId, Role, Token, User } from "@lvsdeck/protocol";
import { roleSchema } from "@lvsdeck/protocol";
import { decoyHash, hashPassword, verifyPassword } from "./passwords";
import { hashSecret, newSecret } from "./secrets";

/** A signed-in session lasts this long without use (ms). */
export const SESSION_IDLE_MS = 12 * 3_600_000;

interface UserRow { name: string; role: string; vips: string | null; password_hash: string; created_at: number; disabled: number; source: string; sso_subject: string | null }
interface TokenRow { id: string; kind: string; name: string; director: string | null; vips: string | null; created_at: number; revoked_at: number | null }

/** A user's row with its VIP list and flag read: as PostgreSQL gives it, and SQLite's once decoded. */
export interface UserRecord { name: string; role: string; vips: string[] | null; created_at: number; disabled: boolean; source: string }
/** A token's row with its VIP list read, in either database. */
export interface TokenRecord { id: string; kind: string; name: string; director: string | null; vips: string[] | null; created_at: number; revoked_at: number | null }

/** A user as both databases' stores give it. */
export const userOfRecord = (r: UserRecord): User => ({
  name: r.name,
  role: roleSchema.parse(r.role),
  vips: r.vips,
  createdAt: r.created_at,
  disabled: r.disabled,
  ...(r.source === "oidc" && { source: "oidc" as const }),
});
/** A token as both databases' stores give it. */
export const tokenOfRecord = (r: TokenRecord): Token => ({
  id: r.id,
  kind: r.kind === "agent" ? "agent" : "wall",
  name: r.name,
  director: r.director as DirectorId | null,
  vips: r.vips,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});
// SQLite keeps a VIP list as JSON text and a flag as 0/1.
const vipsOfJson = (vips: string | null): string[] | null => (vips === null ? null : (JSON.parse(vips) as string[]));
const toUser = (r: UserRow): User => userOfRecord({ ...r, vips: vipsOfJson(r.vips), disabled: r.disabled === 1 });
const toToken = (r: TokenRow): Token => tokenOfRecord({ ...r, vips: vipsOfJson(r.vips) });
/** The password hash of a single-sign-on user: no password ever matches it. */
const NO_PASSWORD = "!sso";

/**
 * Users, sessions and tokens; only hashes of secrets are stored. SQLite (one hub) and PostgreSQL
 * (clustered hubs) implement it alike; the shared store suite holds both to it.
 */
export interface AuthStore {
  /** Calls `listener` after any change through this store that can take access away; returns the unsubscribe. */
  onAccessChange(listener: () => void): () => void;
  /** Call when another process (the CLI, another hub) may have changed users or tokens in the same database. */
  accessMayHaveChanged(): void;
  /**
   * One cheap fingerprint of everything that grants access: users (role, scope, password, disabled),
   * how many sessions exist and which tokens are revoked. It changes whenever access may have been taken away.
   */
  accessFingerprint(): Promise<string>;
  addUser(name: string, role: Role, password: string, vips: string[] | null): Promise<User>;
  user(name: string): Promise<User | null>;
  users(): Promise<User[]>;
  /** Changes a user; a disabled user or a changed password loses every session. Null: no such user. */
  updateUser(name: string, patch: { role?: Role; vips?: string[] | null; disabled?: boolean; password?: string }): Promise<User | null>;
  /** Checks a password; the same work is done for unknown users so timing does not reveal who exists. */
  checkPassword(name: string, password: string): Promise<User | null>;
  /**
   * Records a single-sign-on user with the role and VIPs their groups give now; a changed role or scope
   * re-scopes their open sessions at once. Refuses a name a local user has (the break-glass admin
   * cannot be taken over by the provider), and a user an admin disabled.
   */
  ssoSignIn(name: string, subject: string, role: Role, vips: string[] | null): Promise<User | "local-name" | "other-subject" | "disabled">;
  /** A single-sign-on user whose groups no longer map to any role: every session of theirs ends now. */
  ssoRefused(name: string): Promise<void>;
  /** Opens a session for `user`; returns its secret (only its hash is stored). */
  openSession(user: string): Promise<string>;
  /** The user of a live session, extending it (sliding expiry). */
  sessionUser(secret: string): Promise<User | null>;
  closeSession(secret: string): Promise<void>;
  addToken(kind: "agent" | "wall", name: string, director: DirectorId | null, vips: string[] | null): Promise<Token & { secret: string }>;
  tokens(): Promise<Token[]>;
  /** A live token by its secret (looked up by hash: an index lookup cannot leak timing about other tokens). */
  tokenBySecret(secret: string): Promise<Token | null>;
  /** Revokes a token; returns it as now stored, or null when there is no such token. */
  revokeToken(id: string): Promise<Token | null>;
}

/** The auth store on an open, migrated SQLite database. */
export function createAuthStore(db: Database.Database, now: () => number): AuthStore {
  const getUser = db.prepare("SELECT * FROM users WHERE name = ?");
  const fingerprint = db.prepare(
    `SELECT
       (SELECT COUNT(*) FROM sessions) AS sessions,
       (SELECT COUNT(*) || ':' || TOTAL(revoked_at) FROM tokens) AS tokens,
       (SELECT group_concat(name || '|' || role || '|' || IFNULL(vips, '*') || '|' || disabled || '|' || password_hash, ';') FROM (SELECT * FROM users ORDER BY name)) AS users`,
  );
  const listeners = new Set<() => void>();
  /** Tells every holder of a live connection to check its access again (users, sessions or tokens changed). */
  const changed = () => {
    for (const l of listeners) l();
  };
  return {
    onAccessChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    accessMayHaveChanged: changed,
    async accessFingerprint() {
      const row = fingerprint.get() as { sessions: number; tokens: string; users: string | null };
      return `${row.sessions}/${row.tokens}/${row.users ?? ""}`;
    },
    async addUser(name, role, password, vips) {
      const hash = await hashPassword(password);
      db.prepare("INSERT INTO users (name, role, vips, password_hash, created_at) VALUES (?, ?, ?, ?, ?)").run(
        name, role, vips === null ? null : JSON.stringify(vips), hash, now(),
      );
      return toUser(getUser.get(name) as UserRow);
    },
    async user(name) {
      const row = getUser.get(name) as UserRow | undefined;
      return row ? toUser(row) : null;
    },
    users: async () => (db.prepare("SELECT * FROM users ORDER BY name").all() as UserRow[]).map(toUser),
    async updateUser(name, patch) {
      const current = getUser.get(name) as UserRow | undefined;
      if (!current) return null;
      const hash = patch.password === undefined ? current.password_hash : await hashPassword(patch.password);
      db.prepare("UPDATE users SET role = ?, vips = ?, disabled = ?, password_hash = ? WHERE name = ?").run(
        patch.role ?? current.role,
        patch.vips === undefined ? current.vips : patch.vips === null ? null : JSON.stringify(patch.vips),
        patch.disabled === undefined ? current.disabled : patch.disabled ? 1 : 0,
        hash,
        name,
      );
      // A disabled user or a changed password ends every session at once, open live sockets included;
      // a changed role or scope re-scopes them.
      if (patch.disabled === true || patch.password !== undefined) db.prepare("DELETE FROM sessions WHERE user_name = ?").run(name);
      changed();
      return toUser(getUser.get(name) as UserRow);
    },
    /** Checks a password; the same work is done for unknown users so timing does not reveal who exists. */
    async checkPassword(name, password) {
      const row = getUser.get(name) as UserRow | undefined;
      const local = row !== undefined && row.source === "local";
      const ok = await verifyPassword(password, local ? row.password_hash : await decoyHash);
      return row && local && ok && row.disabled === 0 ? toUser(row) : null;
    },
    /**
     * Records a single-sign-on user with the role and VIPs their groups give now; a changed role or scope
     * re-scopes their open sessions at once. Refuses a name a local user has (the break-glass admin
     * cannot be taken over by the provider), and a user an admin disabled.
     */
    async ssoSignIn(name, subject, role, vips) {
      const row = getUser.get(name) as UserRow | undefined;
      if (row !== undefined && row.source !== "oidc") return "local-name";
      if (row !== undefined && row.sso_subject !== subject) return "other-subject";
      if (row !== undefined && row.disabled === 1) return "disabled";
      const vipsText = vips === null ? null : JSON.stringify(vips);
      if (row === undefined) {
        db.prepare("INSERT INTO users (name, role, vips, password_hash, created_at, source, sso_subject) VALUES (?, ?, ?, ?, ?, 'oidc', ?)").run(name, role, vipsText, NO_PASSWORD, now(), subject);
      } else if (row.role !== role || row.vips !== vipsText) {
        db.prepare("UPDATE users SET role = ?, vips = ? WHERE name = ?").run(role, vipsText, name);
        changed();
      }
      return toUser(getUser.get(name) as UserRow);
    },
    /** A single-sign-on user whose groups no longer map to any role: every session of theirs ends now. */
    async ssoRefused(name) {
      const row = getUser.get(name) as UserRow | undefined;
      if (row?.source !== "oidc") return;
      db.prepare("DELETE FROM sessions WHERE user_name = ?").run(name);
      changed();
    },
    async openSession(user) {
      const secret = newSecret("s");
      db.prepare("INSERT INTO sessions (id_hash, user_name, created_at, expires_at) VALUES (?, ?, ?, ?)").run(hashSecret(secret), user, now(), now() + SESSION_IDLE_MS);
      return secret;
    },
    /** The user of a live session, extending it (sliding expiry). */
    async sessionUser(secret) {
      const idHash = hashSecret(secret);
      const row = db.prepare("SELECT u.* FROM sessions s JOIN users u ON u.name = s.user_name WHERE s.id_hash = ? AND s.expires_at > ? AND u.disabled = 0").get(idHash, now()) as UserRow | undefined;
      if (!row) return null;
      db.prepare("UPDATE sessions SET expires_at = ? WHERE id_hash = ?").run(now() + SESSION_IDLE_MS, idHash);
      return toUser(row);
    },
    async closeSession(secret) {
      db.prepare("DELETE FROM sessions WHERE id_hash = ?").run(hashSecret(secret));
      changed();
    },
    async addToken(kind, name, director, vips) {
      const id = randomUUID();
      const secret = newSecret(kind === "agent" ? "agt" : "wall");
      db.prepare("INSERT INTO tokens (id, kind, name, director, vips, secret_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)").run(
        id, kind, name, director, vips === null ? null : JSON.stringify(vips), hashSecret(secret), now(),
      );
      return { ...toToken(db.prepare("SELECT * FROM tokens WHERE id = ?").get(id) as TokenRow), secret };
    },
    tokens: async () => (db.prepare("SELECT * FROM tokens ORDER BY created_at").all() as TokenRow[]).map(toToken),
    /** A live token by its secret (looked up by hash: an index lookup cannot leak timing about other tokens). */
    async tokenBySecret(secret) {
      const row = db.prepare("SELECT * FROM tokens WHERE secret_hash = ? AND revoked_at IS NULL").get(hashSecret(secret)) as TokenRow | undefined;
      return row ? toToken(row) : null;
    },
    async revokeToken(id) {
      db.prepare("UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL").run(now(), id);
      changed();
      const row = db.prepare("SELECT * FROM tokens WHERE id = ?").get(id) as TokenRow | undefined;
      return row ? toToken(row) : null;
    },
  };
}
