// Runs the real agent with `--config FILE` (and a token file) against the substitute ipvsadm and /proc of fakes.ts.
import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { chmodSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { directorSnapshotSchema } from "@lvsdeck/protocol";
import { createFakeDirector, repoRoot } from "./fakes";
import type { FakeDirector } from "./fakes";

/** How long a freshly spawned agent (tsx compiling its sources) may take to reach the hub. */
const AGENT_CONNECTS_MS = 15_000;
const agentArgs = (args: string[]) => ["--import", "tsx", join(repoRoot, "apps/agent/src/main.ts"), ...args];

function runAgent(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, agentArgs(args), { cwd: repoRoot, env: { ...process.env, LVSDECK_AGENT_TOKEN: "" } }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === "number" ? err.code : -1, stdout, stderr });
    });
  });
}

describe("lvsdeck-agent --config", () => {
  let fake: FakeDirector;
  const writeConfig = (name: string, lines: string[]) => {
    const path = join(fake.dir, name);
    writeFileSync(path, `${lines.join("\n")}\n`);
    return path;
  };
  const persistenceOf = (stdout: string) => directorSnapshotSchema.parse(JSON.parse(stdout)).services.find((s) => s.key === "TCP 10.0.0.100:80")?.persistence;

  beforeAll(() => {
    fake = createFakeDirector();
  });
  afterAll(() => rmSync(fake.dir, { recursive: true, force: true }));

  it("takes the director, source, paths and numbers from the file, and flags win over it", async () => {
    const config = writeConfig("agent.conf", [
      "# a director read through /proc only",
      `director = lvs-dir-07`,
      `source = procfs`,
      `proc-root = ${fake.procRoot}`,
      // 75000 jiffies of persistence: 750 s at 100 Hz, 300 s at the default 250 Hz.
      `proc-hz = 100`,
      `ipvsadm = ${fake.ipvsadm}`,
      `ip = ${fake.ip}`,
    ]);
    const fromFile = await runAgent(["snapshot", "--config", config]);
    expect(fromFile.stderr).toBe("");
    expect(fromFile.code).toBe(0);
    expect(directorSnapshotSchema.parse(JSON.parse(fromFile.stdout)).director).toBe("lvs-dir-07");
    expect(persistenceOf(fromFile.stdout)).toEqual({ timeoutSec: 750, netmask: "255.255.255.255" });

    const flagWins = await runAgent(["snapshot", "--config", config, "--proc-hz", "250"]);
    expect(persistenceOf(flagWins.stdout)).toEqual({ timeoutSec: 300, netmask: "255.255.255.255" });

    // --source ipvsadm on the command line, the substitute ipvsadm's path from the file: per-service
    // counters, which only ipvsadm has (/proc/net/ip_vs has none).
    const countersOf = (stdout: string) => directorSnapshotSchema.parse(JSON.parse(stdout)).services.map((s) => s.stats.conns);
    expect(countersOf(fromFile.stdout).every((conns) => conns === 0)).toBe(true);
    const viaIpvsadm = await runAgent(["snapshot", "--config", config, "--source", "ipvsadm"]);
    expect(viaIpvsadm.stderr).toBe("");
    expect(countersOf(viaIpvsadm.stdout).some((conns) => conns > 0)).toBe(true);
  });

  it("exits 2 naming file and line for an unknown key, a repeated key and a malformed line", async () => {
    const cases: Array<[string[], string]> = [
      [["director = lvs-dir-01", "", "tick_ms = 1000"], `:3: unknown key "tick_ms" (did you mean tick-ms?); keys are the long option names of lvsdeck-agent --help`],
      [["director = a", "source = procfs", "director = b"], ":3: director is set twice (first on line 1); only hub, vrrp-peer and keepalived-fifo may repeat"],
      [["director = a", "source procfs"], ':2: expected "key = value", found "source procfs"'],
    ];
    for (const [lines, message] of cases) {
      const config = writeConfig("bad.conf", lines);
      const { code, stdout, stderr } = await runAgent(["snapshot", "--config", config]);
      expect({ code, stdout, stderr }).toEqual({ code: 2, stdout: "", stderr: `lvsdeck-agent: ${config}${message}\n` });
    }
  });

  it("exits 2 citing the file line of a bad value, and for a missing file", async () => {
    const config = writeConfig("slow.conf", ["director = lvs-dir-01", "source = procfs", "tick-ms = 10"]);
    const badValue = await runAgent(["snapshot", "--config", config]);
    expect(badValue.code).toBe(2);
    expect(badValue.stderr.split("\n")[0]).toBe(`lvsdeck-agent: --tick-ms must be an integer >= 250 (${config}:3)`);

    const missing = await runAgent(["snapshot", "--config", join(fake.dir, "nope.conf")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^lvsdeck-agent: cannot read config file .*nope\.conf: ENOENT/);
  });

  it("exits 2 naming --states-budget when it is not a share of one core", async () => {
    for (const budget of ["200", "-1", "lots"]) {
      const { code, stderr } = await runAgent(["run", "--director", "lvs-dir-01", "--source", "sim", `--states-budget=${budget}`]);
      expect({ code, first: stderr.split("\n")[0] }).toEqual({ code: 2, first: "lvsdeck-agent: --states-budget must be a percentage of one core above 0 and at most 100 (0 turns counting off)" });
    }
  });

  describe("token-file", () => {
    let hub: WebSocketServer;
    const authorizations: string[] = [];
    let agent: ChildProcess | null = null;

    beforeAll(async () => {
      hub = new WebSocketServer({
        port: 0,
        verifyClient: (info, done) => {
          authorizations.push(info.req.headers.authorization ?? "");
          done(false, 401);
        },
      });
      await once(hub, "listening");
    });
    afterEach(async () => {
      if (agent !== null && agent.exitCode === null && agent.signalCode === null) {
        const exited = once(agent, "exit");
        agent.kill("SIGTERM");
        await exited;
      }
      agent = null;
    });
    afterAll(() => new Promise<void>((resolve) => hub.close(() => resolve())));

    const hubConfig = (tokenFile: string) =>
      writeConfig("run.conf", [
        `hub = http://127.0.0.1:${(hub.address() as AddressInfo).port}`,
        "director = lvs-dir-01",
        "source = procfs",
        `proc-root = ${fake.procRoot}`,
        `token-file = ${tokenFile}`,
      ]);

    it("sends the token read from the file named in the config file", async () => {
      const tokenFile = join(fake.dir, "agent.token");
      writeFileSync(tokenFile, "agt_from_the_token_file\n");
      chmodSync(tokenFile, 0o600);
      agent = spawn(process.execPath, agentArgs(["run", "--config", hubConfig(tokenFile)]), { cwd: repoRoot, stdio: "ignore", env: { ...process.env, LVSDECK_AGENT_TOKEN: "" } });
      await expect.poll(() => authorizations.length, { timeout: AGENT_CONNECTS_MS }).toBeGreaterThan(0);
      expect(authorizations[0]).toBe("Bearer agt_from_the_token_file");
    });

    it("exits 2 without connecting when the token file is readable by every user", async () => {
      const tokenFile = join(fake.dir, "public.token");
      writeFileSync(tokenFile, "agt_public\n");
      chmodSync(tokenFile, 0o644);
      const before = authorizations.length;
      const { code, stderr } = await runAgent(["run", "--config", hubConfig(tokenFile)]);
      expect(code).toBe(2);
      expect(stderr).toBe(`lvsdeck-agent: token file ${tokenFile} is readable by every user: chmod 600 it (or 640 with the agent's group)\n`);
      expect(authorizations.length).toBe(before);
    });
  });
});
