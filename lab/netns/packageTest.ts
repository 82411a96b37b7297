// Part of `npm run test:lab:netns` (root, dpkg, rpm): the agent as the packages operators install. Builds
// them (`npm run package`), then:
//   1 the .deb installs with dpkg -i: one executable (no Node.js needed), the units, the config, the system user
//   2 the installed agent's --help is word for word the one in the agent's README
//   3 a changed /etc/lvsdeck/agent.conf survives reinstalling the package (a conffile)
//   4 the installed agent runs against the netns lab's real keepalived: both directors report to the hub,
//     elected as planned, with their tracks, and offer planned failover (its failover file)
//   5 dpkg --purge removes it all: executable, units, config, user
//   6 the .rpm holds the same files, keeps its config on upgrade (%config(noreplace)), adds the user before
//     installing, and stops the units only when erased (rpm -qlp, --configfiles, --scripts, --requires)
//   7 everything the lab created is gone afterwards
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "@playwright/test";
import { hubClient, REPO_ROOT } from "./lib/hub";
import { electedAsPlanned, startLab } from "./lib/lab";
import { HUB_MS, POLL_MS, STARTUP_MS, createLabTestRun, exitUnlessLabCanRun } from "./lib/labTestRun";
import { parseCommandLine } from "../../scripts/commandLine.mjs";

parseCommandLine("node --import tsx lab/netns/packageTest.ts", `usage: node --import tsx lab/netns/packageTest.ts
Builds the agent's .deb and .rpm, installs the .deb on this machine, runs it against real keepalived in the netns lab, purges it, and checks the .rpm. Needs root.`);

/** Hard limit of the whole run (ms), packaging included. */
const RUN_LIMIT_MS = 240_000;
const PREFIX = "lvsdk-labk-";
const PACKAGE = "lvsdeck-agent";
const INSTALLED = "/usr/bin/lvsdeck-agent";
const CONFIG = "/etc/lvsdeck/agent.conf";
const INSTALLED_FILES = [INSTALLED, "/lib/systemd/system/lvsdeck-agent.service", "/lib/systemd/system/lvsdeck-agent-readonly.service", CONFIG];

exitUnlessLabCanRun(() => (existsSync("/usr/bin/dpkg-deb") && existsSync("/usr/bin/rpmbuild") ? null : "needs dpkg-deb and rpmbuild (apt-get install rpm; node scripts/ensure.mjs test installs it)"));
const run = createLabTestRun({ prefix: PREFIX, limitMs: RUN_LIMIT_MS });
const { log, test, timings, since } = run;
const poll = { timeout: HUB_MS, intervals: [POLL_MS] };
const sh = (command: string, args: readonly string[]) => execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const installed = () => {
  try {
    return sh("dpkg-query", ["-W", "-f", "${db:Status-Status}", PACKAGE]).trim() === "installed";
  } catch {
    return false;
  }
};
const userExists = () => {
  try {
    sh("getent", ["passwd", "lvsdeck"]);
    return true;
  } catch {
    return false;
  }
};

try {
  const started = Date.now();
  const built = sh(process.execPath, [join(REPO_ROOT, "scripts/package.mjs")]);
  timings.package = since(started);
  const paths = Object.fromEntries(built.trim().split("\n").map((line) => line.split("\t")).map(([path, size]) => [path!.split("/").pop()!, { path: path!, size: size! }]));
  log(`built ${Object.entries(paths).map(([name, p]) => `${name} (${p.size})`).join(", ")}`);
  const deb = Object.values(paths).find((p) => p.path.endsWith(".deb"))!.path;
  const rpm = Object.values(paths).find((p) => p.path.endsWith(".rpm"))!.path;
  // A run stopped half-way may have left the package installed: start from none, and leave none.
  if (installed()) sh("dpkg", ["--purge", PACKAGE]);
  run.teardown.deferSync("purge the lvsdeck-agent package", () => {
    if (installed()) sh("dpkg", ["--purge", PACKAGE]);
  });

  await test("1 the .deb installs one executable, the units, the config and the system user", async () => {
    sh("dpkg", ["-i", deb]);
    expect(installed()).toBe(true);
    for (const file of INSTALLED_FILES) expect(existsSync(file), file).toBe(true);
    expect(userExists()).toBe(true);
    expect(sh("getent", ["passwd", "lvsdeck"])).toMatch(/^lvsdeck:x:\d+:\d+:[^:]*:\/nonexistent:\/usr\/sbin\/nologin$/m);
    expect(readFileSync("/lib/systemd/system/lvsdeck-agent.service", "utf8")).toContain("ExecStart=/usr/bin/lvsdeck-agent run --config /etc/lvsdeck/agent.conf");
    // No Node.js from the system: the executable runs with an empty PATH.
    const help = execFileSync(INSTALLED, ["--help"], { encoding: "utf8", env: { PATH: "" } });
    expect(help).toMatch(/^usage: lvsdeck-agent \[run\]/);
  });

  await test("2 the installed agent's --help is the one in the agent's README", async () => {
    const readme = readFileSync(join(REPO_ROOT, "apps/agent/README.md"), "utf8");
    const documented = /prints exactly this[^\n]*\n```\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(documented, "the README's --help block").toBeDefined();
    expect(sh(INSTALLED, ["--help"])).toBe(documented);
  });

  await test("3 a changed config survives reinstalling the package", async () => {
    const changed = `${readFileSync(CONFIG, "utf8")}\n# set by the package test\nhub = wss://hub.example:8443\n`;
    writeFileSync(CONFIG, changed);
    sh("dpkg", ["--force-confold", "-i", deb]);
    expect(readFileSync(CONFIG, "utf8")).toBe(changed);
  });

  await test("4 the installed agent runs against real keepalived: both directors report, elected as planned, with tracks and planned failover", async () => {
    const lab = await startLab({ prefix: PREFIX, directors: 2, instances: 1, port: 0, tracks: true, agentExecutable: INSTALLED, keepWork: process.env.LAB_KEEP === "1", log }, run.teardown);
    run.attach(lab);
    const api = await hubClient(lab.hub.url, lab.admin.user, lab.admin.password);
    const up = Date.now();
    await expect.poll(async () => electedAsPlanned(lab.plan, await api.cluster()), { ...poll, timeout: STARTUP_MS }).toBe(true);
    timings.installedAgentsElected = since(up);
    const cluster = await api.cluster();
    for (const view of cluster.directors) {
      expect(view.agent?.capabilities).toContain("planned-failover");
      expect((view.snapshot?.vrrp[0]?.tracks ?? []).map((t) => t.name).sort()).toEqual(["chk_nginx", "lvsdeck_failover", "uplink"]);
    }
    expect((await api.preflight(lab.directors[0]!.plan.id)).checks.find((c) => c.id === "agent")).toMatchObject({ status: "ok" });
  });

  await test("5 dpkg --purge removes the executable, the units, the config and the user", async () => {
    sh("dpkg", ["--purge", PACKAGE]);
    expect(installed()).toBe(false);
    for (const file of [...INSTALLED_FILES, "/etc/lvsdeck"]) expect(existsSync(file), file).toBe(false);
    expect(userExists()).toBe(false);
  });

  await test("6 the .rpm holds the same files, keeps its config on upgrade, adds the user first and stops the units only when erased", async () => {
    const query = (...args: string[]) => sh("rpm", ["-qp", ...args, rpm]).trim().split("\n");
    expect(query("-l")).toEqual(["/etc/lvsdeck", CONFIG, INSTALLED, "/usr/lib/systemd/system/lvsdeck-agent-readonly.service", "/usr/lib/systemd/system/lvsdeck-agent.service", "/usr/share/doc/lvsdeck-agent/README", "/usr/share/doc/lvsdeck-agent/examples/weight-mode-keepalived.conf"]);
    expect(query("--configfiles")).toEqual([CONFIG]);
    expect(sh("rpm", ["-qp", "--qf", "[%{FILEFLAGS:fflags} %{FILENAMES}\n]", rpm])).toMatch(/^cn \/etc\/lvsdeck\/agent\.conf$/m);
    const scripts = sh("rpm", ["-qp", "--scripts", rpm]);
    expect(scripts).toMatch(/preinstall scriptlet[^\n]*\n[^]*useradd --system --user-group[^]*lvsdeck/);
    expect(scripts).toMatch(/preuninstall scriptlet[^\n]*\nif \[ "\$1" = 0 \]; then\n[^\n]*systemctl stop lvsdeck-agent\.service lvsdeck-agent-readonly\.service/);
    expect(query("--requires")).toEqual(expect.arrayContaining(["glibc >= 2.28", "shadow-utils"]));
  });
} catch (err) {
  if (run.teardown.stopping()) await new Promise(() => undefined);
  run.fail("setup", err);
}
await run.finish();
