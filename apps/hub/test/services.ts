// Throwaway PostgreSQL and NATS servers, started from the Debian packages, for the hub's tests and
// the lab scripts. Each server gets its own temp folder and loopback port, and is ready when returned.
//
// Leftover processes: every server is spawned through `setpriv --pdeathsig KILL`, which execs the
// server in place (its pid is the server's) and asks the kernel to SIGKILL it when the thread that
// spawned it dies, so even a SIGKILLed test runner takes its servers with it. A process 'exit' handler
// also SIGKILLs whatever is still running when Node exits normally. PostgreSQL's backends leave on
// their own when the postmaster dies. A crashed run can still leave its temp folders (lvsdeck-pg-*,
// lvsdeck-nats-*) in os.tmpdir(); they hold nothing that outlives the run.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { chown, mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect as tcpConnect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { promisify } from "node:util";
import pg from "pg";

/** A running throwaway PostgreSQL cluster; the `lvsdeck` superuser needs no password. */
export interface PostgresServer {
  /** URL of the `lvsdeck` database. */
  url: string;
  port: number;
  dataDir: string;
  /** Fast shutdown (SIGKILL after 10 s), then removes dataDir. Safe to call more than once. */
  stop(): Promise<void>;
}

/** A running throwaway NATS server with JetStream on, which can be stopped and started again. */
export interface NatsServer {
  url: string;
  port: number;
  storeDir: string;
  /** Starts it again on the same port and storeDir; a no-op while it runs. */
  start(): Promise<void>;
  /** SIGTERM, SIGKILL after 10 s; keeps storeDir for start(). */
  stop(): Promise<void>;
  /** SIGKILLs the running server without waiting, to test crashes; start() waits for the exit first. */
  kill(): void;
  /** Stops it for good and removes storeDir if this harness made it. */
  dispose(): Promise<void>;
}

const OUTPUT_LIMIT = 64 * 1024;
const POLL_MS = 50;
const STOP_GRACE_MS = 10_000;
const PG_READY_MS = 30_000;
const NATS_READY_MS = 20_000;
const PORT_ATTEMPTS = 3;

/** Starts a PostgreSQL cluster on loopback with an empty `lvsdeck` database. */
export async function startPostgres(options: { port?: number } = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const dataDir = await mkdtemp(join(tmpdir(), "lvsdeck-pg-"));
  let proc: Proc | undefined;
  try {
    const owner = await postgresOwner();
    if (owner) await chown(dataDir, owner.uid, owner.gid);
    await runToEnd(launch(join(bin, "initdb"), ["-D", dataDir, "--username=lvsdeck", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"], { asPostgres: owner !== undefined, cwd: dataDir }), "initdb");
    const started = await withPortRetry(options.port, async (port) => {
      const server = launch(join(bin, "postgres"), ["-D", dataDir, "-k", dataDir, "-h", "127.0.0.1", "-p", String(port), ...PG_SPEED], { asPostgres: owner !== undefined, cwd: dataDir });
      proc = server;
      await waitUntil("postgres", server, PG_READY_MS, () => postgresAnswers(port));
      return { server, port };
    });
    await adminQuery(started.port, (client) => `CREATE DATABASE ${client.escapeIdentifier("lvsdeck")}`);
    return postgresHandle(started.server, started.port, dataDir);
  } catch (error) {
    if (proc) await stopProc(proc, "SIGINT");
    await removeDir(dataDir);
    throw error;
  }
}

/** Creates another empty database on that server and returns its URL. */
export async function createDatabase(server: Pick<PostgresServer, "port">, name: string): Promise<string> {
  await adminQuery(server.port, (client) => `CREATE DATABASE ${client.escapeIdentifier(name)}`);
  return postgresUrl(server.port, name);
}

/** Starts nats-server with JetStream (file storage) on loopback; ready when it returns. */
export async function startNats(options: { port?: number; storeDir?: string } = {}): Promise<NatsServer> {
  const ownsStore = options.storeDir === undefined;
  const storeDir = options.storeDir ?? (await mkdtemp(join(tmpdir(), "lvsdeck-nats-")));
  try {
    const first = await withPortRetry(options.port, async (port) => ({ port, proc: await launchNats(port, storeDir) }));
    return natsHandle(first.port, storeDir, first.proc, ownsStore);
  } catch (error) {
    if (ownsStore) await removeDir(storeDir);
    throw error;
  }
}

// Throwaway clusters need no durability; these make initdb'd clusters start and write much faster.
const PG_SPEED = ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"];

function postgresHandle(server: Proc, port: number, dataDir: string): PostgresServer {
  let stopping: Promise<void> | undefined;
  return {
    url: postgresUrl(port, "lvsdeck"),
    port,
    dataDir,
    stop: () => (stopping ??= stopProc(server, "SIGINT").then(() => removeDir(dataDir))),
  };
}

function postgresUrl(port: number, database: string): string {
  return `postgres://lvsdeck@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

/** The newest installed major version's binaries, so a Debian upgrade does not break the tests. */
function postgresBinDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((name) => /^\d+$/.test(name) && existsSync(join(root, name, "bin/postgres"))) : [];
  const newest = versions.map(Number).sort((a, b) => b - a)[0];
  if (newest === undefined) throw new Error(`no PostgreSQL under ${root}/*/bin: apt-get install postgresql`);
  return join(root, String(newest), "bin");
}

/** initdb and postgres refuse to run as root, so as root they run as the package's `postgres` user. */
async function postgresOwner(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const id = async (flag: string) => Number((await promisify(execFile)("id", [flag, "postgres"])).stdout.trim());
  return { uid: await id("-u"), gid: await id("-g") };
}

async function postgresAnswers(port: number): Promise<boolean> {
  try {
    await adminQuery(port, () => "SELECT 1", 1_000);
    return true;
  } catch {
    return false; // Refused, or "the database system is starting up": ask again.
  }
}

/** Runs one statement as lvsdeck in the `postgres` database (CREATE DATABASE cannot run in a transaction). */
async function adminQuery(port: number, sql: (client: pg.Client) => string, connectionTimeoutMillis = 10_000): Promise<void> {
  const client = new pg.Client({ host: "127.0.0.1", port, user: "lvsdeck", database: "postgres", connectionTimeoutMillis });
  client.on("error", () => {}); // A server going away mid-poll must not become an uncaught error.
  try {
    await client.connect();
    await client.query(sql(client));
  } finally {
    await client.end().catch(() => {});
  }
}

function natsHandle(port: number, storeDir: string, first: Proc, ownsStore: boolean): NatsServer {
  let proc: Proc | undefined = first;
  let disposed = false;
  // start/stop/dispose run one after another, so a quick stop-then-start cannot overlap two servers.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = (step: () => Promise<void>): Promise<void> => {
    const next = queue.then(step);
    queue = next.catch(() => {});
    return next;
  };
  // A killed server is dropped at once but may take a moment to exit; its port and store are free after.
  let killedExit: Promise<void> = Promise.resolve();
  const stop = async () => {
    if (proc) await stopProc(proc, "SIGTERM");
    proc = undefined;
    await killedExit;
  };
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    start: () =>
      serial(async () => {
        if (disposed) throw new Error("this NATS server was disposed");
        if (proc && proc.exitCode === undefined) return;
        await killedExit;
        proc = await launchNats(port, storeDir);
      }),
    stop: () => serial(stop),
    kill: () => {
      if (!proc) return;
      proc.child.kill("SIGKILL");
      killedExit = proc.exited;
      proc = undefined;
    },
    dispose: () =>
      serial(async () => {
        if (disposed) return;
        disposed = true;
        await stop();
        if (ownsStore) await removeDir(storeDir);
      }),
  };
}

async function launchNats(port: number, storeDir: string): Promise<Proc> {
  // A director's snapshot (100 services x 100 real servers) is a few MB of JSON: above NATS's default 1 MB.
  const config = join(storeDir, "lvsdeck-nats.conf");
  await writeFile(config, "max_payload: 8MB\n");
  const proc = launch("nats-server", ["-c", config, "-a", "127.0.0.1", "-p", String(port), "-js", "-sd", storeDir], {});
  try {
    // The port opens before JetStream has recovered its store; the log line comes after both.
    await waitUntil("nats-server", proc, NATS_READY_MS, async () => proc.output.text().includes("Server is ready") && (await tcpAnswers(port)));
    return proc;
  } catch (error) {
    await stopProc(proc, "SIGTERM");
    throw error;
  }
}

/** A running HAProxy in front of hubs, as a site would deploy it. */
export interface Haproxy {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts Debian's HAProxy on a loopback port in front of `backends` (hub ports on 127.0.0.1), checking
 * each hub's /api/health every HAPROXY_CHECK_MS and taking a dead one out after two failed checks; a
 * request or WebSocket upgrade that finds a hub gone is sent to another. `balance first` (tests) sends
 * everything to the first live hub, so which hub serves a client is known; `leastconn` spreads them.
 */
export async function startHaproxy(backends: readonly number[], options: { balance?: "first" | "leastconn"; port?: number } = {}): Promise<Haproxy> {
  const dir = await mkdtemp(join(tmpdir(), "lvsdeck-haproxy-"));
  try {
    return await withPortRetry(options.port, async (port) => {
      const config = join(dir, "haproxy.cfg");
      await writeFile(config, haproxyConfig(port, backends, options.balance ?? "leastconn"));
      const proc = launch("haproxy", ["-db", "-f", config], {});
      await waitUntil("haproxy", proc, HAPROXY_READY_MS, () => tcpAnswers(port));
      return {
        url: `http://127.0.0.1:${port}`,
        port,
        stop: async () => {
          await stopProc(proc, "SIGTERM");
          await removeDir(dir);
        },
      };
    });
  } catch (error) {
    await removeDir(dir);
    throw error;
  }
}

const HAPROXY_READY_MS = 10_000;
const HAPROXY_CHECK_MS = 500;

function haproxyConfig(port: number, backends: readonly number[], balance: string): string {
  return [
    "global",
    // Two file descriptors per proxied connection: within a default 20,000-descriptor limit.
    "  maxconn 8000",
    "defaults",
    "  mode http",
    "  timeout connect 1s",
    "  timeout client 1h",
    "  timeout server 1h",
    // A live socket may be quiet between the hub's pings.
    "  timeout tunnel 1h",
    "  option redispatch",
    "  retries 3",
    "frontend hubs",
    `  bind 127.0.0.1:${port}`,
    "  default_backend hubs",
    "backend hubs",
    `  balance ${balance}`,
    "  option httpchk GET /api/health",
    "  http-check expect status 200",
    ...backends.map((p, i) => `  server hub${i + 1} 127.0.0.1:${p} check inter ${HAPROXY_CHECK_MS} fall 2 rise 2 maxconn 4000`),
    "",
  ].join("\n");
}

// ---- processes -------------------------------------------------------------------------------

/** The last OUTPUT_LIMIT characters of a child's stdout and stderr, for error messages. */
class OutputTail {
  private buffer = "";
  append(chunk: string): void {
    this.buffer = (this.buffer + chunk).slice(-OUTPUT_LIMIT);
  }
  text(): string {
    return this.buffer;
  }
}

interface Proc {
  name: string;
  child: ChildProcess;
  output: OutputTail;
  /** Undefined while running; the exit code, or null when a signal ended it. */
  exitCode: number | null | undefined;
  exited: Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Spawns a server through setpriv: dies with its parent, and as root runs as `postgres` if asked. */
function launch(command: string, args: string[], options: { asPostgres?: boolean; cwd?: string }): Proc {
  const drop = options.asPostgres ? ["--reuid=postgres", "--regid=postgres", "--init-groups"] : [];
  // setpriv execs, unlike runuser which stays as a parent that does not pass SIGINT on.
  const [file, argv] = process.platform === "linux" ? ["setpriv", [...drop, "--pdeathsig", "KILL", "--", command, ...args]] : [command, args];
  const child = spawn(file, argv, { cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
  const output = new OutputTail();
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => output.append(chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => output.append(chunk));
  const proc: Proc = { name: command, child, output, exitCode: undefined, exited: Promise.resolve() };
  proc.exited = new Promise((resolve) => {
    const done = (code: number | null) => {
      if (proc.exitCode !== undefined) return;
      proc.exitCode = code;
      live.delete(child);
      resolve();
    };
    child.once("exit", (code) => done(code));
    child.once("error", (error) => {
      output.append(`\n[spawn ${file}] ${error.message}\n`);
      if (child.pid === undefined) done(-1);
    });
  });
  live.add(child);
  installExitHook();
  return proc;
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const child of live) child.kill("SIGKILL");
  });
}

async function runToEnd(proc: Proc, what: string): Promise<void> {
  await proc.exited;
  if (proc.exitCode !== 0) throw new Error(`${what} failed (exit ${proc.exitCode}):\n${proc.output.text()}`);
}

/** Sends `signal`, waits for the exit, and SIGKILLs after STOP_GRACE_MS. */
async function stopProc(proc: Proc, signal: NodeJS.Signals): Promise<void> {
  if (proc.exitCode !== undefined) return;
  proc.child.kill(signal);
  const timer = setTimeout(() => proc.child.kill("SIGKILL"), STOP_GRACE_MS);
  await proc.exited;
  clearTimeout(timer);
}

/** Polls `ready` every POLL_MS until it holds; fails early if the process exits, and at the deadline. */
async function waitUntil(what: string, proc: Proc, timeoutMs: number, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== undefined) throw new Error(`${what} exited (code ${proc.exitCode}) before it was ready:\n${proc.output.text()}`);
    if (await ready()) return;
    if (Date.now() >= deadline) {
      await stopProc(proc, "SIGKILL");
      throw new Error(`${what} was not ready within ${timeoutMs} ms:\n${proc.output.text()}`);
    }
    await delay(POLL_MS);
  }
}

async function removeDir(dir: string): Promise<void> {
  // Retries: a killed postmaster's backends may still be closing files in it for a moment.
  await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: POLL_MS });
}

// ---- ports -----------------------------------------------------------------------------------

/** A port the kernel just handed out on loopback; another process could take it before we do. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Runs `start` on the given port, or on free ports, trying another if one was taken meanwhile. */
async function withPortRetry<T>(port: number | undefined, start: (port: number) => Promise<T>): Promise<T> {
  if (port !== undefined) return start(port);
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePort());
    } catch (error) {
      const taken = error instanceof Error && /address already in use/i.test(error.message);
      if (!taken || attempt >= PORT_ATTEMPTS) throw error;
    }
  }
}

function tcpAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: "127.0.0.1", port, timeout: 1_000 });
    const settle = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => settle(true));
    socket.once("error", () => settle(false));
    socket.once("timeout", () => settle(false));
  });
}
