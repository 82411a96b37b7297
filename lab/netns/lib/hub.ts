// The lab's hub: the built bundle (apps/hub/dist/main.js) on the host's 127.0.0.1, with a fresh data
// folder, a one-time admin password (as the demo makes) and one agent token per director.
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, openSync, closeSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Alert, ClusterResponse, HubEvent, IncidentBundle, IncidentSummary, PreflightResponse } from "@lvsdeck/protocol";
import { incidentBundleSchema, preflightResponseSchema } from "@lvsdeck/protocol";
import type { ProcessSet } from "./processes";
import { stopChild } from "./processes";

export const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));
export const HUB_MAIN = join(REPO_ROOT, "apps/hub/dist/main.js");
export const AGENT_MAIN = join(REPO_ROOT, "apps/agent/dist/main.js");
/**
 * Copies the agent bundle into the lab's work folder (under /var/tmp) and returns its path. The agent
 * runs inside a director's mount namespace, whose /tmp is private: a checkout under /tmp (a CI clone,
 * say) is invisible there. The bundle is self-contained; `.mjs` makes node load it as ESM on its own.
 */
export function stageAgent(work: string): string {
  const staged = join(work, "lvsdeck-agent.mjs");
  copyFileSync(AGENT_MAIN, staged);
  return staged;
}
/** How long the hub may take to listen (ms). */
const HUB_START_MS = 20_000;
/** The lab's admin user. */
export const ADMIN_USER = "lab-admin";

/** Runs an administrative hub command on the data folder; returns its stdout. */
function hubCli(dataDir: string, args: string[], input = ""): string {
  const result = spawnSync(process.execPath, [HUB_MAIN, ...args, "--data", dataDir], { input, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`lvsdeck-hub ${args.join(" ")}: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

/** What the lab's hub was given before it started. */
export interface HubCredentials {
  admin: { user: string; password: string };
  /** Agent token by director id. */
  agentTokens: Map<string, string>;
}

/** Creates the data folder with the admin (random password) and the agents' tokens. */
export function prepareHubData(dataDir: string, directors: readonly string[]): HubCredentials {
  mkdirSync(dataDir, { recursive: true });
  const password = randomBytes(12).toString("base64url");
  hubCli(dataDir, ["user", "add", ADMIN_USER, "--role", "admin"], `${password}\n`);
  const agentTokens = new Map(directors.map((id) => [id, hubCli(dataDir, ["token", "add-agent", id])]));
  return { admin: { user: ADMIN_USER, password }, agentTokens };
}

/** A running hub. */
export interface LabHub {
  url: string;
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts the hub on 127.0.0.1:`port` (0: a free one); resolves once it listens. */
export async function startHub(options: { dataDir: string; port: number; logFile: string; processes: ProcessSet }): Promise<LabHub> {
  const log = openSync(options.logFile, "a");
  const child = options.processes.add(
    spawn(process.execPath, [HUB_MAIN, "--host", "127.0.0.1", "--port", String(options.port), "--data", options.dataDir], { stdio: ["ignore", "pipe", log] }),
  );
  closeSync(log);
  const port = await new Promise<number>((resolve, reject) => {
    let seen = "";
    const timer = setTimeout(() => reject(new Error(`the hub did not listen within ${HUB_START_MS} ms; see ${options.logFile}`)), HUB_START_MS);
    child.stdout?.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /listening on http:\/\/[^:]+:(\d+)/.exec(seen);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the hub exited (${code}) before listening (port ${options.port} in use?); see ${options.logFile}`));
    });
  });
  child.stdout?.resume();
  return { url: `http://127.0.0.1:${port}`, port, child, stop: () => stopChild(child) };
}

/** The few REST calls the lab and its tests make, signed in. */
export interface HubClient {
  cookie: string;
  cluster(): Promise<ClusterResponse>;
  alerts(): Promise<Alert[]>;
  /** The hub's event log for one director (oldest first). */
  events(director: string): Promise<HubEvent[]>;
  /** The hub's incidents of the last day, newest first. */
  incidents(): Promise<IncidentSummary[]>;
  /** One incident's export. */
  bundle(id: number): Promise<IncidentBundle>;
  /** What moving VRRP off a director would break. */
  preflight(director: string): Promise<PreflightResponse>;
  /** Asks the hub to move VRRP off a director (hold) or back; returns the HTTP status and body. */
  failover(director: string, hold: boolean, acknowledgeWarnings: boolean): Promise<{ status: number; body: unknown }>;
}

/** Signs in to the hub at `url`. */
export async function hubClient(url: string, user: string, password: string): Promise<HubClient> {
  const login = await fetch(`${url}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: user, password }) });
  if (!login.ok) throw new Error(`signing in as ${user} failed: HTTP ${login.status}`);
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${url}${path}`, { headers: { cookie } });
    if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
    return (await response.json()) as T;
  };
  return {
    cookie,
    cluster: () => get<ClusterResponse>("/api/cluster"),
    alerts: async () => (await get<{ alerts: Alert[] }>("/api/alerts")).alerts,
    incidents: async () => (await get<{ incidents: IncidentSummary[] }>("/api/incidents")).incidents,
    bundle: async (id) => incidentBundleSchema.parse(await get<unknown>(`/api/incidents/${id}/bundle`)),
    events: async (director) => (await get<{ events: HubEvent[] }>(`/api/events?director=${encodeURIComponent(director)}&limit=500`)).events,
    preflight: async (director) => preflightResponseSchema.parse(await get<unknown>(`/api/failover/preflight?director=${encodeURIComponent(director)}`)),
    async failover(director, hold, acknowledgeWarnings) {
      const response = await fetch(`${url}/api/failover`, { method: "POST", headers: { cookie, "content-type": "application/json" }, body: JSON.stringify({ director, hold, acknowledgeWarnings }) });
      return { status: response.status, body: (await response.json()) as unknown };
    },
  };
}
