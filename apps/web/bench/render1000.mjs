// Rendering N real servers at 1 s updates: long tasks per minute and frame time on the topology page,
// fed by the bench-only fake hub. Baseline from the same run: 100 real servers, and each size both with
// the page's default folding and with every service expanded (every fold button opened).
// Usage: RENDER_SECONDS=60 node apps/web/bench/render1000.mjs
/* global window, requestAnimationFrame -- the measuring code runs in the page, through page.evaluate */
import { launch, sleep } from "./common.mjs";
import { startFakeHub } from "./fakeHub.mjs";

/** Measured time per size, after a warm-up. */
const RENDER_SECONDS = Number(process.env.RENDER_SECONDS ?? 60);
const WARMUP_MS = 5_000;
const SIZES = (process.env.RENDER_SIZES ?? "100,1000").split(",").map(Number);
/** "default" (the page's own folding) and/or "expanded" (every service opened). */
const FOLDINGS = (process.env.RENDER_FOLDINGS ?? "default,expanded").split(",");

async function measure(browser, realServers, expanded) {
  const hub = await startFakeHub({ realServers });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  try {
    await page.goto(hub.url);
    await page.waitForSelector('[data-testid="director"]');
    if (expanded) {
      // Open every folded service; a card may re-render between clicks, so re-query until none is left.
      for (let i = 0; i < 500; i++) {
        const closed = page.locator('button.fold[aria-expanded="false"]');
        if ((await closed.count()) === 0) break;
        await closed.first().click();
      }
    }
    await sleep(WARMUP_MS);
    await page.evaluate(() => {
      const w = window;
      w.__bench = { longTasks: [], frames: [] };
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__bench.longTasks.push(e.duration);
      }).observe({ type: "longtask" });
      let last = performance.now();
      const loop = (t) => {
        w.__bench.frames.push(t - last);
        last = t;
        requestAnimationFrame(loop);
      };
      requestAnimationFrame(loop);
    });
    await sleep(RENDER_SECONDS * 1000);
    const { longTasks, frames } = await page.evaluate(() => window.__bench);
    const sorted = [...frames].sort((a, b) => a - b);
    const pct = (p) => Number((sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0).toFixed(1));
    const rsRows = await page.locator('[data-testid="real-server"]').count();
    const nodes = await page.locator('[data-testid="graph-node"]').count();
    const foldedLeft = await page.locator('button.fold[aria-expanded="false"]').count();
    return {
      realServers,
      folding: expanded ? "every service expanded" : "default",
      foldedServicesLeft: foldedLeft,
      renderedRealServerRows: rsRows,
      graphNodes: nodes,
      longTasksPerMinute: Number(((longTasks.length * 60) / RENDER_SECONDS).toFixed(1)),
      longTaskMsTotalPerMinute: Number(((longTasks.reduce((a, b) => a + b, 0) * 60) / RENDER_SECONDS).toFixed(0)),
      longestTaskMs: Number(Math.max(0, ...longTasks).toFixed(0)),
      frameMs: { p50: pct(0.5), p95: pct(0.95), p99: pct(0.99), max: Number(Math.max(0, ...frames).toFixed(1)) },
      frames: frames.length,
    };
  } finally {
    await page.close();
    await hub.close();
  }
}

const browser = await launch();
try {
  const results = [];
  for (const n of SIZES) for (const f of FOLDINGS) results.push(await measure(browser, n, f === "expanded"));
  console.log(JSON.stringify({ bench: "render-real-servers", seconds: RENDER_SECONDS, updateIntervalMs: 1000, page: "/ (topology; default folding and every service expanded)", results }, null, 2));
} finally {
  await browser.close();
}
