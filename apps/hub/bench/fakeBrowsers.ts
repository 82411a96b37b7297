// Bench load: N browser sockets on /ws/ui. `full` of them subscribe to full views of a few directors,
// the rest to summaries (an overview or wall). Each records now - observedAt for every VRRP transition
// and now - takenAt for the directors in the frames it reads. BENCH_BROWSER_PARSE=all parses every
// frame, as a browser does; the default, `measured`, reads each frame's type from its first bytes, reads
// every event's timing fields from its text (./eventHead) and the times of one in BENCH_BROWSER_SAMPLE
// (10) of the other frames from their bytes (./frameTimes), parsing whole only a frame laid out
// otherwise: the browsers' own parsing then loads this generator's core less, so a figure taken with the
// hub pinned to the other core is the hub's rather than the generator's. The hub's work is the same
// either way.
// The sockets are served by worker threads (BENCH_BROWSER_THREADS, default 1). With the hub pinned to one
// core and the generators to the other, more threads add no CPU, only turns taken on that core; in
// alternating runs two threads were not better than one at p99.
// Optional, for the cluster bench: `hubUrl` may list several hubs (comma-separated), browser c then
// connects to hub c % hubs (a session cookie of one clustered hub serves on all); an 8th argument,
// the first director index held by each hub ("0,50": bench-000..049 on hub 0, the rest on hub 1),
// splits the transition latencies by (director's hub, browser's hub); a 9th, "from,to" (epoch ms),
// counts the distinct VRRP transitions each browser got whose observedAt falls in [from, to).
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import WebSocket from "ws";
import { leanWebSocket, type LeanSocket } from "./leanSocket";
import { readEventHead } from "./eventHead";
import { readFrameTimes, timesOf, type FrameTimes, type TimedFrame } from "./frameTimes";

const MAX_SAMPLES = 100_000;
const THREADS = Math.max(1, Number(process.env.BENCH_BROWSER_THREADS ?? 1));
const PARSE_ALL = process.env.BENCH_BROWSER_PARSE === "all";
/**
 * `lean` (default): each socket is read by a minimal client (./leanSocket) that copies only the frames
 * parsed; `ws`: each is a ws WebSocket, which makes a Buffer and a message per frame. The hub's work is
 * the same either way; with `ws` this generator's own stalls are a larger part of the hub -> browser leg.
 */
const CLIENT = process.env.BENCH_BROWSER_CLIENT === "ws" ? "ws" : "lean";
const SAMPLE_EVERY = Math.max(1, Number(process.env.BENCH_BROWSER_SAMPLE ?? 10));
/** A frame's type from its first bytes: the hub writes `{"type":"…"` first. */
const TYPE_AT_START = /^\{"type":"([a-z-]+)"/;

interface Args {
  hubUrl: string;
  clients: number;
  fullClients: number;
  directors: number;
  warmupMs: number;
  durationMs: number;
  cookie: string;
  /** This thread serves browsers first..first+count-1. */
  first: number;
  count: number;
  /** The first director index held by each hub (split latencies by hub pair), or null. */
  directorHubStarts: number[] | null;
  /** Count distinct transitions observed in [from, to), or null. */
  window: { from: number; to: number } | null;
}
/**
 * `transition*`: every frame of a transition, the amended copy included (the hub sends the event again
 * once keepalived's own time or a cause is known); `firstCopy*`: its first frame at each browser only,
 * which is when the browser learns of the transition.
 */
const METRICS = ["transition", "transitionAgentToHub", "transitionHubToBrowser", "firstCopy", "firstCopyAgentToHub", "firstCopyHubToBrowser", "tick", "tickHubToBrowser"] as const;
type Metric = (typeof METRICS)[number];
/** `transitionFirstCopy`: the transition's first frame at each browser only (the hub sends it again, amended with keepalived's time or a cause). */
const PAIR_METRICS = ["transition", "transitionAgentToHub", "transitionHubToBrowser", "transitionFirstCopy"] as const;
type PairMetric = (typeof PAIR_METRICS)[number];
/** Per hub pair `${director's hub}>${browser's hub}`: frames seen and latency samples. */
type PairResult = Record<string, { seen: number; samples: Record<PairMetric, number[]> }>;
interface ThreadResult {
  frames: number;
  bytes: number;
  /** Bytes received per frame type: where the push volume goes. */
  bytesByType: Record<string, number>;
  disconnects: number;
  seen: Record<Metric, number>;
  samples: Record<Metric, number[]>;
  eventLoopUtilization: number;
  /** This thread's event-loop delay over the measured window (ms). */
  eventLoopDelayMs: { p99: number; max: number };
  /** With several hubs or a director split: per hub pair. */
  pairs: PairResult;
  /** Per browser hub: sockets that opened, closed, and distinct transitions in the window summed over its browsers. */
  byBrowserHub: Record<string, { opened: number; disconnects: number; windowTransitions: number }>;
  /** Per transition that reached every browser of this thread: its last browser's first copy minus its first's (ms). */
  spreadSamples: number[];
}

/** Bounded latency samples, kept by reservoir sampling so memory does not grow with the frame count. */
function createReservoir() {
  const samples: number[] = [];
  let seen = 0;
  return {
    add(latency: number) {
      seen++;
      if (samples.length < MAX_SAMPLES) samples.push(latency);
      else {
        const j = Math.floor(Math.random() * seen);
        if (j < MAX_SAMPLES) samples[j] = latency;
      }
    },
    seen: () => seen,
    samples: () => samples,
  };
}

function quantiles(samples: number[]) {
  samples.sort((a, b) => a - b);
  const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))] ?? null;
  return { p50: q(0.5), p95: q(0.95), p99: q(0.99), max: samples.at(-1) ?? null };
}

interface Frame extends TimedFrame {
  event?: { director: string; seq: number | null; observedAt: number | null; receivedAt: number; event: { kind: string } };
}
/** What is measured of a frame: an event's timing fields, or another frame's times. */
type Measured = { type: string; event?: Frame["event"]; times?: FrameTimes };

/** Loopback source addresses the fake browsers connect from; the hub allows 64 live sockets per address. */
const BROWSER_ADDRESSES = 16;

/** A transition's first copies still arriving at this thread's browsers: when the first and the latest came, and how many. */
interface Arrivals { first: number; last: number; browsers: number }
/** A transition some browser of the thread never gets (it arrived before the window) is forgotten after this long. */
const ARRIVALS_KEPT_MS = 10_000;

function runBrowsers(a: Args): Promise<ThreadResult> {
  const r = Object.fromEntries(METRICS.map((m) => [m, createReservoir()])) as Record<Metric, ReturnType<typeof createReservoir>>;
  /**
   * How far apart one transition's first copies reach this thread's browsers, first to last. The hub
   * writes them in one pass over its sockets; what this thread adds is reading 500 sockets one after
   * another, so a spread near the hub -> browser leg's tail says the tail is here rather than in the hub.
   */
  const spread = createReservoir();
  const arrivals = new Map<string, Arrivals>();
  const arrived = (key: string, now: number) => {
    const seen = arrivals.get(key);
    if (seen === undefined) {
      if (a.count === 1) return spread.add(0);
      arrivals.set(key, { first: now, last: now, browsers: 1 });
      if (arrivals.size % 64 === 0) for (const [k, v] of arrivals) if (now - v.first > ARRIVALS_KEPT_MS) arrivals.delete(k);
      return;
    }
    seen.last = now;
    if (++seen.browsers < a.count) return;
    spread.add(seen.last - seen.first);
    arrivals.delete(key);
  };
  let frames = 0;
  let bytes = 0;
  const bytesByType: Record<string, number> = {};
  let disconnects = 0;
  let measuring = false;
  let elu0 = performance.eventLoopUtilization();
  // A late timer here is a frame read late: the hub -> browser leg includes this thread's own stalls.
  const delay = monitorEventLoopDelay({ resolution: 10 });
  const sockets: LeanSocket[] = [];
  const hubUrls = a.hubUrl.split(",");
  const pairs = new Map<string, Record<PairMetric, ReturnType<typeof createReservoir>>>();
  const pair = (key: string) => {
    let p = pairs.get(key);
    if (!p) pairs.set(key, (p = Object.fromEntries(PAIR_METRICS.map((m) => [m, createReservoir()])) as Record<PairMetric, ReturnType<typeof createReservoir>>));
    return p;
  };
  /** A director's hub from its name (bench-NNN), by the hubs' first director indexes. */
  const directorHub = (director: string) => {
    const index = Number(director.slice(director.lastIndexOf("-") + 1));
    let hub = 0;
    for (const [h, start] of (a.directorHubStarts ?? []).entries()) if (index >= start) hub = h;
    return hub;
  };
  const byBrowserHub: ThreadResult["byBrowserHub"] = Object.fromEntries(hubUrls.map((_, h) => [String(h), { opened: 0, disconnects: 0, windowTransitions: 0 }]));
  for (let c = a.first; c < a.first + a.count; c++) {
    const browserHub = c % hubUrls.length;
    const hubUrl = hubUrls[browserHub] ?? "";
    const counts = byBrowserHub[String(browserHub)]!;
    /** Transitions (director:seq) this browser got whose observedAt is in the window; an amended copy is the same one. */
    const inWindow = new Set<string>();
    /**
     * Per director, the seqs of its last few transitions this browser got a frame of: a transition's
     * copies come within milliseconds, a director's next transition seconds later. Bounded, so the
     * generator's heap (and its collector's pauses, which the hub -> browser leg includes) stays small.
     */
    const got = new Map<string, (number | null)[]>();
    const firstFrame = (director: string, seq: number | null) => {
      const seqs = got.get(director) ?? [];
      if (seqs.includes(seq)) return false;
      got.set(director, [...seqs.slice(-3), seq]);
      return true;
    };
    const split = a.directorHubStarts !== null || hubUrls.length > 1;
    // 500 real browsers are many sign-ins on many hosts: the hub holds each credential and each address
    // to a few live sockets, so the fake ones share out sessions and loopback source addresses (127.0.1.x).
    const cookies = a.cookie.split(",");
    const cookie = cookies[c % cookies.length] ?? "";
    const localAddress = `127.0.1.${1 + (c % BROWSER_ADDRESSES)}`;
    const subscription = JSON.stringify(
      c < a.fullClients
        ? { type: "subscribe", detail: "full", directors: Array.from({ length: 4 }, (_, i) => `bench-${String((c * 4 + i) % a.directors).padStart(3, "0")}`) }
        : { type: "subscribe", detail: "summary" },
    );
    let unparsed = 0;
    /** Whether a frame is parsed, from its type (its first bytes): every event, one in SAMPLE_EVERY others, or all. */
    const parses = (type: string | null) => PARSE_ALL || type === null || type === "event" || ++unparsed % SAMPLE_EVERY === 0;
    const typeOf = (head: Buffer) => TYPE_AT_START.exec(head.toString("latin1", 0, 32))?.[1] ?? null;
    /**
     * A frame to be measured: an event's timing fields read from its text, another frame's times from its
     * bytes; a frame laid out otherwise (or every frame, with BENCH_BROWSER_PARSE=all) parsed whole.
     */
    const frameOf = (payload: Buffer, type: string | null): Measured => {
      if (!PARSE_ALL && type !== null && type !== "event") {
        const times = readFrameTimes(payload, type);
        if (times !== null) return { type, times };
      }
      const text = payload.toString();
      const frame = (type === "event" && !PARSE_ALL ? readEventHead(text) : null) ?? (JSON.parse(text) as Frame);
      return frame.type === "event" ? frame : { type: frame.type, times: timesOf(frame) };
    };
    /** One frame from the hub: `frame` when parsed, else only its type read from its first bytes. */
    const received = (now: number, length: number, type: string | null, frame: Measured | null) => {
      const e = frame?.type === "event" ? frame.event : undefined;
      if (a.window && e?.event.kind === "vrrp-transition" && e.observedAt !== null && e.observedAt >= a.window.from && e.observedAt < a.window.to && !inWindow.has(`${e.director}:${e.seq}`)) {
        inWindow.add(`${e.director}:${e.seq}`);
        counts.windowTransitions++;
      }
      // Whether this is the transition's first frame here (an amended copy follows), measuring or not.
      const first = e?.event.kind === "vrrp-transition" && firstFrame(e.director, e.seq);
      if (!measuring) return;
      const frameType = frame?.type ?? type ?? "unknown";
      frames++;
      bytes += length;
      bytesByType[frameType] = (bytesByType[frameType] ?? 0) + length;
      if (frame === null) return;
      if (frame.type === "event" && frame.event?.event.kind === "vrrp-transition" && frame.event.observedAt !== null) {
        r.transition.add(now - frame.event.observedAt);
        r.transitionAgentToHub.add(frame.event.receivedAt - frame.event.observedAt);
        r.transitionHubToBrowser.add(now - frame.event.receivedAt);
        if (first) {
          arrived(`${frame.event.director}:${frame.event.seq}`, now);
          r.firstCopy.add(now - frame.event.observedAt);
          r.firstCopyAgentToHub.add(frame.event.receivedAt - frame.event.observedAt);
          r.firstCopyHubToBrowser.add(now - frame.event.receivedAt);
        }
        if (split) {
          const p = pair(`${directorHub(frame.event.director)}>${browserHub}`);
          p.transition.add(now - frame.event.observedAt);
          p.transitionAgentToHub.add(frame.event.receivedAt - frame.event.observedAt);
          p.transitionHubToBrowser.add(now - frame.event.receivedAt);
          if (first) p.transitionFirstCopy.add(now - frame.event.observedAt);
        }
        return;
      }
      if (frame.times === undefined) return;
      if (frame.times.serverTime !== null) r.tickHubToBrowser.add(now - frame.times.serverTime);
      for (const takenAt of frame.times.takenAt) r.tick.add(now - takenAt);
    };
    const onOpen = () => {
      counts.opened++;
      socket.send(subscription);
    };
    const onClose = () => {
      disconnects++;
      counts.disconnects++;
    };
    const url = `${hubUrl.replace("http", "ws")}/ws/ui`;
    const headers = { cookie, origin: hubUrl };
    let socket: LeanSocket;
    if (CLIENT === "lean") {
      // Whether the frame being read is parsed, decided from its first bytes.
      let parse = false;
      let type: string | null = null;
      socket = leanWebSocket(url, headers, localAddress, {
        open: onOpen,
        wants: (head) => (parse = parses((type = typeOf(head)))),
        message: (length, _head, payload) => {
          const now = Date.now();
          received(now, length, type, parse && payload !== null ? frameOf(payload, type) : null);
        },
        close: onClose,
      });
    } else {
      // A real browser validates UTF-8 natively and fast; in JavaScript it would only load this generator.
      const ws = new WebSocket(url, { headers, skipUTF8Validation: true, localAddress });
      ws.on("open", onOpen);
      ws.on("message", (data: Buffer) => {
        const now = Date.now();
        const type = PARSE_ALL ? null : typeOf(data);
        // Parsed before anything else, measuring or not, with BENCH_BROWSER_PARSE=all (a browser parses every frame).
        received(now, data.length, type, parses(type) ? frameOf(data, type) : null);
      });
      ws.on("close", onClose);
      ws.on("error", () => undefined);
      socket = { send: (text) => ws.send(text), terminate: () => ws.terminate() };
    }
    sockets.push(socket);
  }
  setTimeout(() => {
    measuring = true;
    elu0 = performance.eventLoopUtilization();
    delay.enable();
  }, a.warmupMs);
  return new Promise((resolve) =>
    setTimeout(() => {
      const eventLoopUtilization = performance.eventLoopUtilization(elu0).utilization;
      const eventLoopDelayMs = { p99: Math.round(delay.percentile(99) / 1e6), max: Math.round(delay.max / 1e6) };
      for (const ws of sockets) ws.terminate();
      resolve({
        frames, bytes, bytesByType, disconnects, eventLoopUtilization, eventLoopDelayMs,
        seen: Object.fromEntries(METRICS.map((m) => [m, r[m].seen()])) as Record<Metric, number>,
        samples: Object.fromEntries(METRICS.map((m) => [m, r[m].samples()])) as Record<Metric, number[]>,
        pairs: Object.fromEntries([...pairs].map(([key, p]) => [key, { seen: p.transition.seen(), samples: Object.fromEntries(PAIR_METRICS.map((m) => [m, p[m].samples()])) as Record<PairMetric, number[]> }])),
        byBrowserHub,
        spreadSamples: spread.samples(),
      });
    }, a.warmupMs + a.durationMs),
  );
}

if (!isMainThread) {
  parentPort?.postMessage(await runBrowsers(workerData as Args));
} else {
  const [hubUrl = "", clients, fullClients, directors, warmupMs, durationMs, cookie = "", starts = "", window = ""] = process.argv.slice(2);
  const [from, to] = window.split(",").map(Number);
  const base = { hubUrl, clients: Number(clients), fullClients: Number(fullClients), directors: Number(directors), warmupMs: Number(warmupMs), durationMs: Number(durationMs), cookie,
    directorHubStarts: starts === "" ? null : starts.split(",").map(Number), window: from !== undefined && to !== undefined && window !== "" ? { from, to } : null };
  const cpu0 = process.cpuUsage();
  // Loader hooks do not reach workers: each one registers tsx, then loads this very file.
  const bootstrap = `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); });`;
  // Browsers are dealt out in contiguous blocks; full subscribers (the first ones) land on the first thread(s).
  const per = Math.ceil(base.clients / THREADS);
  const results = await Promise.all(
    Array.from({ length: THREADS }, (_, t) => {
      const args: Args = { ...base, first: t * per, count: Math.max(0, Math.min(per, base.clients - t * per)) };
      const worker = new Worker(bootstrap, { eval: true, workerData: args });
      return new Promise<ThreadResult>((resolve, reject) => {
        worker.once("message", (m: ThreadResult) => void worker.terminate().then(() => resolve(m)));
        worker.once("error", reject);
      });
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  const merged = (m: Metric) => quantiles(results.flatMap((x) => x.samples[m]));
  const sum = (f: (x: ThreadResult) => number) => results.reduce((n, x) => n + f(x), 0);
  const pairKeys = [...new Set(results.flatMap((x) => Object.keys(x.pairs)))].sort();
  const split = base.directorHubStarts !== null || hubUrl.includes(",") || base.window !== null;
  const byBrowserHub: ThreadResult["byBrowserHub"] = {};
  for (const x of results) {
    for (const [hub, c] of Object.entries(x.byBrowserHub)) {
      const all = (byBrowserHub[hub] ??= { opened: 0, disconnects: 0, windowTransitions: 0 });
      all.opened += c.opened;
      all.disconnects += c.disconnects;
      all.windowTransitions += c.windowTransitions;
    }
  }
  process.stdout.write(
    `${JSON.stringify({
      frames: sum((x) => x.frames), bytes: sum((x) => x.bytes),
      bytesByType: results.reduce<Record<string, number>>((all, x) => {
        for (const [type, n] of Object.entries(x.bytesByType)) all[type] = (all[type] ?? 0) + n;
        return all;
      }, {}), disconnects: sum((x) => x.disconnects),
      transitionsReceived: sum((x) => x.seen.transition), transition: merged("transition"),
      firstCopiesReceived: sum((x) => x.seen.firstCopy), firstCopy: merged("firstCopy"),
      // Per thread: with several threads, over each one's browsers.
      firstCopySpread: quantiles(results.flatMap((x) => x.spreadSamples)),
      ticksReceived: sum((x) => x.seen.tick), tick: merged("tick"),
      stages: { transitionAgentToHub: merged("transitionAgentToHub"), transitionHubToBrowser: merged("transitionHubToBrowser"),
        firstCopyAgentToHub: merged("firstCopyAgentToHub"), firstCopyHubToBrowser: merged("firstCopyHubToBrowser"), tickHubToBrowser: merged("tickHubToBrowser") },
      ...(split && {
        byBrowserHub,
        // Key `${director's hub}>${browser's hub}`: "0>1" is a transition of a director on hub 0 seen by a browser on hub 1.
        byHubPair: Object.fromEntries(pairKeys.map((key) => [key, {
          transitionsReceived: sum((x) => x.pairs[key]?.seen ?? 0),
          ...Object.fromEntries(PAIR_METRICS.map((m) => [m, quantiles(results.flatMap((x) => x.pairs[key]?.samples[m] ?? []))])),
        }])),
        transitionFirstCopy: quantiles(results.flatMap((x) => pairKeys.flatMap((key) => x.pairs[key]?.samples.transitionFirstCopy ?? []))),
        // The same, pooled: director and browser on one hub, or on different hubs (crossing the bus).
        ...Object.fromEntries((["sameHub", "crossHub"] as const).map((group) => {
          const keys = pairKeys.filter((key) => { const [d, b] = key.split(">"); return (d === b) === (group === "sameHub"); });
          return [group, {
            transitionsReceived: sum((x) => keys.reduce((n, key) => n + (x.pairs[key]?.seen ?? 0), 0)),
            ...Object.fromEntries(PAIR_METRICS.map((m) => [m, quantiles(results.flatMap((x) => keys.flatMap((key) => x.pairs[key]?.samples[m] ?? [])))])),
          }];
        })),
      }),
      generator: {
        threads: THREADS,
        client: CLIENT,
        eventLoopUtilization: results.map((x) => Number(x.eventLoopUtilization.toFixed(2))),
        eventLoopDelayMs: results.map((x) => x.eventLoopDelayMs),
        // Over the whole run, warm-up included.
        cpuCores: Number(((cpu.user + cpu.system) / 1e6 / ((base.warmupMs + base.durationMs) / 1000)).toFixed(2)),
      },
    })}\n`,
  );
  process.exit(0);
}
