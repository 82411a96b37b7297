import { spawn, type ChildProcess } from "node:child_process";
import { expect, freePort, test } from "./fixtures";
import { WallPage } from "./pages/WallPage";

test.use({ viewport: { width: 1920, height: 1080 } });

interface Lab {
  process: ChildProcess;
  url: string;
  password: string;
  hubs: { url: string; pid: number }[];
}

/** `npm run lab:cluster` with two hubs behind HAProxy, as an operator starts it; resolves once it prints its URL. */
async function startLab(): Promise<Lab> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "lab/cluster/run.ts", "--no-build", "--hubs", "2", "--port", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  // The lab's own errors, last 4 KB: a lab that does not come up says why in the failure.
  let err = "";
  child.stdout?.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (err = (err + chunk.toString()).slice(-4096)));
  try {
    await expect.poll(() => out, { timeout: 90_000, intervals: [200] }).toContain("failover: kill -9 a hub");
  } catch (e) {
    throw new Error(`the cluster lab did not come up: ${(e as Error).message}\nits stdout:\n${out}\nits stderr (end):\n${err}`);
  }
  const password = /one-time password (\S+)/.exec(out)?.[1] ?? "";
  const hubs = [...out.matchAll(/hub \d+\s+(http:\/\/\S+)\s+pid (\d+)/g)].map((m) => ({ url: m[1]!, pid: Number(m[2]) }));
  return { process: child, url: `http://127.0.0.1:${port}`, password, hubs };
}

/** How many live browser sockets a hub serves now, from its own /metrics. */
async function uiClients(hubUrl: string): Promise<number> {
  const text = await (await fetch(`${hubUrl}/metrics`)).text();
  return Number(/^lvsdeck_hub_ui_clients (\d+)/m.exec(text)?.[1] ?? 0);
}

test("a wall behind HAProxy rides out kill -9 of its hub: it reconnects to another hub without a reload and keeps following the cluster", async ({ page }) => {
  test.setTimeout(180_000);
  const lab = await startLab();
  try {
    expect(lab.hubs).toHaveLength(2);
    expect((await page.request.post(`${lab.url}/api/session`, { data: { name: "admin", password: lab.password } })).ok()).toBe(true);
    const wall = new WallPage(page, lab.url);
    await wall.open();
    const seed = wall.tile("192.168.50.100");
    await expect(seed).toHaveAttribute("data-master", "lvs-dir-01", { timeout: 20_000 });
    await page.evaluate(() => document.documentElement.setAttribute("data-before-failover", "yes"));

    // The hub HAProxy gave the wall's live socket to dies.
    let served: { url: string; pid: number } | undefined;
    await expect.poll(async () => (served = (await Promise.all(lab.hubs.map(async (h) => ((await uiClients(h.url)) > 0 ? h : null)))).find((h) => h !== null) ?? undefined), { timeout: 10_000 }).toBeDefined();
    process.kill(served!.pid, "SIGKILL");

    // Back on the other hub through HAProxy, with fresh data, and the page never reloaded.
    const other = lab.hubs.find((h) => h.pid !== served!.pid)!;
    await expect.poll(() => uiClients(other.url), { timeout: 30_000 }).toBeGreaterThan(0);
    await expect(wall.banner("hub-offline")).toHaveCount(0, { timeout: 30_000 });
    await expect(page.getByTestId("wall-age")).toHaveText(/^data [0-4] s old$/, { timeout: 30_000 });
    await expect(page.locator("html[data-before-failover]")).toHaveCount(1);

    // It keeps following the cluster: a VRRP failover after the hub died reaches it.
    const stop = await page.request.post(`${lab.url}/api/sim/faults`, { data: { director: "lvs-dir-01", fault: "stop-director" } });
    expect(stop.ok()).toBe(true);
    await expect(seed).toHaveAttribute("data-master", "lvs-dir-02", { timeout: 20_000 });
    await expect(wall.banner("failover")).toContainText("MASTER moved from lvs-dir-01 to lvs-dir-02", { timeout: 10_000 });
    await page.screenshot({ path: test.info().outputPath("wall-after-hub-failover.png") });
  } finally {
    lab.process.kill("SIGINT");
    await new Promise<void>((resolve) => (lab.process.exitCode !== null ? resolve() : lab.process.once("exit", () => resolve())));
  }
});
