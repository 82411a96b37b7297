// The runner the netns lab's test scripts share: named checks that each pass or fail on their own, a
// screenshot of every open page when one fails, a hard time limit, the lab's removal checked at the
// end, and `N passed, M failed` as the last line (exit 1 on any failure).
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "@playwright/test";
import { chromium } from "playwright";
import type { Browser, BrowserContext } from "playwright";
import { REPO_ROOT } from "./hub";
import type { Lab } from "./lab";
import { namespacesWithPrefix } from "./network";
import { createTeardown } from "./teardown";
import type { Teardown } from "./teardown";
import { labProblem } from "./lab";

/** Where failure screenshots go. */
const RESULTS_DIR = join(REPO_ROOT, "test-results/lab-netns");
/** Debian's Chromium (Playwright's own browser download cannot work on these machines). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** Chromium flags for these machines: no sandbox as root, no GPU, no background traffic. */
export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--disable-component-update", "--disable-sync"];

/** How long the first elections and the agents' first reports may take (ms). */
export const STARTUP_MS = 40_000;
/** A VRRP change in the hub: 3 x advert_int plus skew for an election, plus an agent tick (ms). */
export const HUB_MS = 20_000;
/** The same change on screen, after the hub has it (ms). */
export const SCREEN_MS = 15_000;
/** How often the API is looked at while waiting (ms). */
export const POLL_MS = 200;

/** Debian's Chromium for a lab's checks (closed by `teardown`), and a 1440x900 context signed in with `cookie` at `url`. */
/** Ends the process with one line when this machine cannot run a lab test: root, keepalived and the bundles (labProblem), then `also`. */
export function exitUnlessLabCanRun(also: () => string | null = () => null): void {
  const problem = labProblem() ?? also();
  if (problem === null) return;
  process.stderr.write(`test:lab:netns cannot run: ${problem}\n`);
  process.exit(1);
}

export async function signedInBrowser(url: string, cookie: string, teardown: Teardown): Promise<{ browser: Browser; context: BrowserContext }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
  teardown.defer("close the browser", () => browser.close());
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const [name, value] = cookie.split("=");
  await context.addCookies([{ name: name ?? "", value: decodeURIComponent(value ?? ""), url, httpOnly: true, sameSite: "Strict" }]);
  return { browser, context };
}

/** One run of named checks against one lab. */
export interface LabTestRun {
  teardown: Teardown;
  log(message: string): void;
  /** Seconds since `start`, to one decimal. */
  since(start: number): number;
  timings: Record<string, number>;
  /** The pages screenshotted when a check fails. */
  setPages(pages: Page[]): void;
  /** Runs one check; a failure is recorded, screenshotted and logged, and the run goes on. */
  test(name: string, body: () => Promise<void>): Promise<void>;
  /** Records a failure outside any check (the lab did not start). */
  fail(name: string, err: unknown): void;
  /** The lab whose removal `finish` checks; set as soon as it started. */
  attach(lab: Lab): void;
  /** Removes the lab, checks nothing of it is left, prints the tally and exits. */
  finish(): Promise<never>;
}

/** Starts a run limited to `limitMs`; `prefix` is the lab's namespace prefix, checked to be gone at the end. */
export function createLabTestRun(options: { prefix: string; limitMs: number }): LabTestRun {
  const t0 = Date.now();
  const log = (message: string) => process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${message}\n`);
  const since = (start: number) => Math.round((Date.now() - start) / 100) / 10;
  const results: Array<{ name: string; ok: boolean }> = [];
  const timings: Record<string, number> = {};
  const teardown = createTeardown(log);
  let pages: Page[] = [];
  let lab: Lab | null = null;

  const test = async (name: string, body: () => Promise<void>) => {
    const started = Date.now();
    try {
      await body();
      results.push({ name, ok: true });
      log(`PASS ${name} (${since(started)} s)`);
    } catch (err) {
      results.push({ name, ok: false });
      // Playwright's messages carry a long call log: the first lines say what failed.
      log(`FAIL ${name} (${since(started)} s): ${((err as Error).stack ?? String(err)).split("\n").slice(0, 12).join("\n")}`);
      mkdirSync(RESULTS_DIR, { recursive: true });
      const slug = name.replace(/[^a-z0-9]+/gi, "-").slice(0, 60);
      await Promise.all(pages.map((p, i) => p.screenshot({ path: join(RESULTS_DIR, `${slug}-${i}.png`) }).catch(() => undefined)));
      log(`screenshots in ${RESULTS_DIR}`);
    }
  };

  const finish = async (): Promise<never> => {
    clearTimeout(watchdog);
    const started = Date.now();
    await teardown.run();
    timings.teardown = since(started);
    if (lab !== null) {
      const { work, hub, directors } = lab;
      await test("everything the lab created is gone: namespaces, processes, files", async () => {
        const left = namespacesWithPrefix(options.prefix);
        if (left.length > 0) throw new Error(`namespaces left: ${left.join(" ")}`);
        const alive = [hub.child, ...directors.map((d) => d.agent)].filter((c) => c.exitCode === null && c.signalCode === null);
        if (alive.length > 0) throw new Error(`processes left: ${alive.map((c) => c.pid).join(" ")}`);
        if (directors.some((d) => d.keepalived.running())) throw new Error("a keepalived is still running");
        if (process.env.LAB_KEEP !== "1" && existsSync(work)) throw new Error(`${work} is still there`);
      });
    }
    log(`timings (s): ${JSON.stringify(timings)}`);
    const failed = results.filter((r) => !r.ok).length;
    process.stdout.write(`${results.length - failed} passed, ${failed} failed\n`);
    process.exit(failed > 0 ? 1 : 0);
  };

  const watchdog = setTimeout(() => {
    log(`run limit of ${options.limitMs / 1000} s reached: stopping`);
    results.push({ name: "the run finished within its time limit", ok: false });
    void finish();
  }, options.limitMs);

  return {
    teardown,
    log,
    since,
    timings,
    setPages: (next) => void (pages = next),
    test,
    fail(name, err) {
      results.push({ name, ok: false });
      log(`${name} failed: ${(err as Error).stack ?? String(err)}`);
    },
    attach: (started) => void (lab = started),
    finish,
  };
}
