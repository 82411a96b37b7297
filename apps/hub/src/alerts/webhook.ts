import type { Alert } from "@lvsdeck/protocol";
import type { Logger } from "@lvsdeck/log";

/** Deliveries waiting at most; beyond this the oldest are dropped and counted, so a dead receiver costs bounded memory. */
const MAX_QUEUED = 1_000;
/** Attempts per delivery before it is given up (and logged). */
const MAX_ATTEMPTS = 4;
/** First retry delay (ms); doubles per attempt. */
const RETRY_BASE_MS = 1_000;
/** One POST may take this long (ms). */
const REQUEST_TIMEOUT_MS = 5_000;

/** What the receiver gets: one alert raised or cleared. */
export interface WebhookPayload {
  type: "alert-raised" | "alert-cleared";
  alert: Alert;
  at: number;
  hub: string;
}

/** Delivers alert changes as JSON POSTs, in order, with retries, never blocking the caller. */
export function createAlertWebhook(url: string, options: { log: Logger; hubName: string; retryBaseMs?: number }) {
  const queue: WebhookPayload[] = [];
  let sending = false;
  let dropped = 0;
  let delivered = 0;
  let stopped = false;
  const retryBase = options.retryBaseMs ?? RETRY_BASE_MS;

  const post = async (payload: WebhookPayload): Promise<void> => {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS && !stopped; attempt++) {
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", "user-agent": "lvsdeck-hub" },
          body: JSON.stringify(payload),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        if (response.ok) {
          delivered++;
          return;
        }
        options.log.warn("alert webhook refused a delivery", { status: response.status, attempt });
      } catch (err) {
        options.log.warn("alert webhook unreachable", { error: (err as Error).message, attempt });
      }
      await new Promise((resolve) => setTimeout(resolve, retryBase * 2 ** (attempt - 1)).unref());
    }
    options.log.error("alert webhook gave up on a delivery", { alert: payload.alert.id, type: payload.type });
  };

  const pump = async () => {
    if (sending) return;
    sending = true;
    while (queue.length > 0 && !stopped) await post(queue.shift()!);
    sending = false;
  };

  return {
    notify(type: WebhookPayload["type"], alert: Alert, at: number): void {
      queue.push({ type, alert, at, hub: options.hubName });
      if (queue.length > MAX_QUEUED) {
        queue.shift();
        dropped++;
      }
      void pump();
    },
    stats: () => ({ queued: queue.length, delivered, dropped }),
    stop: () => void (stopped = true),
  };
}

/** The webhook's interface. */
export type AlertWebhook = ReturnType<typeof createAlertWebhook>;
