// The read-only agent of deploy/lvsdeck-agent-readonly.service, for real: the unmodified agent run as
// user nobody (no capability) against the substitute /proc and a root-owned keepalived stand-in.
import { execFile, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { chmodSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { directorSnapshotSchema } from "@lvsdeck/protocol";
import { createFakeDirector, repoRoot, startFakeKeepalived } from "./fakes";
import type { FakeDirector, FakeKeepalived } from "./fakes";

/** uid/gid 65534: nobody/nogroup on Debian and Ubuntu, nobody on CentOS. */
const NOBODY = "65534";
/** How long a freshly spawned agent (tsx compiling its sources) may take to first warn. */
const AGENT_STARTS_MS = 15_000;
/** Dumps asked for every 100 ms and the FIFO retried every 50 ms: dozens of chances to repeat a warning. */
const REPEAT_WINDOW_MS = 2_000;
const asNobody = ["--reuid", NOBODY, "--regid", NOBODY, "--clear-groups", "--", "env", "HOME=/tmp", "LVSDECK_AGENT_TOKEN=agt_test"];
const agentCommand = (args: string[]) => [...asNobody, process.execPath, "--import", "tsx", join(repoRoot, "apps/agent/src/main.ts"), ...args];

/** Why these tests cannot run here, or null: they need root to become nobody, and nobody must be able to read the checkout. */
function whyNot(): string | null {
  if (process.getuid?.() !== 0) return "needs root (to run the agent as nobody)";
  const probe = spawnSync("setpriv", [...asNobody, "test", "-r", join(repoRoot, "node_modules/tsx/package.json")]);
  if (probe.error !== undefined) return "needs setpriv (util-linux)";
  if (probe.status !== 0) return `user nobody cannot read ${repoRoot}/node_modules`;
  return null;
}
const skipReason = whyNot();
if (skipReason !== null) console.warn(`readOnlyAgent.test.ts skipped: ${skipReason}`);

function runAsNobody(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("setpriv", agentCommand(args), { cwd: repoRoot }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === "number" ? err.code : -1, stdout, stderr });
    });
  });
}

const warnings = (stderr: string, message: string) =>
  stderr
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as { level: string; message: string; error?: string })
    .filter((entry) => entry.level === "warn" && entry.message === message);

describe.skipIf(skipReason !== null)("a non-root agent (uid nobody, no capabilities)", () => {
  let fake: FakeDirector;
  let keepalived: FakeKeepalived;
  const flags = () => ["--director", "lvs-dir-01", "--source", "procfs,keepalived", "--proc-root", fake.procRoot, "--ip", fake.ip, "--keepalived-pid-file", keepalived.pidFile, "--keepalived-json", keepalived.jsonPath];

  beforeAll(async () => {
    fake = createFakeDirector();
    chmodSync(fake.dir, 0o755);
    keepalived = await startFakeKeepalived(fake.dir, "a-master.json");
  });
  afterAll(async () => {
    await keepalived.kill();
    rmSync(fake.dir, { recursive: true, force: true });
  });

  it("shows the IPVS table from /proc and keepalived's liveness, and says why it shows no VRRP instance", async () => {
    const { code, stdout, stderr } = await runAsNobody(["snapshot", ...flags()]);
    expect(code).toBe(0);
    const snapshot = directorSnapshotSchema.parse(JSON.parse(stdout));
    expect(snapshot.services.flatMap((s) => s.realServers).length).toBe(10);
    expect(snapshot.keepalived).toMatchObject({ running: true, pid: keepalived.child.pid });
    expect(snapshot.vrrp).toEqual([]);
    expect(warnings(stderr, "not permitted to signal keepalived: VRRP instances are not read (that needs keepalived's uid, i.e. root, or CAP_KILL)")).toHaveLength(1);
  });

  it("warns once, not at every poll, about a root-owned FIFO and a keepalived it may not signal", async () => {
    const fifo = join(fake.dir, "vrrp.fifo");
    spawnSync("mkfifo", ["-m", "0644", fifo]);
    const hub = new WebSocketServer({ port: 0, verifyClient: (_info, done) => done(false, 401) });
    await once(hub, "listening");
    const hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
    const agent = spawn("setpriv", agentCommand(["run", "--hub", hubUrl, ...flags(), "--keepalived-fifo", fifo, "--keepalived-refresh-ms", "100"]), { cwd: repoRoot });
    let stderr = "";
    agent.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      await expect.poll(() => stderr.includes("not permitted to signal"), { timeout: AGENT_STARTS_MS }).toBe(true);
      // A negative check: the agent shows no poll from outside, so only time spent polling can show a warning is not repeated.
      await new Promise((r) => setTimeout(r, REPEAT_WINDOW_MS));
    } finally {
      agent.kill("SIGTERM");
      await once(agent, "exit");
      await new Promise<void>((resolve) => hub.close(() => resolve()));
    }
    const fifoWarnings = warnings(stderr, "cannot follow the notify FIFO");
    expect(fifoWarnings).toHaveLength(1);
    expect(fifoWarnings[0]?.error).toMatch(/EACCES/);
    expect(warnings(stderr, "not permitted to signal keepalived: VRRP instances are not read (that needs keepalived's uid, i.e. root, or CAP_KILL)")).toHaveLength(1);
  });
});
