import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import * as client from "openid-client";
import { roleSchema, userNameSchema } from "@lvsdeck/protocol";
import type { Role } from "@lvsdeck/protocol";

/** One identity-provider group and what its members may do in lvsdeck. */
export interface GroupMapping {
  group: string;
  role: Role;
  /** The VIPs its members may act on; null for all. */
  vips: string[] | null;
}

/** Single sign-on through OpenID Connect (authorization code with PKCE), next to local users. */
export interface OidcOptions {
  issuer: string;
  clientId: string;
  /** A file holding the client secret alone (not on the command line, where `ps` shows it). */
  clientSecretFile: string;
  /** The ID-token (or userinfo) claim that lists the user's groups. Default `groups`. */
  groupsClaim?: string;
  groups: GroupMapping[];
  /** The hub's own URL as browsers reach it; the callback is `<publicUrl>/api/auth/oidc/callback`. */
  publicUrl: string;
  /** What the sign-in button says: "Sign in with <label>". Default "single sign-on". */
  label?: string;
  /** Allow an http:// issuer (a provider on this machine, tests). */
  allowHttpIssuer?: boolean;
}

/**
 * Parses `--oidc-group GROUP=ROLE[:VIP,VIP…]`, e.g. `lvs-admins=admin` or
 * `noc-web=operator:192.168.50.100,192.168.50.101`; throws one line naming what is wrong.
 */
export function parseGroupMapping(text: string): GroupMapping {
  const match = /^([^=]+)=([a-z]+)(?::(.+))?$/.exec(text);
  const role = roleSchema.safeParse(match?.[2]);
  if (match === null || !role.success) throw new Error(`--oidc-group ${JSON.stringify(text)}: expected GROUP=ROLE[:VIP,VIP…] with ROLE one of viewer, operator, admin`);
  const vips = match[3] === undefined ? null : match[3].split(",").map((v) => v.trim()).filter(Boolean);
  if (vips !== null && role.data === "admin") throw new Error(`--oidc-group ${JSON.stringify(text)}: an admin is never limited to VIPs`);
  if (vips !== null && vips.length === 0) throw new Error(`--oidc-group ${JSON.stringify(text)}: no VIPs after ':'`);
  return { group: match[1]!.trim(), role: role.data, vips };
}

const rank: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/**
 * What a user with these groups may do: the most powerful role among their mapped groups, with the VIPs of
 * every mapping of that role together (all VIPs when one of them has no limit). Null with no mapped group.
 */
export function accessOfGroups(groups: readonly string[], mappings: readonly GroupMapping[]): { role: Role; vips: string[] | null } | null {
  const mine = mappings.filter((m) => groups.includes(m.group));
  if (mine.length === 0) return null;
  const role = mine.reduce<Role>((best, m) => (rank[m.role] > rank[best] ? m.role : best), "viewer");
  const top = mine.filter((m) => m.role === role);
  if (top.some((m) => m.vips === null)) return { role, vips: null };
  return { role, vips: [...new Set(top.flatMap((m) => m.vips ?? []))].sort() };
}

/**
 * The lvsdeck user name for what the provider calls someone (`Alice.Smith@example.com` → `alice.smith`):
 * lower case, the part before any `@`, other characters as `-`, at most 32; null when nothing usable is left.
 */
export function userNameOf(raw: string): string | null {
  const name = (raw.toLowerCase().split("@")[0] ?? "").replace(/[^a-z0-9._-]/g, "-").replace(/^[^a-z]+/, "").slice(0, 32);
  return userNameSchema.safeParse(name).success ? name : null;
}

/** A sign-in the browser was sent off for: what its return must match. Kept in memory, briefly. */
interface Pending {
  verifier: string;
  nonce: string;
  /** Bound to the browser that started it (a cookie), so a stolen callback URL signs nobody in. */
  binding: string;
  expiresAt: number;
}

/** How long a browser may take at the identity provider (ms). */
export const OIDC_PENDING_MS = 10 * 60_000;
/** Most sign-ins waiting at once; the oldest is dropped beyond it, so a flood cannot grow memory. */
const MAX_PENDING = 1_000;

/** Who the identity provider says signed in, and what lvsdeck makes of it. */
export interface OidcIdentity {
  /** The lvsdeck user name ({@link userNameOf}) of the `preferred_username`, else the email, else the subject. */
  name: string;
  subject: string;
  groups: string[];
  access: { role: Role; vips: string[] | null } | null;
}

/** The relying party: sends browsers to the provider and checks what they bring back. */
export async function createOidc(options: OidcOptions, now: () => number = Date.now) {
  const secret = readFileSync(options.clientSecretFile, "utf8").trim();
  if (secret === "") throw new Error(`--oidc-client-secret-file ${options.clientSecretFile} is empty`);
  const issuer = new URL(options.issuer);
  if (issuer.protocol !== "https:" && options.allowHttpIssuer !== true) throw new Error(`--oidc-issuer must be https:// (got ${options.issuer})`);
  const config = await client.discovery(issuer, options.clientId, secret, undefined, options.allowHttpIssuer === true ? { execute: [client.allowInsecureRequests] } : undefined);
  const redirectUri = new URL("/api/auth/oidc/callback", options.publicUrl).href;
  const groupsClaim = options.groupsClaim ?? "groups";
  const pending = new Map<string, Pending>();
  const sweep = () => {
    for (const [state, p] of pending) if (p.expiresAt <= now()) pending.delete(state);
    while (pending.size >= MAX_PENDING) pending.delete(pending.keys().next().value as string);
  };

  return {
    label: options.label ?? "single sign-on",
    redirectUri,
    /** Starts a sign-in: the provider's URL to send the browser to, and the value of its binding cookie. */
    async start(): Promise<{ url: string; binding: string }> {
      sweep();
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const binding = randomBytes(24).toString("base64url");
      pending.set(state, { verifier, nonce, binding, expiresAt: now() + OIDC_PENDING_MS });
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: "openid profile email",
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: "S256",
        state,
        nonce,
      });
      return { url: url.href, binding };
    },
    /** Finishes a sign-in from the callback URL; throws one line an operator can act on. */
    async finish(callbackUrl: URL, binding: string | null): Promise<OidcIdentity> {
      const state = callbackUrl.searchParams.get("state") ?? "";
      const waiting = pending.get(state);
      pending.delete(state);
      if (callbackUrl.searchParams.has("error")) throw new Error(`the identity provider refused: ${callbackUrl.searchParams.get("error_description") ?? callbackUrl.searchParams.get("error")}`);
      if (waiting === undefined || waiting.expiresAt <= now()) throw new Error("this sign-in is unknown or took longer than 10 minutes: start again");
      if (binding !== waiting.binding) throw new Error("this sign-in was started in another browser: start again");
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: waiting.verifier, expectedState: state, expectedNonce: waiting.nonce, idTokenExpected: true });
      const claims = tokens.claims();
      if (claims === undefined) throw new Error("the identity provider sent no ID token");
      let source: Record<string, unknown> = claims;
      if (!(groupsClaim in claims)) source = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
      const raw = source[groupsClaim];
      const groups = Array.isArray(raw) ? raw.filter((g): g is string => typeof g === "string") : typeof raw === "string" ? [raw] : [];
      const said = [source.preferred_username, claims.preferred_username, source.email, claims.email].find((v): v is string => typeof v === "string" && v.trim() !== "") ?? claims.sub;
      const name = userNameOf(said);
      if (name === null) throw new Error(`the identity provider names this user ${JSON.stringify(said.slice(0, 64))}, which makes no lvsdeck user name`);
      return { name, subject: claims.sub, groups, access: accessOfGroups(groups, options.groups) };
    },
  };
}

export type Oidc = Awaited<ReturnType<typeof createOidc>>;
