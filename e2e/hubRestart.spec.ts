import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { expect, test } from "./fixtures";
import { WallPage } from "./pages/WallPage";

test.use({ viewport: { width: 1920, height: 1080 } });

/** The demo's hub process (a child of the demo script), found by its command line. */
function demoHubPid(demoPid: number): number {
  const found = spawnSync("pgrep", ["-P", String(demoPid), "-f", "apps/hub/dist/main.js"], { encoding: "utf8" });
  const pid = Number(found.stdout.trim().split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no hub process under the demo (pid ${demoPid})`);
  return pid;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));
}

test("an open wall rides out a hub that dies and comes back: it says so, counts down, and recovers without a reload", async ({ page, cluster }) => {
  test.setTimeout(120_000);
  const wall = new WallPage(page, cluster.url);
  await wall.open();
  const seed = wall.tile("192.168.50.100");
  await expect(seed).toHaveAttribute("data-master", "lvs-dir-01", { timeout: 15_000 });
  await page.evaluate(() => document.documentElement.setAttribute("data-before-restart", "yes"));

  process.kill(demoHubPid(cluster.process.pid ?? 0), "SIGKILL");
  const offline = wall.banner("hub-offline");
  await expect(offline).toContainText("HUB UNREACHABLE since");
  await expect(offline).toContainText(/next try in \d+ s/);

  // The same hub binary on the same port and data folder: sessions, tokens and history are in SQLite.
  const port = new URL(cluster.url).port;
  const hub = spawn(process.execPath, ["apps/hub/dist/main.js", "--port", port, "--data", cluster.dataDir], { stdio: "ignore" });
  try {
    await expect(offline).toHaveCount(0, { timeout: 60_000 });
    // Fresh data from the agents, which reconnected to the new hub on their own.
    await expect(page.getByTestId("wall-age")).toHaveText(/^data [0-4] s old$/, { timeout: 30_000 });
    await expect(seed).toHaveAttribute("data-master", "lvs-dir-01");
    await expect(page.locator("html[data-before-restart]")).toHaveCount(1);
  } finally {
    hub.kill("SIGTERM");
    await exited(hub);
  }
});
