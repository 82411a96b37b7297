// /metrics as Prometheus tools see it: `promtool check metrics` on a real scrape, the per-real-server
// series optional, and the rules and dashboard shipped in deploy/ checked against both.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { repoRoot, startHub, startSeedPair, stopAll, waitFor } from "./harness";

const PROMTOOL = "/usr/bin/promtool";
const DEPLOY = join(repoRoot, "deploy");

/** promtool, or a clear failure: CI installs Debian's prometheus package (scripts/ensure.mjs). */
function promtool(args: string[], input?: string): { code: number; output: string } {
  if (!existsSync(PROMTOOL)) throw new Error(`${PROMTOOL} is missing: apt-get install prometheus (node scripts/ensure.mjs test installs it)`);
  const run = spawnSync(PROMTOOL, args, { input, encoding: "utf8", cwd: join(DEPLOY, "prometheus") });
  return { code: run.status ?? -1, output: `${run.stdout}${run.stderr}` };
}

describe("Prometheus", () => {
  let children: ChildProcess[] = [];
  let close: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await stopAll(children);
    await close?.();
    close = null;
  });

  /** A scrape of a hub with the seed pair reporting, once both directors' services are in it. */
  const scrape = async (options: { realServerMetrics?: boolean } = {}) => {
    const hub = await startHub(options);
    close = hub.close;
    children = await startSeedPair(hub.url);
    return waitFor(async () => {
      const text = await (await fetch(`${hub.url}/metrics`)).text();
      // Each director reports on its own: both must have, not just the one that came last.
      const both = ["lvs-dir-01", "lvs-dir-02"].every((d) => text.includes(`lvsdeck_service_active_connections{director="${d}"`));
      return both && /lvsdeck_sync_connection_entries\{director="lvs-dir-02"/.test(text) && text;
    }, 15_000, "both directors' services and sync entries in /metrics");
  };

  it("passes promtool check metrics, and leaves the per-real-server series out only when asked", async () => {
    const text = await scrape();
    expect(promtool(["check", "metrics"], text)).toEqual({ code: 0, output: "" });
    expect(text).toMatch(/^lvsdeck_real_server_weight\{/m);
    expect(text).toMatch(/^lvsdeck_service_real_servers_taking_connections\{director="lvs-dir-01",service="TCP 192\.168\.50\.100:443"\} \d+$/m);
    await stopAll(children);
    await close?.();

    const lean = await scrape({ realServerMetrics: false });
    expect(promtool(["check", "metrics"], lean)).toEqual({ code: 0, output: "" });
    expect(lean).not.toMatch(/lvsdeck_real_server_/);
    expect(lean).toMatch(/^lvsdeck_service_connections_per_second\{/m);
    expect(lean.split("\n").length).toBeLessThan(text.split("\n").length);
  });

  it("ships rules that promtool accepts and whose unit tests pass, on metric names the hub exports", async () => {
    expect(promtool(["check", "rules", "lvsdeck.rules.yml"])).toMatchObject({ code: 0 });
    const tested = promtool(["test", "rules", "lvsdeck.rules.test.yml"]);
    expect(tested.output).toContain("SUCCESS");
    expect(tested.code).toBe(0);
    const text = await scrape();
    const rules = readFileSync(join(DEPLOY, "prometheus/lvsdeck.rules.yml"), "utf8");
    const exported = new Set([...text.matchAll(/^# TYPE (\w+) /gm)].map((m) => m[1]!));
    const used = new Set([...rules.matchAll(/\b(lvsdeck_[a-z_]+)\b/g)].map((m) => m[1]!));
    expect([...used].filter((name) => !exported.has(name))).toEqual([]);
  });

  it("ships a Grafana dashboard whose every query is valid PromQL on metrics the hub exports or the rules record", async () => {
    const dashboard = JSON.parse(readFileSync(join(DEPLOY, "grafana/lvsdeck.json"), "utf8")) as { uid: string; panels: { title: string; targets: { expr: string }[] }[] };
    expect(dashboard.uid).toBe("lvsdeck-directors");
    const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr })));
    expect(exprs.length).toBeGreaterThanOrEqual(7);
    // promtool parses every query as a recording rule's expression.
    const dir = mkdtempSync(join(tmpdir(), "lvsdeck-dashboard-"));
    try {
      const file = join(dir, "dashboard.rules.yml");
      writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${exprs.map((e, i) => `      - record: dashboard:panel_${i}\n        expr: ${JSON.stringify(e.expr)}\n`).join("")}`);
      expect(promtool(["check", "rules", file])).toMatchObject({ code: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const text = await scrape();
    const exported = new Set([...text.matchAll(/^# TYPE (\w+) /gm)].map((m) => m[1]!));
    const recorded = new Set([...readFileSync(join(DEPLOY, "prometheus/lvsdeck.rules.yml"), "utf8").matchAll(/record: (\S+)/g)].map((m) => m[1]!));
    const unknown = exprs.flatMap((e) => [...e.expr.matchAll(/\b(lvsdeck[_:][a-z_:]+)\b/g)].map((m) => m[1]!).filter((name) => !exported.has(name) && !recorded.has(name)).map((name) => `${e.panel}: ${name}`));
    expect(unknown).toEqual([]);
  });
});
