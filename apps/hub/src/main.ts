import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { dirname, join, resolve } from "node:path";
import { createHub } from "./createHub";
import { cliUsage, runCli } from "./cli";
import { parseAlertOptions } from "./alerts/alertOptions";

const usage = `usage: lvsdeck-hub [--port 8080] [--host ADDRESS] [--data ./data] [--agent-token T ...] [--web DIR]
                   [--alert-webhook URL] [--command-timeout-ms 5000] [--ui-push-mode coalesce|rebroadcast]
                   [--tls-cert FILE --tls-key FILE] [--trust-proxy loopback|ADDRESS|HOPS] [--alert-option NAME=VALUE ...]
  --port          TCP port for HTTP, /ws/agent and /ws/ui (or PORT; default 8080; 0 picks a free one)
  --host          address to listen on (default: every address)
  --data          folder of the SQLite file (default ./data)
  --agent-token   a fleet-wide agent token (repeatable, or LVSDECK_AGENT_TOKENS=a,b); per-director tokens: token add-agent
  --web           the built web app to serve (default: apps/web/dist beside the hub)
  --alert-webhook URL that receives raised and cleared alerts as JSON
  --alert-option  a rule threshold other than its default, e.g. synFloodMin=500 or halfOpenShare=0.3
                  (repeatable; apps/hub/src/alerts/README.md lists them)
  --tls-cert      PEM certificate chain: serve HTTPS and wss:// (with --tls-key); SIGHUP reloads both files
  --tls-key       PEM private key for --tls-cert
  --trust-proxy   behind a TLS-terminating proxy: whose X-Forwarded-For/-Proto to believe ("loopback",
                  an address or subnet, or a hop count); then cookies are Secure and HSTS is sent
${cliUsage.replace(/^usage: /, "       ")}`;

if (process.argv[2] === "user" || process.argv[2] === "token") process.exit(await runCli(process.argv.slice(2)));

function parseOptions() {
  try {
    return parseArgs({
      options: {
        port: { type: "string" },
        host: { type: "string" },
        data: { type: "string" },
        "agent-token": { type: "string", multiple: true },
        web: { type: "string" },
        "ui-push-mode": { type: "string", default: "coalesce" },
        "command-timeout-ms": { type: "string" },
        "alert-webhook": { type: "string" },
        "alert-option": { type: "string", multiple: true },
        "tls-cert": { type: "string" },
        "tls-key": { type: "string" },
        "trust-proxy": { type: "string" },
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
// The bundle lives in apps/hub/dist; the web app is built to apps/web/dist.
const here = dirname(fileURLToPath(import.meta.url));
const hub = await createHub({
  port,
  agentTokens: tokens,
  dataDir: values.data ?? "./data",
  uiPushMode,
  verdictOptions: alertOptions.options,
  ...(values["alert-webhook"] !== undefined && { alertWebhook: values["alert-webhook"] }),
  ...(values["command-timeout-ms"] !== undefined && { commandTimeoutMs: Math.max(500, Number(values["command-timeout-ms"]) || 5_000) }),
  webDist: resolve(values.web ?? join(here, "../../web/dist")),
  ...(values.host !== undefined && { host: values.host }),
  ...(tlsCert !== undefined && tlsKey !== undefined && { tls: { certFile: tlsCert, keyFile: tlsKey } }),
  ...(trustProxy !== undefined && { trustProxy: /^\d+$/.test(trustProxy) ? Number(trustProxy) : trustProxy }),
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
