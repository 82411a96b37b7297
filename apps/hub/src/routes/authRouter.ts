import { Router, type Request, type Response } from "express";
import { z } from "zod";
import type { SessionResponse, TokensResponse, UsersResponse } from "@lvsdeck/protocol";
import { createTokenRequestSchema, createUserRequestSchema, loginRequestSchema, updateUserRequestSchema } from "@lvsdeck/protocol";
import type { AuthStore } from "../auth/authStore";
import { SESSION_IDLE_MS } from "../auth/authStore";
import type { AuditLog } from "../auth/auditLog";
import { MAX_AUDIT_PAGE } from "../auth/auditLog";
import { createHashGate, createLoginLimiter } from "../auth/loginLimiter";
import { principalOf, requireAuth, requireRole } from "../auth/middleware";
import { actorName, readCookie, remoteAddress, SESSION_COOKIE } from "../auth/principal";
import { fail, validate } from "./validate";

interface Deps {
  store: AuthStore;
  audit: AuditLog;
  now: () => number;
  /** Called when an agent token is revoked, to disconnect its director at once. */
  onAgentTokenRevoked: (director: string) => void;
}

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
    const refused = (status: number, result: string, message: string, retryAfter: number) => {
      audit.append({ ...auditBase, at: now(), actor: body.name, action: "login-failed", remote, result, detail: message });
      res.setHeader("Retry-After", String(retryAfter));
      fail(res, status, message);
    };
    const knownPlace = audit.knownPlace(body.name, remote);
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
      audit.append({ ...auditBase, at: now(), actor: body.name, action: "login-failed", remote, result: "denied" });
      return fail(res, 401, "unknown user or wrong password");
    }
    limiter.settle(admission.ticket, "ok");
    res.setHeader("Set-Cookie", sessionCookie(req, store.openSession(user.name), SESSION_IDLE_MS));
    audit.append({ ...auditBase, at: now(), actor: user.name, action: "login", remote: remoteOf(req), result: "ok" });
    res.json({ kind: "user", user, vips: user.vips } satisfies SessionResponse);
  });

  router.get("/session", auth, (_req, res) => {
    const p = principalOf(res);
    const body: SessionResponse = p.kind === "user" ? { kind: "user", user: p.user, vips: p.user.vips } : { kind: "wall", user: null, vips: p.token.vips };
    res.json(body);
  });

  router.delete("/session", (req, res) => {
    const secret = readCookie(req, SESSION_COOKIE);
    if (secret) {
      const user = store.sessionUser(secret);
      store.closeSession(secret);
      if (user) audit.append({ ...auditBase, at: now(), actor: user.name, action: "logout", remote: remoteOf(req), result: "ok" });
    }
    res.setHeader("Set-Cookie", sessionCookie(req, "", 0));
    res.status(204).end();
  });

  router.get("/users", auth, admin, (_req, res) => res.json({ users: store.users() } satisfies UsersResponse));
  router.post("/users", auth, admin, async (req, res) => {
    const body = validate(createUserRequestSchema, req.body, res);
    if (!body) return;
    if (store.user(body.name)) return fail(res, 409, `user ${body.name} already exists`);
    const user = await store.addUser(body.name, body.role, body.password, body.vips);
    audit.append({ ...auditBase, at: now(), actor: actorName(principalOf(res)), action: "user", remote: remoteOf(req), result: "ok", detail: `created ${user.name} as ${user.role}` });
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
    audit.append({ ...auditBase, at: now(), actor: actorName(principalOf(res)), action: "user", remote: remoteOf(req), result: "ok", detail: `updated ${user.name}: ${changed}` });
    res.json(user);
  });

  router.get("/tokens", auth, admin, (_req, res) => res.json({ tokens: store.tokens() } satisfies TokensResponse));
  router.post("/tokens", auth, admin, (req, res) => {
    const body = validate(createTokenRequestSchema, req.body, res);
    if (!body) return;
    const token =
      body.kind === "agent" ? store.addToken("agent", body.director, body.director, null) : store.addToken("wall", body.name, null, body.vips);
    audit.append({ ...auditBase, at: now(), actor: actorName(principalOf(res)), action: "token", remote: remoteOf(req), result: "ok", detail: `created ${token.kind} token ${token.name}` });
    res.status(201).json(token);
  });
  router.delete("/tokens/:id", auth, admin, (req: Request<{ id: string }>, res: Response) => {
    const token = store.revokeToken(req.params.id);
    if (!token) return fail(res, 404, `no token ${req.params.id}`);
    if (token.kind === "agent" && token.director) deps.onAgentTokenRevoked(token.director);
    audit.append({ ...auditBase, at: now(), actor: actorName(principalOf(res)), action: "token", remote: remoteOf(req), result: "ok", detail: `revoked ${token.kind} token ${token.name}` });
    res.json(token);
  });

  const auditQuery = z.strictObject({
    from: z.coerce.number().int().optional(),
    to: z.coerce.number().int().optional(),
    actor: z.string().max(64).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_AUDIT_PAGE).default(200),
  });
  router.get("/audit", auth, admin, (req, res) => {
    const q = validate(auditQuery, req.query, res);
    if (!q) return;
    res.json({ records: audit.query({ limit: q.limit, ...(q.from !== undefined && { from: q.from }), ...(q.to !== undefined && { to: q.to }), ...(q.actor && { actor: q.actor }) }) });
  });
  return router;
}
