// Soak of /wall at 4 updates per second (demo agents at --tick-ms 250): JS heap after GC at start and end.
// Baseline from the same run: an idle page (about:blank) measured the same way over the same time.
// Usage: SOAK_MINUTES=30 node apps/web/bench/soakWall.mjs
import { heapAfterGc, launch, openWithCdp, sleep, startDemo } from "./common.mjs";

/** How long the soak runs. */
const SOAK_MINUTES = Number(process.env.SOAK_MINUTES ?? 30);
/**
 * Let the page load and fill its bounded buffers before the first reading: the sparklines keep 120
 * one-second samples, so growth measured earlier would be the buffers filling, not a leak.
 */
const WARMUP_MS = Number(process.env.SOAK_WARMUP_MS ?? 180_000);
/** Intermediate readings, to see a trend rather than two points. */
const SAMPLE_EVERY_MS = Math.max(30_000, (SOAK_MINUTES * 60_000) / 10);

const demo = await startDemo(["--tick-ms", "250"]);
const browser = await launch();
try {
  const wall = await openWithCdp(browser, `${demo.url}/wall`, { width: 1920, height: 1080 }, demo.cookie);
  const idle = await openWithCdp(browser, "about:blank");
  await wall.page.waitForSelector('[data-testid="wall-tile"]');
  await sleep(WARMUP_MS);
  const start = { wall: await heapAfterGc(wall.cdp), idle: await heapAfterGc(idle.cdp) };
  const samples = [];
  const end = Date.now() + SOAK_MINUTES * 60_000;
  while (Date.now() < end) {
    await sleep(Math.min(SAMPLE_EVERY_MS, Math.max(0, end - Date.now())));
    samples.push({ atMin: Number(((SOAK_MINUTES * 60_000 - (end - Date.now())) / 60_000).toFixed(1)), usedSize: (await heapAfterGc(wall.cdp)).usedSize });
  }
  const finish = { wall: await heapAfterGc(wall.cdp), idle: await heapAfterGc(idle.cdp) };
  const growth = (a, b) => Number((((b - a) / a) * 100).toFixed(2));
  const tiles = await wall.page.locator('[data-testid="wall-tile"]').count();
  console.log(
    JSON.stringify(
      {
        bench: "wall-soak",
        minutes: SOAK_MINUTES,
        warmupSeconds: WARMUP_MS / 1000,
        updatesPerSecond: 4,
        tiles,
        wall: { startBytes: start.wall.usedSize, endBytes: finish.wall.usedSize, growthPercent: growth(start.wall.usedSize, finish.wall.usedSize), startNodes: start.wall.nodes, endNodes: finish.wall.nodes, startListeners: start.wall.listeners, endListeners: finish.wall.listeners },
        baselineIdlePage: { startBytes: start.idle.usedSize, endBytes: finish.idle.usedSize, growthPercent: growth(start.idle.usedSize, finish.idle.usedSize) },
        samples,
        goal: "wall heap growth under 10%",
        pass: growth(start.wall.usedSize, finish.wall.usedSize) < 10,
      },
      null,
      2,
    ),
  );
} finally {
  await browser.close();
  await demo.stop();
}
