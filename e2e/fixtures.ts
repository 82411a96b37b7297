import { expect, test as base } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";
import { PROTOCOL_VERSION } from "@lvsdeck/protocol";
import { DashboardPage } from "./pages/DashboardPage";
import { freePort } from "../apps/hub/test/services";

/** A running demo cluster (hub + two simulated director processes) on its own port and data folder. */
export interface DemoCluster {
  url: string;
  process: ChildProcess;
  /** The hub's data folder (SQLite file, demo credentials). */
  dataDir: string;
  /** The demo admin's one-time credentials, as `npm start` prints them. */
  admin: { user: string; password: string };
  /** A signed-in session of the demo admin (`name=value`), for API calls from tests. */
  cookie: string;
  /** fetch against the hub as the demo admin. */
  api: (path: string, init?: RequestInit) => Promise<Response>;
}

/** Signs in through the API and returns the session cookie. */
export async function signIn(url: string, user: string, password: string): Promise<string> {
  const response = await fetch(`${url}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: user, password }) });
  if (!response.ok) throw new Error(`sign-in as ${user} failed: HTTP ${response.status}`);
  return (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}

/** Creates a user through the hub's API as the demo admin; returns the password it was given. */
export async function createUser(cluster: DemoCluster, name: string, role: "viewer" | "operator" | "admin", vips: string[] | null = null): Promise<string> {
  const password = `pw-${name}-${Math.random().toString(36).slice(2)}-long`;
  const response = await cluster.api("/api/users", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name, role, password, vips }) });
  if (response.status !== 201) throw new Error(`creating ${name} failed: HTTP ${response.status} ${await response.text()}`);
  return password;
}

/** Creates a read-only wall token through the hub's API; returns its secret. */
export async function createWallToken(cluster: DemoCluster, name: string, vips: string[] | null = null): Promise<string> {
  const response = await cluster.api("/api/tokens", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ kind: "wall", name, vips }) });
  if (response.status !== 201) throw new Error(`creating wall token ${name} failed: HTTP ${response.status}`);
  return ((await response.json()) as { secret: string }).secret;
}

/** Each director's first VRRP state in the hub's history at `at` ("lvs-dir-01 MASTER"), sorted by director. */
export async function statesInHistory(cluster: DemoCluster, at: number): Promise<string[]> {
  const then = (await (await cluster.api(`/api/cluster?at=${at}`)).json()) as { directors: { id: string; snapshot: { vrrp: { state: string }[] } | null }[] };
  return then.directors.map((d) => `${d.id} ${d.snapshot?.vrrp[0]?.state ?? "none"}`);
}

/** A loopback TCP port free a moment ago (one helper for the hub tests and these). */
export { freePort };

/** How long the demo (hub and two agents) may take to start and show both directors. */
const DEMO_START_MS = 20_000;

/** Starts the demo on its own data folder; `port` when the test must know it first (a redirect URI). */
export async function startDemo(demoArgs: readonly string[], port?: number): Promise<DemoCluster> {
  port ??= await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "lvsdeck-e2e-"));
  const child = spawn(process.execPath, ["scripts/demo.mjs", "--no-build", "--port", String(port), "--data", dataDir, ...demoArgs], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.resume();
  child.stderr?.resume();
  const url = `http://127.0.0.1:${port}`;
  const credentialsFile = join(dataDir, "demo-credentials.json");
  let cookie = "";
  let admin = { user: "", password: "" };
  const api = (path: string, init: RequestInit = {}) => fetch(`${url}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), cookie } });
  try {
    await expect(async () => {
      if (!cookie) {
        expect(existsSync(credentialsFile), "the demo wrote its credentials").toBe(true);
        expect((await fetch(`${url}/api/health`)).ok, "the hub answers").toBe(true);
        admin = JSON.parse(readFileSync(credentialsFile, "utf8")) as { user: string; password: string };
        cookie = await signIn(url, admin.user, admin.password);
      }
      const cluster = (await (await api("/api/cluster")).json()) as { directors: { snapshot: unknown }[] };
      expect(cluster.directors.filter((d) => d.snapshot), "directors with a snapshot").toHaveLength(2);
    }).toPass({ timeout: DEMO_START_MS, intervals: [100] });
  } catch (err) {
    child.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`demo cluster did not start within ${DEMO_START_MS / 1000} s`, { cause: err });
  }
  return { url, process: child, dataDir, admin, cookie, api };
}

/** Stops a demo cluster and removes its data folder. */
export async function stopDemo(cluster: DemoCluster): Promise<void> {
  await new Promise<void>((resolve) => {
    if (cluster.process.exitCode !== null) return resolve();
    cluster.process.once("exit", () => resolve());
    cluster.process.kill("SIGTERM");
  });
  rmSync(cluster.dataDir, { recursive: true, force: true });
}

/** Tests get a fresh cluster each and a page object on it. */
export const test = base.extend<{ cluster: DemoCluster; dashboard: DashboardPage; demoArgs: string[] }>({
  /** More demo options for a file's tests (`test.use({ demoArgs: ["--services", "50"] })`). */
  demoArgs: [[], { option: true }],
  cluster: async ({ demoArgs }, use) => {
    const cluster = await startDemo(demoArgs);
    await use(cluster);
    await stopDemo(cluster);
  },
  // Every page starts signed in as the demo admin, unless a test signs in otherwise.
  page: async ({ page, cluster }, use) => {
    const [name, value] = cluster.cookie.split("=");
    await page.context().addCookies([{ name: name ?? "", value: decodeURIComponent(value ?? ""), url: cluster.url, httpOnly: true, sameSite: "Strict" }]);
    await use(page);
  },
  dashboard: async ({ page, cluster }, use) => {
    const dashboard = new DashboardPage(page, cluster.url);
    await dashboard.open();
    await use(dashboard);
  },
});

/** What a fake agent announces in its hello. */
export interface FakeAgentHello {
  director: string;
  sources: string[];
  capabilities: string[];
}

/**
 * Connects a scripted agent to the demo hub over a real WebSocket, with a per-director token created
 * through the API, and sends its hello and one snapshot (sent as given, so a test can ship odd values).
 */
export async function connectFakeAgent(cluster: DemoCluster, hello: FakeAgentHello, snapshot: unknown): Promise<WebSocket> {
  const created = await cluster.api("/api/tokens", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ kind: "agent", director: hello.director }) });
  expect(created.status).toBe(201);
  const { secret } = (await created.json()) as { secret: string };
  const socket = new WebSocket(`${cluster.url.replace("http", "ws")}/ws/agent`, { headers: { authorization: `Bearer ${secret}` } });
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  socket.send(JSON.stringify({ type: "hello", protocolVersion: PROTOCOL_VERSION, agentVersion: "e2e", weightMode: "runtime", tickMs: 60_000, ...hello }));
  socket.send(JSON.stringify({ type: "snapshot", snapshot }));
  return socket;
}

export { expect } from "@playwright/test";
