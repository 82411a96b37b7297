import { test as base } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DashboardPage } from "./pages/DashboardPage";

/** A running demo cluster (hub + two simulated director processes) on its own port and data folder. */
export interface DemoCluster {
  url: string;
  process: ChildProcess;
}

function freePort(): Promise<number> {
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

async function startDemo(): Promise<DemoCluster & { dataDir: string }> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "lvsdeck-e2e-"));
  const child = spawn(process.execPath, ["scripts/demo.mjs", "--no-build", "--port", String(port), "--data", dataDir], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.resume();
  child.stderr?.resume();
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      const cluster = (await (await fetch(`${url}/api/cluster`)).json()) as { directors: { snapshot: unknown }[] };
      if (cluster.directors.filter((d) => d.snapshot).length === 2) return { url, process: child, dataDir };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error("demo cluster did not start within 20 s");
}

/** Tests get a fresh cluster each and a page object on it. */
export const test = base.extend<{ cluster: DemoCluster; dashboard: DashboardPage }>({
  cluster: async ({}, use) => {
    const cluster = await startDemo();
    await use(cluster);
    await new Promise<void>((resolve) => {
      cluster.process.once("exit", () => resolve());
      cluster.process.kill("SIGTERM");
    });
    rmSync(cluster.dataDir, { recursive: true, force: true });
  },
  dashboard: async ({ page, cluster }, use) => {
    const dashboard = new DashboardPage(page, cluster.url);
    await dashboard.open();
    await use(dashboard);
  },
});

export { expect } from "@playwright/test";
