import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { compressedStatic } from "./ui/compressedStatic";
import express from "express";
import type { Express, NextFunction, Request, Response } from "express";
import helmet from "helmet";
import type { AuthStore } from "./auth/authStore";
import type { AuditLog } from "./auth/auditLog";
import { requireAuth } from "./auth/middleware";
import type { Logger } from "@lvsdeck/log";
import { MAX_REST_BODY } from "./limits";
import { createApiRouter, createHealthRouter } from "./routes/apiRouter";
import { createAuthRouter } from "./routes/authRouter";
import type { Oidc } from "./auth/oidc";
import { createChangeRouter } from "./routes/changeRouter";
import { createIncidentRouter } from "./routes/incidentRouter";
import { createFailoverRouter } from "./routes/failoverRouter";
import { fail } from "./routes/validate";

type ApiDeps = Parameters<typeof createApiRouter>[0] & Parameters<typeof createChangeRouter>[0] & Parameters<typeof createIncidentRouter>[0] & Parameters<typeof createFailoverRouter>[0];

/** Everything the HTTP side needs. */
export interface AppDeps extends ApiDeps {
  store: AuthStore;
  audit: AuditLog;
  log: Logger;
  webDist: string | undefined;
  /** Express `trust proxy`: set only behind a proxy that overwrites X-Forwarded-For and -Proto. */
  trustProxy?: string | number | boolean;
  /** The Prometheus exposition, in chunks written as they are made. */
  metricsExposition: () => { contentType: string; chunks: AsyncIterable<string> };
  onAgentTokenRevoked: (director: string) => void;
  /** Single sign-on, when configured. */
  oidc?: Oidc | null;
}

/** Builds the Express app: security headers, JSON bodies, sign-in, the APIs, /metrics and the web app. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  // Behind a TLS proxy, req.secure (Secure cookies, HSTS) and the audited address come from its headers.
  app.set("trust proxy", deps.trustProxy ?? false);
  app.use(
    helmet({
      // HSTS only on a connection that is HTTPS (directly or through a trusted proxy): over plain HTTP
      // it means nothing, and a hub reached by address must not pin itself to HTTPS by accident.
      strictTransportSecurity: false,
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          // React and recharts set style attributes; no inline script is ever allowed.
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", "data:"],
          connectSrc: ["'self'", "ws:", "wss:"],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          upgradeInsecureRequests: null,
        },
      },
    }),
  );
  app.use((req, res, next) => {
    if (req.secure) res.setHeader("Strict-Transport-Security", "max-age=31536000");
    next();
  });
  // Answers about users, sessions and the cluster must never sit in a shared or browser cache.
  app.use("/api", (_req, res, next) => {
    res.setHeader("Cache-Control", "no-store");
    next();
  });
  app.use(express.json({ limit: MAX_REST_BODY }));
  app.use("/api", createHealthRouter(deps));
  app.use("/api", createAuthRouter({ store: deps.store, audit: deps.audit, now: deps.now, onAgentTokenRevoked: deps.onAgentTokenRevoked, oidc: deps.oidc ?? null }));
  const auth = requireAuth(deps.store);
  app.use("/api", auth, createApiRouter(deps), createChangeRouter(deps), createIncidentRouter(deps), createFailoverRouter(deps));
  app.use("/api", (req, res) => fail(res, 404, `no route ${req.method} /api${req.path}`));
  // Prometheus scrapers usually cannot sign in; the metrics carry no secrets (documented in apps/hub/README.md).
  app.get("/metrics", async (_req, res) => {
    const { contentType, chunks } = deps.metricsExposition();
    // Chunk by chunk, never as one body: 13 MB at 200 directors x 100 real servers, whose encoding alone
    // held the loop for hundreds of ms (agents' frames and browsers' transitions waiting behind it).
    res.type(contentType);
    for await (const chunk of chunks) {
      if (res.destroyed) return;
      if (!res.write(chunk)) await new Promise((resolve) => res.once("drain", resolve).once("close", resolve));
    }
    res.end();
  });
  if (deps.webDist && existsSync(join(deps.webDist, "index.html"))) {
    const webDist = resolve(deps.webDist);
    const compressed = compressedStatic(webDist);
    app.use(compressed.files);
    app.use(express.static(webDist, { index: false, maxAge: "1h" }));
    app.get("/{*path}", compressed.index);
  }
  // Express 5 routes rejected promises and body-parser failures here; answer with a clear message.
  app.use((err: Error & { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    const status = err.status ?? 500;
    if (status >= 500) deps.log.error("request failed", { error: err.message });
    res.status(status).json({ error: status === 400 ? `malformed body: ${err.message}` : status >= 500 ? "internal error" : err.message });
  });
  return app;
}
