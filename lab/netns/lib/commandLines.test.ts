// Every command a user may type answers --help with its usage (exit 0) and a mistyped flag with one
// line and a hint (exit 2): none starts work, none prints a stack trace.
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../../..");

const commands: { name: string; args: string[] }[] = [
  { name: "demo", args: ["scripts/demo.mjs"] },
  { name: "bench", args: ["scripts/bench.mjs"] },
  { name: "lab:vm", args: ["lab/vm/run.mjs"] },
  { name: "test:lab:vm", args: ["lab/vm/test.mjs"] },
  { name: "lab:netns", args: ["--import", "tsx", "lab/netns/run.ts"] },
  { name: "test:lab:netns", args: ["--import", "tsx", "lab/netns/test.ts"] },
  { name: "pairs test", args: ["--import", "tsx", "lab/netns/pairsTest.ts"] },
  { name: "lvsdeck-hub", args: ["--import", "tsx", "apps/hub/src/main.ts"] },
  { name: "lvsdeck-agent", args: ["--import", "tsx", "apps/agent/src/main.ts"] },
];

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, args, { cwd: root, timeout: 30_000 }, (err, stdout, stderr) =>
      done({ code: err === null ? 0 : typeof err.code === "number" ? err.code : 1, stdout, stderr }),
    );
  });
}

describe("--help on every command", () => {
  for (const { name, args } of commands) {
    it(`${name}: --help prints the usage and exits 0; a mistyped flag exits 2 in one line`, async () => {
      const help = await run([...args, "--help"]);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/^usage: /);
      expect(help.stderr).toBe("");
      const wrong = await run([...args, "--no-such-flag"]);
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toMatch(/--no-such-flag/);
      expect(wrong.stderr).not.toContain("    at ");
    });
  }
});
