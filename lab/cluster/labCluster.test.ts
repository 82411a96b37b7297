// `npm run lab:cluster -- --smoke` as a user runs it: PostgreSQL, NATS, three hubs behind HAProxy and two
// VRRP pairs of simulated directors, checked through HAProxy, then stopped. The apps must be built.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { freePort } from "../../apps/hub/test/services";

const root = fileURLToPath(new URL("../..", import.meta.url));


/** Runs `node args` in the repository; its stdout and stderr together, and how it ended. */
function run(args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    // SIGTERM at the timeout: the lab then stops what it started instead of leaving it to the kernel.
    const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs, killSignal: "SIGTERM" });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("close", (code) => resolve({ code, output }));
  });
}

it("starts clustered hubs behind HAProxy and two VRRP pairs, sees every director and a MASTER per pair through HAProxy, and stops", async () => {
  // The lab's default 8090 may be in use.
  const port = await freePort();
  const { code, output } = await run(["--import", "tsx", "lab/cluster/run.ts", "--smoke", "--no-build", "--port", String(port)], 110_000);
  expect(output).toContain("lab:cluster smoke: ok");
  expect(output).toContain(`open http://127.0.0.1:${port} in a browser`);
  expect(output).toContain("everything stopped, temp folders removed; exit 0");
  expect(code, output).toBe(0);
}, 120_000);
