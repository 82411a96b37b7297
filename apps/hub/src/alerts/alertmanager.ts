import type { Alert } from "@lvsdeck/protocol";
import type { Logger } from "@lvsdeck/log";

/** How often every firing alert is sent again (ms): Alertmanager resolves an alert whose endsAt passes. */
export const ALERTMANAGER_RESEND_MS = 30_000;
/** A firing alert's endsAt lies this far ahead (ms): four resends, as Prometheus does, so a dead hub's alerts resolve. */
const ENDS_AFTER_MS = 4 * ALERTMANAGER_RESEND_MS;
/** Batches waiting per Alertmanager at most; beyond this the oldest are dropped and counted. */
const MAX_QUEUED = 1_000;
/** Attempts per batch before it is given up (the next resend carries every firing alert again). */
const MAX_ATTEMPTS = 4;
/** First retry delay (ms); doubles per attempt. */
const RETRY_BASE_MS = 1_000;
/** One POST may take this long (ms). */
const REQUEST_TIMEOUT_MS = 5_000;

/** An alert as Alertmanager's v2 API takes it (`POST /api/v2/alerts`). */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
}

/** `split-brain` → `LvsdeckSplitBrain`: the alertname routes and silences match on. */
export function alertName(rule: string): string {
  return `Lvsdeck${rule.split("-").map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("")}`;
}

/**
 * One lvsdeck alert as Alertmanager sees it. The labels are its identity (rule and scope), so the same
 * alert from several hubs is one alert there; `endsAt` is in the future while it fires, now when cleared.
 */
export function toPostable(alert: Alert, endsAt: number, generatorURL?: string): PostableAlert {
  const { scope } = alert;
  const labels: Record<string, string> = { alertname: alertName(alert.rule), rule: alert.rule, severity: alert.severity, source: "lvsdeck" };
  if (scope.director !== undefined) labels.director = scope.director;
  if (scope.vip !== undefined) labels.vip = scope.vip;
  if (scope.vrid !== undefined) labels.vrid = String(scope.vrid);
  if (scope.service !== undefined) labels.service = scope.service;
  if (scope.realServer !== undefined) labels.real_server = scope.realServer;
  return {
    labels,
    annotations: { summary: alert.message, lvsdeck_id: alert.id },
    startsAt: new Date(alert.since).toISOString(),
    endsAt: new Date(endsAt).toISOString(),
    ...(generatorURL !== undefined && { generatorURL }),
  };
}

/** Options for {@link createAlertmanagerSender}. */
export interface AlertmanagerOptions {
  log: Logger;
  /** The alerts firing now, resent every {@link ALERTMANAGER_RESEND_MS}. */
  active: () => readonly Alert[];
  now?: () => number;
  /** Where an alert links back to (the hub's page); optional. */
  generatorURL?: string;
  retryBaseMs?: number;
  resendMs?: number;
}

/**
 * Sends lvsdeck's alerts to one or more Alertmanagers through their v2 API: at once when raised or
 * cleared, and every firing one again every 30 s (Alertmanager expects that, and it brings a restarted
 * Alertmanager up to date). Each Alertmanager has its own ordered queue, bounded, with retries; a dead
 * one never blocks the hub or the others.
 */
export function createAlertmanagerSender(urls: readonly string[], options: AlertmanagerOptions) {
  const now = options.now ?? Date.now;
  const retryBase = options.retryBaseMs ?? RETRY_BASE_MS;
  let stopped = false;
  const targets = urls.map((url) => ({ url: new URL("api/v2/alerts", url.endsWith("/") ? url : `${url}/`).href, queue: [] as PostableAlert[][], sending: false, delivered: 0, dropped: 0, failed: 0 }));
  type Target = (typeof targets)[number];

  const post = async (target: Target, batch: PostableAlert[]): Promise<void> => {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS && !stopped; attempt++) {
      try {
        const response = await fetch(target.url, {
          method: "POST",
          headers: { "content-type": "application/json", "user-agent": "lvsdeck-hub" },
          body: JSON.stringify(batch),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        if (response.ok) {
          target.delivered += batch.length;
          return;
        }
        options.log.warn("Alertmanager refused alerts", { url: target.url, status: response.status, body: (await response.text()).slice(0, 200), attempt });
      } catch (err) {
        options.log.warn("Alertmanager unreachable", { url: target.url, error: (err as Error).message, attempt });
      }
      await new Promise((resolve) => setTimeout(resolve, retryBase * 2 ** (attempt - 1)).unref());
    }
    target.failed += batch.length;
    if (!stopped) options.log.error("gave up sending alerts to an Alertmanager; the next resend carries the firing ones again", { url: target.url, alerts: batch.length });
  };
  const pump = async (target: Target) => {
    if (target.sending) return;
    target.sending = true;
    while (target.queue.length > 0 && !stopped) await post(target, target.queue.shift()!);
    target.sending = false;
  };
  const send = (batch: PostableAlert[]) => {
    if (batch.length === 0 || stopped) return;
    for (const target of targets) {
      target.queue.push(batch);
      if (target.queue.length > MAX_QUEUED) {
        target.queue.shift();
        target.dropped++;
      }
      void pump(target);
    }
  };
  const resendAll = () => send(options.active().map((a) => toPostable(a, now() + ENDS_AFTER_MS, options.generatorURL)));
  const timer = setInterval(resendAll, options.resendMs ?? ALERTMANAGER_RESEND_MS);
  timer.unref();

  return {
    /** Hands a raise or clear on at once (the alert monitor's onAlertChange). */
    notify(type: "alert-raised" | "alert-cleared", alert: Alert, at: number): void {
      send([toPostable(alert, type === "alert-raised" ? at + ENDS_AFTER_MS : at, options.generatorURL)]);
    },
    resendAll,
    stats: () => targets.map((t) => ({ url: t.url, queued: t.queue.length, delivered: t.delivered, dropped: t.dropped, failed: t.failed })),
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}

export type AlertmanagerSender = ReturnType<typeof createAlertmanagerSender>;
