import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "@lvsdeck/log";
import { CHECKER_SILENT_AFTER_REFRESHES, checkersPidFileBeside, createCheckerReader } from "./checkerReader";

const DUMP = fileURLToPath(new URL("../../../../packages/keepalived/fixtures/real/vm-check-failed.data", import.meta.url));
/** Short dump deadline for the test's unanswered requests (ms). */
const TEST_DUMP_TIMEOUT_MS = 300;
/** How long a poll waits for the stand-in to answer: an unanswered request costs the whole dump deadline, and a loaded machine delays the shell's trap. */
const ANSWERS_WITHIN = { timeout: 15_000, interval: 20 };

let dir = "";
let fake: ChildProcess | null = null;
afterEach(async () => {
  fake?.kill("SIGKILL");
  fake = null;
  await rm(dir, { recursive: true, force: true });
});

// A stand-in for keepalived: one process that writes the real checker dump on SIGUSR1, as 2.2.7's
// parent (relaying DATA to its checker child) does. SIGSTOP freezes it like a hung checker.
async function startFake() {
  dir = await mkdtemp(join(tmpdir(), "lvsdk-checker-"));
  const path = join(dir, "keepalived_check.data");
  // It says when its trap is set: a SIGUSR1 before that would kill the shell (the signal's default
  // action), which under load made a reader's first request end the stand-in for good.
  const ready = join(dir, "ready");
  fake = spawn("sh", ["-c", `trap 'cp "$0" "$1"' USR1; : > "$2"; while :; do sleep 0.05; done`, DUMP, path, ready], { stdio: "ignore" });
  await expect.poll(() => existsSync(ready), ANSWERS_WITHIN).toBe(true);
  const pid = fake.pid ?? 0;
  await writeFile(join(dir, "keepalived.pid"), `${pid}\n`);
  await writeFile(checkersPidFileBeside(join(dir, "keepalived.pid")), `${pid}\n`);
  const reader = createCheckerReader({ pidFile: checkersPidFileBeside(join(dir, "keepalived.pid")), path, signal: "SIGUSR1", timeoutMs: TEST_DUMP_TIMEOUT_MS, log: createLogger("test", true) });
  return { reader, pid };
}

describe("createCheckerReader", () => {
  it("reads the checker's dump and reports it alive and answering", async () => {
    const { reader, pid } = await startFake();
    await expect.poll(async () => (await reader.refresh(pid))?.length ?? 0, ANSWERS_WITHIN).toBe(4);
    expect(reader.reading()?.process).toMatchObject({ pid, running: true, silent: false });
    expect(reader.reading()?.process.lastDumpAt).not.toBeNull();
  });

  it(`calls a running checker silent after ${CHECKER_SILENT_AFTER_REFRESHES} unanswered requests, and answering again after one answer`, async () => {
    const { reader, pid } = await startFake();
    await expect.poll(async () => (await reader.refresh(pid)) !== null, ANSWERS_WITHIN).toBe(true);
    const answeredAt = reader.reading()?.process.lastDumpAt;
    fake?.kill("SIGSTOP");
    for (let i = 1; i < CHECKER_SILENT_AFTER_REFRESHES; i++) {
      expect(await reader.refresh(pid)).toBeNull();
      expect(reader.reading()?.process.silent).toBe(false);
    }
    expect(await reader.refresh(pid)).toBeNull();
    expect(reader.reading()?.process).toMatchObject({ running: true, silent: true, lastDumpAt: answeredAt });
    // the last dump stays readable, but is no newer than before the freeze
    expect(reader.reading()?.virtualServers).toHaveLength(4);
    fake?.kill("SIGCONT");
    await expect.poll(async () => (await reader.refresh(pid)) !== null, ANSWERS_WITHIN).toBe(true);
    expect(reader.reading()?.process.silent).toBe(false);
  });

  it("reports the checker not running when its process is gone, and nothing at all without a pid file", async () => {
    const { reader, pid } = await startFake();
    await reader.checkAlive();
    expect(reader.reading()?.process.running).toBe(true);
    fake?.kill("SIGKILL");
    await expect.poll(async () => (await reader.checkAlive(), reader.reading()?.process.running), ANSWERS_WITHIN).toBe(false);
    expect(await reader.refresh(pid)).toBeNull();
    const none = createCheckerReader({ pidFile: join(dir, "absent.pid"), path: join(dir, "x"), signal: "SIGUSR1", log: createLogger("test", true) });
    await none.checkAlive();
    expect(none.reading()).toBeNull();
  });
});
