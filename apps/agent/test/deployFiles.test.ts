// The files of apps/agent/deploy: systemd accepts the units, and the example config documents every key
// and parses with the agent's own parser.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cliOptions } from "../src/cliOptions";
import type { OptionName } from "../src/cliOptions";
import { formatConfigFileError, parseConfigFile } from "../src/configFile";
import { repoRoot } from "./fakes";

const deploy = join(repoRoot, "apps/agent/deploy");
const units = ["lvsdeck-agent.service", "lvsdeck-agent-readonly.service"];
const read = (name: string) => readFileSync(join(deploy, name), "utf8");

/** Keys systemd learnt late, by the version that added them: older versions warn and ignore them. */
const addedIn: Record<string, number> = { RestartSteps: 254, RestartMaxDelaySec: 254, ProtectClock: 245, ProtectKernelLogs: 244, ProtectHostname: 242 };

function systemdVersion(): number | null {
  const run = spawnSync("systemd-analyze", ["--version"], { encoding: "utf8" });
  if (run.error !== undefined || run.status !== 0) return null;
  return Number(/^systemd (\d+)/.exec(run.stdout)?.[1] ?? NaN);
}
const version = systemdVersion();
if (version === null) console.warn("deployFiles.test.ts: systemd-analyze is not installed here; the unit files are not verified");

describe("deploy/*.service", () => {
  it.skipIf(version === null)("pass systemd-analyze verify with no warning beyond keys this systemd is too old for", () => {
    // verify checks that ExecStart's binary exists: run the copies with the node running this test.
    const dir = mkdtempSync(join(tmpdir(), "lvsdeck-units-"));
    try {
      for (const unit of units) writeFileSync(join(dir, unit), read(unit).replaceAll("/usr/bin/node ", `${process.execPath} `));
      const run = spawnSync("systemd-analyze", ["verify", ...units.map((u) => join(dir, u))], { encoding: "utf8" });
      const complaints = `${run.stdout}${run.stderr}`
        .split("\n")
        .filter((line) => line.trim() !== "")
        .filter((line) => {
          const key = /Unknown key '([A-Za-z]+)' in section \[Service\]/.exec(line)?.[1];
          return key === undefined || (addedIn[key] ?? 0) <= (version ?? 0);
        });
      expect(complaints).toEqual([]);
      expect(run.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("run the bundle from the documented install path with the packaged config file", () => {
    const readme = readFileSync(join(repoRoot, "apps/agent/README.md"), "utf8");
    for (const unit of units) {
      expect(read(unit)).toMatch(/^ExecStart=\/usr\/bin\/node \/opt\/lvsdeck\/agent\/lvsdeck-agent\.mjs run --config \/etc\/lvsdeck\/agent\.conf/m);
    }
    expect(readme).toContain("/opt/lvsdeck/agent/lvsdeck-agent.mjs");
    expect(readme).toContain("/etc/lvsdeck/agent.conf");
  });
});

describe("deploy/agent.conf.example", () => {
  const example = read("agent.conf.example");
  const settingLine = /^#?\s*([a-z][a-z0-9-]*)\s*=/;
  const documented = new Set(example.split("\n").flatMap((line) => settingLine.exec(line)?.[1] ?? []));

  it("parses as it is", () => {
    const parsed = parseConfigFile(example, "agent.conf.example");
    if (!parsed.ok) throw new Error(formatConfigFileError(parsed.error));
    expect(parsed.config.values).toMatchObject({ source: "ipvsadm,keepalived", "token-file": "/etc/lvsdeck/agent.token" });
  });

  it("shows every key a config file may hold", () => {
    const keys = (Object.keys(cliOptions) as OptionName[]).filter((name) => !["help", "config", "token"].includes(name));
    expect(keys.filter((key) => !documented.has(key))).toEqual([]);
  });

  it("still parses with every commented-out setting switched on (no key twice, every value well-formed)", () => {
    const uncommented = example
      .split("\n")
      .map((line) => line.replace(/^#\s?(?=[a-z][a-z0-9-]*\s*=)/, ""))
      .join("\n");
    const parsed = parseConfigFile(uncommented, "agent.conf.example (uncommented)");
    if (!parsed.ok) throw new Error(formatConfigFileError(parsed.error));
    expect(parsed.config.values["keepalived-fifo"]).toEqual(["/run/keepalived/vrrp.fifo", "/run/keepalived/notify.fifo"]);
  });
});
