// Starts the demo: builds what is missing, then the hub and two simulated directors as separate
// agent processes that elect a VRRP MASTER over UDP on loopback and stream to the hub over WebSockets.
// Usage: node scripts/demo.mjs [--no-build] [--port 8080] [--data ./data]
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { createSocket } from "node:dgram";
import { parseCommandLine } from "./commandLine.mjs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const values = parseCommandLine(
  "npm start --",
  `usage: npm start -- [--no-build] [--port 8080] [--data ./data] [--tick-ms 1000] [--services N [--real-servers M]]
  (or node scripts/demo.mjs ...)
Starts the demo: the hub on SQLite and two simulated directors electing a VRRP MASTER over loopback.
  --no-build   use the apps as already built
  --port       the hub's port (or PORT; default 8080)
  --data       the hub's data folder (or LVSDECK_DATA; default ./data); the one-time admin password is
               written to DATA/demo-credentials.json
  --tick-ms    how often the simulated agents report (default 1000)
  --services   N more services (0-250) beside the five of the seed cluster, each with its own VIP
               (203.0.113.1, …), to try lvsdeck at the size of a large site
  --real-servers  real servers in each of those services (1-200, default 20): 50 x 20 is a thousand
  --hub-arg    one more argument for the hub (repeatable), e.g. --hub-arg=--oidc-issuer --hub-arg=https://…`,
  {
    "no-build": { type: "boolean", default: false },
    port: { type: "string", default: process.env.PORT ?? "8080" },
    data: { type: "string", default: process.env.LVSDECK_DATA ?? join(root, "data") },
    "tick-ms": { type: "string", default: "1000" },
    services: { type: "string", default: "0" },
    "real-servers": { type: "string", default: "20" },
    "hub-arg": { type: "string", multiple: true, default: [] },
  },
);

if (!values["no-build"]) {
  const build = spawnSync("npx", ["turbo", "run", "build", "--output-logs=errors-only"], { cwd: root, stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

/** Asks the kernel for a free loopback UDP port. */
function freeUdpPort() {
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    socket.bind(0, "127.0.0.1", () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/** Runs a hub subcommand on the data folder with `input` on stdin; returns stdout. */
function hubCli(args, input = "") {
  const result = spawnSync(process.execPath, ["apps/hub/dist/main.js", ...args, "--data", values.data], { cwd: root, input, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`lvsdeck-hub ${args.join(" ")}: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

// The demo admin gets a fresh random password on every start: there is never a default password.
mkdirSync(values.data, { recursive: true });
const credentialsFile = join(values.data, "demo-credentials.json");
const saved = existsSync(credentialsFile) ? JSON.parse(readFileSync(credentialsFile, "utf8")) : {};
const password = randomBytes(12).toString("base64url");
const admin = "demo-admin";
if (hubCli(["user", "list"]).split("\n").some((line) => line.startsWith(`${admin}\t`))) hubCli(["user", "passwd", admin], password);
else hubCli(["user", "add", admin, "--role", "admin"], password);
const directors = ["lvs-dir-01", "lvs-dir-02"];
// One agent token per director, created once and reused across demo restarts.
const agentTokens = saved.agentTokens ?? Object.fromEntries(directors.map((d) => [d, hubCli(["token", "add-agent", d])]));
writeFileSync(credentialsFile, JSON.stringify({ user: admin, password, agentTokens }, null, 2), { mode: 0o600 });
const children = [];
function start(name, args) {
  const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  child.on("exit", (code, signal) => {
    if (!stopping) console.error(`[demo] ${name} exited (${code ?? signal})`);
  });
  children.push(child);
  return child;
}

let stopping = false;
function stop() {
  stopping = true;
  for (const child of children) child.kill("SIGTERM");
  setTimeout(() => process.exit(0), 500).unref();
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

const hubUrl = `http://127.0.0.1:${values.port}`;
start("hub", ["apps/hub/dist/main.js", "--port", values.port, "--data", values.data, ...values["hub-arg"]]);
for (let i = 0; i < 100; i++) {
  try {
    if ((await fetch(`${hubUrl}/api/health`)).ok) break;
  } catch {
    await new Promise((r) => setTimeout(r, 100));
  }
}

const ports = [await freeUdpPort(), await freeUdpPort()];
directors.forEach((director, i) => {
  start(director, [
    "apps/agent/dist/main.js", "--hub", hubUrl, "--director", director, "--token", agentTokens[director], "--source", "sim",
    "--seed", String(i + 1), "--tick-ms", values["tick-ms"],
    "--vrrp-listen", `127.0.0.1:${ports[i]}`, "--vrrp-peer", `127.0.0.1:${ports[1 - i]}`,
    ...(values.services === "0" ? [] : ["--sim-services", values.services, "--sim-real-servers", values["real-servers"]]),
  ]);
});
console.log(`
lvsdeck demo running: open http://localhost:${values.port} in a browser (Ctrl-C stops it)
sign in as ${admin} with the one-time password ${password}
(a new password is made at every start; create your own users with: node apps/hub/dist/main.js user add NAME --role operator)
`);
