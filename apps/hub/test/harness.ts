import { spawn, type ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { fileURLToPath } from "node:url";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, vi } from "vitest";
import WebSocket from "ws";
import type { ClusterResponse, DirectorView, HubEvent } from "@lvsdeck/protocol";
import { clusterResponseSchema } from "@lvsdeck/protocol";
import { createHub, type Hub } from "../src/createHub";
import { freePort } from "./services";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
/** The built agent; `npm test` builds before running these tests. */
export const agentBin = join(repoRoot, "apps/agent/dist/main.js");
export const TOKEN = "integration-test-token";
/** Users every test hub starts with; passwords are long enough for the hub's rules. */
export const USERS = {
  admin: { name: "ada", password: "admin-password-123", role: "admin" as const },
  operator: { name: "otto", password: "operator-password-123", role: "operator" as const },
  viewer: { name: "vera", password: "viewer-password-123", role: "viewer" as const },
  scoped: { name: "sam", password: "scoped-password-123", role: "operator" as const, vips: ["192.168.50.101"] },
};

const cookies = new Map<string, string>();

/** Signs in and returns the session cookie (`name=value`). */
export async function login(url: string, name: string, password: string): Promise<string> {
  const response = await fetch(`${url}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name, password }) });
  if (!response.ok) throw new Error(`login as ${name}: HTTP ${response.status}`);
  return (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}

/** fetch with the admin's session of the hub at that origin (signed in by startHub). */
export function api(url: string, init: RequestInit = {}): Promise<Response> {
  const cookie = cookies.get(new URL(url).origin);
  return fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), ...(cookie && { cookie }) } });
}

/** Remembers the admin session for a hub started outside startHub (a hub process). */
export async function signInAsAdmin(url: string): Promise<void> {
  cookies.set(new URL(url).origin, await login(url, USERS.admin.name, USERS.admin.password));
}

/** Starts a real hub on a free port with a fresh SQLite folder. */
export async function startHub(options: { commandTimeoutMs?: number; dataDir?: string; realServerMetrics?: boolean; alertmanagers?: string[] } = {}): Promise<Hub & { dataDir: string }> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "lvsdeck-hub-"));
  const hub = await createHub({ port: 0, host: "127.0.0.1", dataDir, agentTokens: [TOKEN], quiet: true, users: Object.values(USERS), ...options });
  await signInAsAdmin(hub.url);
  return Object.assign(hub, { dataDir });
}

/** The clustered record's schema, as `lvsdeck-hub --postgres` migrates it. */
export const postgresMigrationsDir = join(repoRoot, "apps/hub/migrations/postgres");

/**
 * Starts a hub of a cluster on the shared PostgreSQL at `postgresUrl` (and the NATS bus, if given):
 * its own SQLite folder for what is per hub. It starts with the test users, signed in as the admin,
 * unless `users` says otherwise (a hub started with none shares the users another hub created).
 */
export async function startClusteredHub(postgresUrl: string, options: { nats?: string[]; users?: typeof USERS[keyof typeof USERS][]; accessPollMs?: number } = {}): Promise<Hub> {
  const users = options.users ?? Object.values(USERS);
  const hub = await createHub({
    port: 0, host: "127.0.0.1", dataDir: mkdtempSync(join(tmpdir(), "lvsdeck-hub-")), agentTokens: [TOKEN], quiet: true, users,
    postgres: { url: postgresUrl, migrationsDir: postgresMigrationsDir },
    ...(options.nats !== undefined && { nats: options.nats }),
    ...(options.accessPollMs !== undefined && { accessPollMs: options.accessPollMs }),
  });
  await signInAsAdmin(hub.url);
  return hub;
}

/** Asks the kernel for a free loopback UDP port. */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    socket.bind(0, "127.0.0.1", () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

/** Starts one agent process with a simulated director. */
export function startAgent(hubUrl: string, director: string, extra: string[] = []): ChildProcess {
  const child = spawn(process.execPath, [agentBin, "--hub", hubUrl, "--director", director, "--token", TOKEN, "--source", "sim", "--tick-ms", "250", ...extra], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr?.resume();
  return child;
}

/** Starts the seed pair as two agent processes peered over loopback UDP. */
export async function startSeedPair(hubUrl: string): Promise<ChildProcess[]> {
  const ports = [await freeUdpPort(), await freeUdpPort()];
  return ["lvs-dir-01", "lvs-dir-02"].map((director, i) =>
    startAgent(hubUrl, director, ["--seed", String(i + 1), "--vrrp-listen", `127.0.0.1:${ports[i]}`, "--vrrp-peer", `127.0.0.1:${ports[1 - i]}`]),
  );
}

/** Stops agent processes and waits for them to exit. */
export async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGKILL");
        }),
    ),
  );
}

/** How often `waitFor` asks again: the probes are HTTP requests to a local hub. */
const PROBE_INTERVAL_MS = 100;

/**
 * `vi.waitFor` for probes that answer a value: resolves with the first truthy value, and on timeout
 * fails with the last error a probe threw (or says what was awaited).
 */
export function waitFor<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 10_000, what = "condition"): Promise<T> {
  return vi.waitFor(
    async () => {
      const value = await probe();
      if (!value) throw new Error(`timed out waiting for ${what}`);
      return value;
    },
    { timeout: timeoutMs, interval: PROBE_INTERVAL_MS },
  );
}

/** GET /api/cluster, narrowed. */
export async function cluster(hubUrl: string): Promise<ClusterResponse> {
  return clusterResponseSchema.parse(await (await api(`${hubUrl}/api/cluster`)).json());
}

/** One director's view, when present. */
export async function director(hubUrl: string, id: string): Promise<DirectorView | undefined> {
  return (await cluster(hubUrl)).directors.find((d) => d.id === id);
}

/** The VRRP state of a director's first instance. */
export function vrrpState(view: DirectorView | undefined): string | undefined {
  return view?.snapshot?.vrrp[0]?.state;
}

/** A live /ws/ui socket as a test watches it. */
export interface Watched {
  ws: WebSocket;
  frames: { type: string; director?: { snapshot: { services: { key: string }[] } | null }; change?: { id: string; state: string } }[];
  closed: Promise<number>;
  framesAtClose: () => number;
}

/** Opens /ws/ui the way a browser does and records every frame and the close code. */
export function watchUi(url: string, headers: Record<string, string>, query = ""): Promise<Watched> {
  const ws = new WebSocket(`${url.replace("http", "ws")}/ws/ui${query}`, { headers: { origin: url, ...headers } });
  const frames: Watched["frames"] = [];
  let atClose = -1;
  ws.on("message", (d) => frames.push(JSON.parse(d.toString()) as Watched["frames"][number]));
  const closed = new Promise<number>((done) =>
    ws.once("close", (code) => {
      atClose = frames.length;
      done(code);
    }),
  );
  return new Promise((done, fail) => {
    ws.once("unexpected-response", (_q, r) => fail(new Error(`upgrade refused: ${r.statusCode}`)));
    ws.on("message", () => done({ ws, frames, closed, framesAtClose: () => atClose }));
  });
}

/** Asks the kernel for a free loopback TCP port. */
export const freeTcpPort = freePort;

/** Every agent event stored once: seqs are unique and contiguous. */
export function expectExactlyOnce(stored: HubEvent[]): number[] {
  const seqs = stored.flatMap((e) => (e.seq === null ? [] : [e.seq])).sort((a, b) => a - b);
  expect(new Set(seqs).size).toBe(seqs.length);
  expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));
  return seqs;
}

/** A flapping pair (`hubUrl` may list several hubs, comma-separated): lvs-dir-01's keepalived stops and starts every 1.5 s, so both directors keep transitioning. */
export async function startFlappingPair(hubUrl: string): Promise<ChildProcess[]> {
  const ports = [await freeUdpPort(), await freeUdpPort()];
  return ["lvs-dir-01", "lvs-dir-02"].map((director, i) =>
    startAgent(hubUrl, director, [
      "--seed", String(i + 1), "--vrrp-listen", `127.0.0.1:${ports[i]}`, "--vrrp-peer", `127.0.0.1:${ports[1 - i]}`,
      ...(i === 0 ? ["--sim-flap-ms", "1500"] : []),
    ]),
  );
}
