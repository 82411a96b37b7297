// Starts the project's own hub (apps/hub/dist/main.js) on the host for the lab, on a free port with a
// temporary data directory, and offers the few REST calls the lab uses.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { REPO_DIR } from "./vm.mjs";

/** How long the hub may take to answer /api/health after it was spawned (ms). */
const HUB_START_TIMEOUT_MS = 20_000;

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** The operator the lab creates in the hubs it starts (sign in with these in the dashboard). */
export const LAB_USER = process.env.LAB_USER ?? "lab";
export const LAB_PASSWORD = process.env.LAB_PASSWORD ?? "lab-password";

async function addUser(main, dataDir, name, password) {
  const child = spawn(process.execPath, [main, "user", "add", name, "--role", "admin", "--data", dataDir], { stdio: ["pipe", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  child.stdin.end(`${password}\n`);
  const code = await new Promise((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`lvsdeck-hub user add ${name} failed (${code}): ${output}`);
}

/** Spawns a hub; resolves once /api/health answers. `port` 0 picks a free one. */
export async function startHub({ port = 0, token } = {}) {
  const main = join(REPO_DIR, "apps/hub/dist/main.js");
  if (!existsSync(main)) throw new Error(`no hub bundle at ${main}: run 'npm run build -w @lvsdeck/hub' (and -w @lvsdeck/web)`);
  const dataDir = await mkdtemp(join(tmpdir(), "lvsdeck-lab-hub-"));
  const chosen = port === 0 ? await freePort() : port;
  // The hub signs operators in; the lab creates its own operator before the hub starts.
  await addUser(main, dataDir, LAB_USER, LAB_PASSWORD);
  // 0.0.0.0 is not needed: QEMU's user network delivers the guest's 10.0.2.2 to the host's 127.0.0.1
  const child = spawn(process.execPath, [main, "--port", String(chosen), "--host", "127.0.0.1", "--data", dataDir, "--agent-token", token], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const url = `http://127.0.0.1:${chosen}`;
  const deadline = Date.now() + HUB_START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hub exited (${child.exitCode}):\n${output}`);
    try {
      const r = await fetch(`${url}/api/health`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`hub did not answer on ${url}:\n${output}`);
    await sleep(100);
  }
  return {
    url,
    port: chosen,
    output: () => output,
    async close() {
      process.off("exit", killOnExit);
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await Promise.race([new Promise((r) => child.once("exit", r)), sleep(5_000)]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A small REST client for the hub at `url`, signed in as the lab's operator. */
export async function hubClient(url, { user = LAB_USER, password = LAB_PASSWORD } = {}) {
  const login = await fetch(`${url}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: user, password }) });
  if (!login.ok) throw new Error(`sign-in as ${user} failed: ${login.status} ${await login.text()}`);
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0];
  const headers = { cookie };
  const get = async (path) => {
    const r = await fetch(`${url}${path}`, { headers });
    if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`);
    return r.json();
  };
  return {
    get,
    cluster: () => get("/api/cluster"),
    events: () => get("/api/events"),
    async setWeight(body) {
      const r = await fetch(`${url}/api/weights`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(body) });
      const json = await r.json().catch(() => null);
      if (!r.ok) throw new Error(`POST /api/weights ${JSON.stringify(body)}: ${r.status} ${JSON.stringify(json)}`);
      return json;
    },
  };
}
