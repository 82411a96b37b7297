// The browser side of the failover bench: Debian's Chromium (driven by Playwright, run inside the hub's
// namespace) with the topology page signed in and the wall on a wall token. A MutationObserver in each
// page stamps (Date.now()) every change of who the DOM shows as MASTER; on the topology page a wrapped
// WebSocket also stamps the frames that change a director's MASTER flag, with the hub's receivedAt.
// A third page polls /api/cluster as a status page would: the baseline.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright";
import type { Browser, Page } from "playwright";

/** Chromium flags for these machines: no sandbox as root, no GPU, no background traffic. */
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--disable-component-update", "--disable-sync"];
/** How often an in-page wait re-checks its records (ms); the stamps themselves come from the observers. */
const WAIT_POLL_MS = 50;

/** A change of who a page shows as MASTER: `masters` is the comma-joined, sorted director ids. */
export interface DomRecord {
  at: number;
  masters: string;
}
/** A `director` frame that changed that director's MASTER flag, as the page's socket received it. */
export interface FrameRecord {
  at: number;
  id: string;
  master: boolean;
  receivedAt: number | null;
}
/** What the pages recorded. */
export interface ProbeRecords {
  topology: DomRecord[];
  wall: DomRecord[];
  frames: FrameRecord[];
  polls: DomRecord[];
}
/** A VRRP transition as the hub's /api/events returns it (the fields the bench uses). */
export interface TransitionEvent {
  director: string;
  observedAt: number | null;
  receivedAt: number;
  /** `at`: when the agent read the FIFO line; `keepalivedAt`: keepalived's own last_transition, added by the hub from the next JSON dump. */
  event: { kind: string; to?: string; at?: number; keepalivedAt?: number };
}

interface PageRecords {
  dom: DomRecord[];
  frames: FrameRecord[];
}
// In-page code is passed as strings: functions would be re-serialised from what tsx compiled.
const RECORDS = "window.__lvsdkBench";

/** In-page script: stamps every change of `masters` (a JS expression over `document`) and, if asked, socket frames. */
function observerScript(masters: string, frames: boolean): string {
  return `(() => {
  const records = { dom: [], frames: [] };
  window.__lvsdkBench = records;
  let last = null;
  const check = () => {
    const at = Date.now();
    const now = ${masters};
    if (now !== last) { last = now; records.dom.push({ at, masters: now }); }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  if (!${frames}) return;
  const flags = new Map();
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (e) => {
        const at = Date.now();
        if (typeof e.data !== "string" || !e.data.includes('"type":"director"')) return;
        const frame = JSON.parse(e.data);
        if (frame.type !== "director") return;
        const d = frame.director;
        const master = !d.stale && d.snapshot !== null && d.snapshot.vrrp.some((i) => i.state === "MASTER");
        if (flags.get(d.id) === master) return;
        flags.set(d.id, master);
        records.frames.push({ at, id: d.id, master, receivedAt: d.receivedAt });
      });
    }
  };
})();`;
}

const TOPOLOGY_MASTERS = `[...new Set([...document.querySelectorAll('[data-testid="director"][data-state="MASTER"][data-stale="false"]')].map((e) => e.getAttribute("data-director")))].sort().join(",")`;
const wallMasters = (vip: string) => `document.querySelector('[data-testid="wall-tile"][data-vip="${vip}"]')?.getAttribute("data-master") ?? ""`;

/** In-page poller: fetches /api/cluster every `ms` and records which fresh directors report MASTER. */
const pollerScript = (ms: number) => `(() => {
  const records = { dom: [], frames: [] };
  window.__lvsdkBench = records;
  const poll = async () => {
    const body = await (await fetch("/api/cluster")).json();
    const at = Date.now();
    const masters = body.directors.filter((d) => !d.stale && d.snapshot !== null && d.snapshot.vrrp.some((i) => i.state === "MASTER")).map((d) => d.id).sort().join(",");
    records.dom.push({ at, masters });
  };
  setInterval(() => void poll().catch(() => undefined), ${ms});
})();`;

/** The open browser. */
export interface BrowserProbe {
  /** Resolves true once every page shows `director` among the MASTERs, stamped at or after `since`. */
  waitForMaster(director: string, since: number, timeoutMs: number): Promise<boolean>;
  /** Resolves true once both pages show `director` as the only MASTER, whatever they showed before. */
  waitForSettled(director: string, timeoutMs: number): Promise<boolean>;
  /** Resolves true once the poller saw `director` as MASTER at or after `since`. */
  waitForPoll(director: string, since: number, timeoutMs: number): Promise<boolean>;
  records(): Promise<ProbeRecords>;
  transitions(): Promise<TransitionEvent[]>;
  close(): Promise<void>;
}

/** Options for {@link openBrowserProbe}. */
export interface BrowserProbeOptions {
  hubUrl: string;
  /** Network namespace Chromium runs in (the hub's). */
  ns: string;
  work: string;
  user: string;
  password: string;
  wallToken: string;
  vip: string;
  pollMs: number;
}

/**
 * Resolves true once the in-page expression holds, false when the time is up. A page that is still
 * loading or reloading has no records yet: the wait goes on.
 */
async function until(page: Page, expression: string, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const left = end - Date.now();
    if (left <= 0) return false;
    try {
      await page.waitForFunction(`(${RECORDS}?.dom ?? []).${expression}`, undefined, { polling: WAIT_POLL_MS, timeout: left });
      return true;
    } catch (err) {
      if ((err as Error).name === "TimeoutError") return false;
      await new Promise((r) => setTimeout(r, WAIT_POLL_MS));
    }
  }
}

/** A record at or after `since` shows `director` as MASTER (as the only one when `only`). */
function showsMaster(page: Page, director: string, since: number, timeoutMs: number, only: boolean): Promise<boolean> {
  const id = JSON.stringify(director);
  const test = only ? `r.masters === ${id}` : `r.masters.split(",").includes(${id})`;
  return until(page, `some((r) => r.at >= ${since} && ${test})`, timeoutMs);
}

/** Starts Chromium in `ns` and opens the three pages; resolves once they are loaded. */
export async function openBrowserProbe(options: BrowserProbeOptions): Promise<BrowserProbe> {
  // Playwright talks to Chromium over a pipe, so Chromium can live in another network namespace.
  const launcher = join(options.work, "chromium-in-netns");
  writeFileSync(launcher, `#!/bin/sh\nexec ip netns exec ${options.ns} /usr/bin/chromium "$@"\n`, { mode: 0o755 });
  const browser: Browser = await chromium.launch({ executablePath: launcher, args: CHROMIUM_ARGS, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
  try {
    const signedIn = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const topology = await signedIn.newPage();
    await topology.addInitScript({ content: observerScript(TOPOLOGY_MASTERS, true) });
    await topology.goto(`${options.hubUrl}/api/health`);
    const credentials = JSON.stringify({ name: options.user, password: options.password });
    const login = await topology.evaluate<number>(`fetch("/api/session", { method: "POST", headers: { "content-type": "application/json" }, body: ${JSON.stringify(credentials)} }).then((r) => r.status)`);
    if (login !== 200) throw new Error(`signing in to the hub failed: HTTP ${login}`);
    await topology.goto(`${options.hubUrl}/`);
    const poller = await signedIn.newPage();
    await poller.goto(`${options.hubUrl}/api/health`);
    await poller.evaluate(pollerScript(options.pollMs));
    const wallContext = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const wall = await wallContext.newPage();
    await wall.addInitScript({ content: observerScript(wallMasters(options.vip), false) });
    await wall.goto(`${options.hubUrl}/wall?token=${encodeURIComponent(options.wallToken)}`);
    const pageRecords = (page: Page) => page.evaluate<PageRecords>(RECORDS);
    return {
      async waitForMaster(director, since, timeoutMs) {
        const seen = await Promise.all([showsMaster(topology, director, since, timeoutMs, false), showsMaster(wall, director, since, timeoutMs, true)]);
        return seen.every(Boolean);
      },
      async waitForSettled(director, timeoutMs) {
        const latest = `at(-1)?.masters === ${JSON.stringify(director)}`;
        return (await Promise.all([until(topology, latest, timeoutMs), until(wall, latest, timeoutMs)])).every(Boolean);
      },
      waitForPoll: (director, since, timeoutMs) => showsMaster(poller, director, since, timeoutMs, false),
      async records() {
        const [t, w, p] = await Promise.all([pageRecords(topology), pageRecords(wall), pageRecords(poller)]);
        return { topology: t.dom, wall: w.dom, frames: t.frames, polls: p.dom };
      },
      async transitions() {
        const body = await poller.evaluate<{ events: TransitionEvent[] }>(`fetch("/api/events?kind=vrrp-transition&limit=1000").then((r) => r.json())`);
        return body.events;
      },
      close: () => browser.close(),
    };
  } catch (err) {
    await browser.close();
    throw err;
  }
}
