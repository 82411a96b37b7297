// lvsdeck-hub's command line as an operator meets it: help, a mistyped flag, a too-short password.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const repoRoot = resolve(import.meta.dirname, "../../..");
const dataDir = mkdtempSync(join(tmpdir(), "lvsdeck-hub-cli-"));

function hub(args: string[], input = ""): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = execFile(process.execPath, ["--import", "tsx", join(repoRoot, "apps/hub/src/main.ts"), ...args], { cwd: repoRoot }, (err, stdout, stderr) =>
      done({ code: err === null ? 0 : typeof err.code === "number" ? err.code : 1, stdout, stderr }),
    );
    child.stdin?.end(input);
  });
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe("lvsdeck-hub command line", () => {
  it("--help prints the usage of the server and its subcommands, and exits 0", async () => {
    const { code, stdout, stderr } = await hub(["--help"]);
    expect(code).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).toContain("usage: lvsdeck-hub [--port 8080]");
    expect(stdout).toContain("token add-agent DIRECTOR");
  });

  it("a mistyped flag is one line and the usage, exit 2, not a stack trace", async () => {
    const { code, stderr } = await hub(["--prot", "8080"]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^lvsdeck-hub: Unknown option '--prot'/);
    expect(stderr).not.toContain("    at ");
    const sub = await hub(["user", "list", "--dat", dataDir]);
    expect(sub.code).toBe(2);
    expect(sub.stderr).not.toContain("    at ");
  });

  it("an unknown --alert-option or a bad value stops the hub with one line naming it, exit 2", async () => {
    const unknown = await hub(["--alert-option", "synFloodMinimum=5", "--port", "0", "--data", dataDir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^lvsdeck-hub: --alert-option synFloodMinimum=5: no option "synFloodMinimum"/);
    const negative = await hub(["--alert-option", "timeWaitMin=-3", "--port", "0", "--data", dataDir]);
    expect(negative).toMatchObject({ code: 2, stderr: "lvsdeck-hub: --alert-option timeWaitMin=-3: the value must be a number of 0 or more\n" });
  });

  it("a too-short password says so once", async () => {
    const { code, stderr } = await hub(["user", "add", "bob", "--role", "viewer", "--data", dataDir], "short\n");
    expect(code).toBe(1);
    expect(stderr.trim()).toBe("lvsdeck-hub: password: at least 12 characters");
  });
});
