import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { dirname, join, resolve } from "node:path";
import { createHub } from "./createHub";
import { cliUsage, runCli } from "./cli";
import { parseAlertOptions } from "./alerts/alertOptions";
import { parseGroupMapping, type OidcOptions } from "./auth/oidc";

const usage = `usage: lvsdeck-hub [--port 8080] [--host ADDRESS] [--data ./data] [--agent-token T ...] [--web DIR]
                   [--alert-webhook URL] [--command-timeout-ms 5000] [--ui-push-mode coalesce|rebroadcast]
                   [--tls-cert FILE --tls-key FILE] [--trust-proxy loopback|ADDRESS|HOPS] [--alert-option NAME=VALUE ...]
                   [--oidc-issuer URL --oidc-client-id ID --oidc-client-secret-file FILE --oidc-public-url URL
                    --oidc-group GROUP=ROLE[:VIP,VIP] ... [--oidc-groups-claim groups] [--oidc-label NAME]]
                   [--no-real-server-metrics] [--alertmanager URL ...] [--postgres URL [--nats URL ...]]
  --port          TCP port for HTTP, /ws/agent and /ws/ui (or PORT; default 8080; 0 picks a free one)
  --host          address to listen on (default: every address)
  --data          folder of the SQLite file (default ./data)
  --postgres      clustered hubs: keep events, users, sessions, tokens, the audit log, incident notes,
                  weight requests, drains and held weight changes in this PostgreSQL database (postgres://user@host:5432/db, or LVSDECK_POSTGRES_URL, which keeps a password
                  out of the process list), shared by every hub; its schema is migrated at start
  --nats          clustered hubs (with --postgres): a NATS server with JetStream on (nats://host:4222;
                  repeatable or comma-separated, or LVSDECK_NATS_URL): every hub publishes the directors
                  whose agents it holds and serves its browsers the whole cluster; put any number of hubs
                  behind a load balancer and give agents all their URLs (--hub A,B)
  --agent-token   a fleet-wide agent token (repeatable, or LVSDECK_AGENT_TOKENS=a,b); per-director tokens: token add-agent
  --web           the built web app to serve (default: apps/web/dist beside the hub)
  --alert-webhook URL that receives raised and cleared alerts as JSON
  --alertmanager  an Alertmanager's base URL (repeatable): every alert goes there through its v2 API,
                  fired and resolved, resent every 30 s while it fires; labels alertname (LvsdeckSplitBrain…),
                  rule, severity, director, vip, vrid, service, real_server
  --alert-option  a rule threshold other than its default, e.g. synFloodMin=500 or halfOpenShare=0.3
                  (repeatable; apps/hub/src/alerts/README.md lists them)
  --tls-cert      PEM certificate chain: serve HTTPS and wss:// (with --tls-key); SIGHUP reloads both files
  --tls-key       PEM private key for --tls-cert
  --trust-proxy   behind a TLS-terminating proxy: whose X-Forwarded-For/-Proto to believe ("loopback",
                  an address or subnet, or a hop count); then cookies are Secure and HSTS is sent
  --oidc-issuer   single sign-on through OpenID Connect (authorization code with PKCE), next to local users:
                  the provider's issuer URL (https://; http:// only on loopback)
  --oidc-client-id, --oidc-client-secret-file  this hub's client at the provider (the secret alone in a file)
  --oidc-public-url  the hub's URL as browsers reach it; register <URL>/api/auth/oidc/callback at the provider
  --oidc-group    what a provider group may do: GROUP=viewer|operator|admin, optionally :VIP,VIP for an
                  operator or viewer limited to those VIPs (repeatable; a user in no mapped group is refused)
  --oidc-groups-claim  the ID-token or userinfo claim listing the groups (default groups)
  --oidc-label    the sign-in button's "Sign in with …" (default single sign-on)
  --no-real-server-metrics  leave the per-real-server series (lvsdeck_real_server_*) out of /metrics:
                  far fewer series on a large site; the per-service ones stay
${cliUsage.replace(/^usage: /, "       ")}`;

// The bundle lives in apps/hub/dist and the sources in apps/hub/src: the migrations sit beside both.
const here = dirname(fileURLToPath(import.meta.url));
const migrationsDir = join(here, "../migrations/postgres");
if (process.argv[2] === "user" || process.argv[2] === "token") process.exit(await runCli(process.argv.slice(2), { migrationsDir }));

function parseOptions() {
  try {
    return parseArgs({
      options: {
        port: { type: "string" },
        host: { type: "string" },
        data: { type: "string" },
        postgres: { type: "string" },
        nats: { type: "string", multiple: true },
        "agent-token": { type: "string", multiple: true },
        web: { type: "string" },
        "ui-push-mode": { type: "string", default: "coalesce" },
        "command-timeout-ms": { type: "string" },
        "alert-webhook": { type: "string" },
        "alert-option": { type: "string", multiple: true },
        alertmanager: { type: "string", multiple: true },
        "tls-cert": { type: "string" },
        "tls-key": { type: "string" },
        "trust-proxy": { type: "string" },
        "oidc-issuer": { type: "string" },
        "oidc-client-id": { type: "string" },
        "oidc-client-secret-file": { type: "string" },
        "oidc-public-url": { type: "string" },
        "oidc-group": { type: "string", multiple: true },
        "oidc-groups-claim": { type: "string" },
        "oidc-label": { type: "string" },
        "no-real-server-metrics": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (err) {
    process.stderr.write(`lvsdeck-hub: ${(err as Error).message}\n${usage}\n`);
    process.exit(2);
  }
}
const values = parseOptions();
if (values.help === true) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}

// Per-director agent tokens live in the database (lvsdeck-hub token add-agent); these fleet-wide ones are optional.
const tokens = [...(values["agent-token"] ?? []), ...(process.env.LVSDECK_AGENT_TOKENS?.split(",") ?? [])].filter(Boolean);
const uiPushMode = values["ui-push-mode"];
if (uiPushMode !== "coalesce" && uiPushMode !== "rebroadcast") {
  process.stderr.write(`lvsdeck-hub: --ui-push-mode must be coalesce or rebroadcast\n`);
  process.exit(2);
}
const port = Number(values.port ?? process.env.PORT ?? 8080);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`lvsdeck-hub: invalid port ${values.port ?? process.env.PORT}\n`);
  process.exit(2);
}
const tlsCert = values["tls-cert"];
const tlsKey = values["tls-key"];
if ((tlsCert === undefined) !== (tlsKey === undefined)) {
  process.stderr.write(`lvsdeck-hub: --tls-cert and --tls-key go together\n`);
  process.exit(2);
}
const trustProxy = values["trust-proxy"];
const alertOptions = parseAlertOptions(values["alert-option"] ?? []);
if ("error" in alertOptions) {
  process.stderr.write(`lvsdeck-hub: ${alertOptions.error}\n`);
  process.exit(2);
}
for (const url of values.alertmanager ?? []) {
  if (!/^https?:\/\/[^/]+/.test(url)) {
    process.stderr.write(`lvsdeck-hub: --alertmanager ${url}: expected an http:// or https:// base URL, e.g. http://alertmanager:9093\n`);
    process.exit(2);
  }
}
let oidc: OidcOptions | undefined;
if (values["oidc-issuer"] !== undefined) {
  const issuer = values["oidc-issuer"];
  const missing = (["oidc-client-id", "oidc-client-secret-file", "oidc-public-url"] as const).filter((k) => values[k] === undefined);
  try {
    if (missing.length > 0) throw new Error(`--oidc-issuer needs ${missing.map((k) => `--${k}`).join(", ")}`);
    const groups = (values["oidc-group"] ?? []).map(parseGroupMapping);
    if (groups.length === 0) throw new Error("--oidc-issuer needs at least one --oidc-group GROUP=ROLE: nobody could sign in");
    oidc = {
      issuer,
      clientId: values["oidc-client-id"]!,
      clientSecretFile: values["oidc-client-secret-file"]!,
      publicUrl: values["oidc-public-url"]!,
      groups,
      ...(values["oidc-groups-claim"] !== undefined && { groupsClaim: values["oidc-groups-claim"] }),
      ...(values["oidc-label"] !== undefined && { label: values["oidc-label"] }),
      // A provider on this machine (tests, a local Keycloak) may speak plain http.
      allowHttpIssuer: /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(issuer.endsWith("/") ? issuer : `${issuer}/`),
    };
  } catch (err) {
    process.stderr.write(`lvsdeck-hub: ${(err as Error).message}\n`);
    process.exit(2);
  }
}
const postgresUrl = values.postgres ?? process.env.LVSDECK_POSTGRES_URL;
if (postgresUrl !== undefined && !/^postgres(ql)?:\/\//.test(postgresUrl)) {
  process.stderr.write(`lvsdeck-hub: --postgres: expected a postgres:// URL, e.g. postgres://lvsdeck@db:5432/lvsdeck\n`);
  process.exit(2);
}
const natsUrls = (values.nats ?? process.env.LVSDECK_NATS_URL?.split(",") ?? []).flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
for (const url of natsUrls) {
  if (!/^(nats|tls):\/\/[^/]+/.test(url)) {
    process.stderr.write(`lvsdeck-hub: --nats ${url}: expected a nats:// URL, e.g. nats://nats-1:4222\n`);
    process.exit(2);
  }
}
if (natsUrls.length > 0 && postgresUrl === undefined) {
  process.stderr.write(`lvsdeck-hub: --nats needs --postgres: clustered hubs keep one record in PostgreSQL\n`);
  process.exit(2);
}
// The web app is built to apps/web/dist.
const hub = await createHub({
  port,
  agentTokens: tokens,
  dataDir: values.data ?? "./data",
  ...(postgresUrl !== undefined && { postgres: { url: postgresUrl, migrationsDir } }),
  ...(natsUrls.length > 0 && { nats: natsUrls }),
  uiPushMode,
  verdictOptions: alertOptions.options,
  ...(values["alert-webhook"] !== undefined && { alertWebhook: values["alert-webhook"] }),
  ...(values["command-timeout-ms"] !== undefined && { commandTimeoutMs: Math.max(500, Number(values["command-timeout-ms"]) || 5_000) }),
  webDist: resolve(values.web ?? join(here, "../../web/dist")),
  ...(values.host !== undefined && { host: values.host }),
  ...(tlsCert !== undefined && tlsKey !== undefined && { tls: { certFile: tlsCert, keyFile: tlsKey } }),
  ...(trustProxy !== undefined && { trustProxy: /^\d+$/.test(trustProxy) ? Number(trustProxy) : trustProxy }),
  ...(oidc !== undefined && { oidc }),
  ...(values["no-real-server-metrics"] === true && { realServerMetrics: false }),
  ...(values.alertmanager !== undefined && { alertmanagers: values.alertmanager }),
}).catch((err: Error) => {
  // A missing certificate or a busy port is one clear line, not a stack trace.
  process.stderr.write(`lvsdeck-hub: ${err.message}\n`);
  process.exit(1);
});
process.stdout.write(`lvsdeck hub listening on ${tlsCert === undefined ? "http" : "https"}://localhost:${hub.port}\n`);
// certbot and friends renew in place and send SIGHUP; a pair that cannot be read keeps the old one.
process.on("SIGHUP", () => void hub.reloadTls());
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => void hub.close().then(() => process.exit(0)));
}
