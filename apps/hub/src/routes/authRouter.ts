import { Router, type Request, type Response } from "express";
import { z } from "zod";
import type { AuthMethodsResponse, SessionResponse, TokensResponse, UsersResponse } from "@lvsdeck/protocol";
import { createTokenRequestSchema, createUserRequestSchema, loginRequestSchema, updateUserRequestSchema } from "@lvsdeck/protocol";
import type { AuthStore } from "../auth/authStore";
import { SESSION_IDLE_MS } from "../auth/authStore";
import type { AuditLog } from "../auth/auditLog";
import { MAX_AUDIT_PAGE } from "../auth/auditLog";
import { createHashGate, createLoginLimiter } from "../auth/loginLimiter";
import { principalOf, requireAuth, requireRole } from "../auth/middleware";
import { actorName, readCookie, remoteAddress, SESSION_COOKIE } from "../auth/principal";
import { fail, validate } from "./validate";
import type { Oidc } from "../auth/oidc";
import { OIDC_PENDING_MS } from "../auth/oidc";

interface Deps {
  store: AuthStore;
  audit: AuditLog;
  now: () => number;
  /** Called when an agent token is revoked, to disconnect its director at once. */
  onAgentTokenRevoked: (director: string) => void;
  /** Single sign-on, when configured. */
  oidc?: Oidc | null;
}

/** The cookie that binds a single-sign-on round trip to the browser that started it (sent back on the provider's redirect: Lax). */
const SSO_BINDING_COOKIE = "lvsdeck_sso";

const remoteOf = (req: Request) => remoteAddress(req);

function sessionCookie(req: Request, value: string, maxAgeMs: number): string {
  const secure = req.secure ? "; Secure" : "";
  return `${SESSION_COOKIE}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(maxAgeMs / 1000)}${secure}`;
}

const auditBase = { directors: [], service: null, realServer: null, from: null, to: null, reason: null, detail: null };

/** Sign-in, users, tokens and the audit log under /api. */
export function createAuthRouter(deps: Deps): Router {
  const { store, audit, now } = deps;
  const limiter = createLoginLimiter(now);
  const hashes = createHashGate();
  const router = Router();
  const auth = requireAuth(store);
  const admin = requireRole("admin");

  router.post("/session", async (req, res) => {
    const body = validate(loginRequestSchema, req.body, res);
    if (!body) return;
    const remote = remoteOf(req);
    const refused = async (status: number, result: string, message: string, retryAfter: number) => {
      await audit.append({ ...auditBase, at: now(), actor: body.name, action: "login-failed", remote, result, detail: message });
      res.setHeader("Retry-After", String(retryAfter));
      fail(res, status, message);
    };
    const knownPlace = await audit.knownPlace(body.name, remote);
    // Counted before the (slow) hash, so parallel guesses cannot all slip under the limit.
    const admission = limiter.admit(remote ?? "unknown", body.name, knownPlace);
    if (!admission.ok) return refused(429, "throttled", `${admission.reason}; try again in ${admission.retryAfter} s`, admission.retryAfter);
    const user = await hashes.run(() => store.checkPassword(body.name, body.password), knownPlace);
    if (user === "busy") {
      limiter.settle(admission.ticket, "released");
      return refused(503, "busy", "the hub is checking too many sign-ins at once; try again in a second", 1);
    }
    if (!user) {
      limiter.settle(admission.ticket, "failed");
      await audit.append({ ...auditBase, at: now(), actor: body.name, action: "login-failed", remote, result: "denied" });
      return fail(res, 401, "unknown user or wrong password");
    }
    limiter.settle(admission.ticket, "ok");
    res.setHeader("Set-Cookie", sessionCookie(req, await store.openSession(user.name), SESSION_IDLE_MS));
    await audit.append({ ...auditBase, at: now(), actor: user.name, action: "login", remote: remoteOf(req), result: "ok" });
    res.json({ kind: "user", user, vips: user.vips } satisfies SessionResponse);
  });

  router.get("/auth/methods", (_req, res) => {
    res.json({ sso: deps.oidc == null ? null : { label: deps.oidc.label } } satisfies AuthMethodsResponse);
  });

  if (deps.oidc != null) {
    const oidc = deps.oidc;
    const secure = (req: Request) => (req.secure ? "; Secure" : "");
    router.get("/auth/oidc/login", async (req, res) => {
      const { url, binding } = await oidc.start();
      res.setHeader("Set-Cookie", `${SSO_BINDING_COOKIE}=${binding}; Path=/api/auth/oidc; HttpOnly; SameSite=Lax; Max-Age=${OIDC_PENDING_MS / 1000}${secure(req)}`);
      res.redirect(302, url);
    });
    router.get("/auth/oidc/callback", async (req, res) => {
      const remote = remoteOf(req);
      const back = (error: string | null, cookies: string[] = []) => {
        res.setHeader("Set-Cookie", [`${SSO_BINDING_COOKIE}=; Path=/api/auth/oidc; HttpOnly; SameSite=Lax; Max-Age=0${secure(req)}`, ...cookies]);
        res.redirect(302, error === null ? "/" : `/?sso_error=${encodeURIComponent(error)}`);
      };
      const query = req.originalUrl.includes("?") ? req.originalUrl.slice(req.originalUrl.indexOf("?")) : "";
      let identity;
      try {
        identity = await oidc.finish(new URL(`${oidc.redirectUri}${query}`), readCookie(req, SSO_BINDING_COOKIE));
      } catch (err) {
        const message = `single sign-on failed: ${(err as Error).message}`;
        await audit.append({ ...auditBase, at: now(), actor: "(single sign-on)", action: "login-failed", remote, result: "denied", detail: message });
        return back(message);
      }
      const refuse = async (message: string) => {
        await audit.append({ ...auditBase, at: now(), actor: identity.name, action: "login-failed", remote, result: "denied", detail: message });
        back(message);
      };
      if (identity.access === null) {
        // Access taken away at the provider ends every session of theirs here too, not only this sign-in.
        await store.ssoRefused(identity.name);
        return refuse(`${identity.name} is in no group that has access to lvsdeck (groups: ${identity.groups.length === 0 ? "none" : identity.groups.join(", ")})`);
      }
      const user = await store.ssoSignIn(identity.name, identity.subject, identity.access.role, identity.access.vips);
      if (user === "local-name") return refuse(`${identity.name} is a local lvsdeck user: single sign-on cannot sign in as them`);
      if (user === "other-subject") return refuse(`the lvsdeck user ${identity.name} belongs to another identity at the provider`);
      if (user === "disabled") return refuse(`${identity.name} is disabled in lvsdeck`);
      await audit.append({ ...auditBase, at: now(), actor: user.name, action: "login", remote, result: "ok", detail: `single sign-on: ${user.role}${user.vips === null ? "" : ` of ${user.vips.join(", ")}`} from groups ${identity.groups.join(", ")}` });
      back(null, [sessionCookie(req, await store.openSession(user.name), SESSION_IDLE_MS)]);
    });
  }

  router.get("/session", auth, (_req, res) => {
    const p = principalOf(res);
    const body: SessionResponse = p.kind === "user" ? { kind: "user", user: p.user, vips: p.user.vips } : { kind: "wall", user: null, vips: p.token.vips };
    res.json(body);
  });

  router.delete("/session", async (req, res) => {
    const secret = readCookie(req, SESSION_COOKIE);
    if (secret) {
      const user = await store.sessionUser(secret);
      await store.closeSession(secret);
      if (user) await audit.append({ ...auditBase, at: now(), actor: user.name, action: "logout", remote: remoteOf(req), result: "ok" });
    }
    res.setHeader("Set-Cookie", sessionCookie(req, "", 0));
    res.status(204).end();
  });

  router.get("/users", auth, admin, async (_req, res) => res.json({ users: await store.users() } satisfies UsersResponse));
  router.post("/users", auth, admin, async (req, res) => {
    const body = validate(createUserRequestSchema, req.body, res);
    if (!body) return;
    if (await store.user(body.name)) return fail(res, 409, `user ${body.name} already exists`);
    const user = await store.addUser(body.name, body.role, body.password, body.vips);
    await audit.append({ ...auditBase, at: now(), actor: actorName(principalOf(res)), action: "user", remote: remoteOf(req), result: "ok", detail: `created ${user.name} as ${user.role}` });
    res.status(201).json(user);
  });
  router.patch("/users/:name", auth, admin, async (req: Request<{ name: string }>, res: Response) => {
    const body = validate(updateUserRequestSchema, req.body, res);
    if (!body) return;
    const actor = principalOf(res);
    // An admin locking themselves out (or giving up admin) could leave no admin at all.
    if (actor.kind === "user" && actor.user.name === req.params.name && (body.disabled === true || (body.role !== undefined && body.role !== "admin"))) {
      return fail(res, 409, "you cannot disable yourself or drop your own admin role; ask another admin");
    }
    const patch = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
    const user = await store.updateUser(req.params.name, patch);
    if (!user) return fail(res, 404, `no user ${req.params.name}`);
    const changed = Object.keys(patch).map((k) => (k === "password" ? "password" : `${k}=${JSON.stringify(patch[k])}`)).join(", ");
    await audit.append({ ...auditBase, at: now(), actor: actorName(principalOf(res)), action: "user", remote: remoteOf(req), result: "ok", detail: `updated ${user.name}: ${changed}` });
    res.json(user);
  });

  router.get("/tokens", auth, admin, async (_req, res) => res.json({ tokens: await store.tokens() } satisfies TokensResponse));
  router.post("/tokens", auth, admin, async (req, res) => {
    const body = validate(createTokenRequestSchema, req.body, res);
    if (!body) return;
    const token =
      body.kind === "agent" ? await store.addToken("agent", body.director, body.director, null) : await store.addToken("wall", body.name, null, body.vips);
    await audit.append({ ...auditBase, at: now(), actor: actorName(principalOf(res)), action: "token", remote: remoteOf(req), result: "ok", detail: `created ${token.kind} token ${token.name}` });
    res.status(201).json(token);
  });
  router.delete("/tokens/:id", auth, admin, async (req: Request<{ id: string }>, res: Response) => {
    const token = await store.revokeToken(req.params.id);
    if (!token) return fail(res, 404, `no token ${req.params.id}`);
    if (token.kind === "agent" && token.director) deps.onAgentTokenRevoked(token.director);
    await audit.append({ ...auditBase, at: now(), actor: actorName(principalOf(res)), action: "token", remote: remoteOf(req), result: "ok", detail: `revoked ${token.kind} token ${token.name}` });
    res.json(token);
  });

  const auditQuery = z.strictObject({
    from: z.coerce.number().int().optional(),
    to: z.coerce.number().int().optional(),
    actor: z.string().max(64).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_AUDIT_PAGE).default(200),
  });
  router.get("/audit", auth, admin, async (req, res) => {
    const q = validate(auditQuery, req.query, res);
    if (!q) return;
    res.json({ records: await audit.query({ limit: q.limit, ...(q.from !== undefined && { from: q.from }), ...(q.to !== undefined && { to: q.to }), ...(q.actor && { actor: q.actor }) }) });
  });
  return router;
}
