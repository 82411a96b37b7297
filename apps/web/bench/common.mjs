// Shared by the web benchmarks: Debian's Chromium with the e2e launch args, a demo cluster, CDP heap readings.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright";

/** The monorepo root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../../..");
/** The same flags as playwright.config.ts. */
export const LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--disable-component-update", "--disable-sync"];

export function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: LAUNCH_ARGS });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Signs in through the hub's API and returns the session cookie (`name=value`). */
export async function signIn(url, user, password) {
  const response = await fetch(`${url}/api/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: user, password }) });
  if (!response.ok) throw new Error(`sign-in as ${user} failed: HTTP ${response.status}`);
  return (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}

/**
 * Starts `scripts/demo.mjs` (hub + two simulated directors), signs in as the demo admin with the
 * credentials the demo writes to its data folder, and waits until both directors report.
 * `cookie` is the admin's session, for `signInContext`.
 */
export async function startDemo(extraArgs = []) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "lvsdeck-bench-"));
  const child = spawn(process.execPath, ["scripts/demo.mjs", "--no-build", "--port", String(port), "--data", dataDir, ...extraArgs], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  const url = `http://127.0.0.1:${port}`;
  const credentialsFile = join(dataDir, "demo-credentials.json");
  let cookie = "";
  for (let i = 0; i < 300; i++) {
    try {
      if (!cookie && existsSync(credentialsFile) && (await fetch(`${url}/api/health`)).ok) {
        const admin = JSON.parse(readFileSync(credentialsFile, "utf8"));
        cookie = await signIn(url, admin.user, admin.password);
      }
      const cluster = await (await fetch(`${url}/api/cluster`, { headers: { cookie } })).json();
      if (cluster.directors?.filter((d) => d.snapshot).length === 2) {
        return {
          url,
          cookie,
          async stop() {
            await new Promise((resolve) => {
              child.once("exit", resolve);
              child.kill("SIGTERM");
            });
            rmSync(dataDir, { recursive: true, force: true });
          },
        };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error("demo did not start within 30 s");
}

/** Gives a browser context the demo admin's session cookie, as a signed-in browser would have. */
export async function signInContext(context, url, cookie) {
  const [name, ...value] = cookie.split("=");
  await context.addCookies([{ name, value: decodeURIComponent(value.join("=")), url, httpOnly: true, sameSite: "Strict" }]);
}

/** JS heap in use after a full garbage collection, in bytes (CDP). */
export async function heapAfterGc(cdp) {
  await cdp.send("HeapProfiler.collectGarbage");
  await cdp.send("HeapProfiler.collectGarbage");
  const { usedSize } = await cdp.send("Runtime.getHeapUsage");
  const { metrics } = await cdp.send("Performance.getMetrics");
  const metric = (name) => metrics.find((m) => m.name === name)?.value ?? null;
  return { usedSize, jsHeapUsedSize: metric("JSHeapUsedSize"), nodes: metric("Nodes"), listeners: metric("JSEventListeners") };
}

/** Opens `url` in a new page with CDP heap and performance domains on; `cookie` signs it in first. */
export async function openWithCdp(browser, url, viewport = { width: 1440, height: 900 }, cookie = null) {
  const page = await browser.newPage({ viewport });
  if (cookie !== null && url !== null && url.startsWith("http")) await signInContext(page.context(), new URL(url).origin, cookie);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Performance.enable");
  await cdp.send("HeapProfiler.enable");
  if (url !== null) await page.goto(url);
  return { page, cdp };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
