import type { LiveStatus } from "./liveStatus";

/** The live feed while it is lost: since when, and when the page tries again (null while it is trying). */
export interface FeedLoss {
  since: number;
  nextTryInS: number | null;
}

/** Whether the page has lost its live feed (including between reconnect attempts), and what to say about it. */
export function feedLoss(status: LiveStatus, now: number): FeedLoss | null {
  if (status.offlineSince === null || status.connection === "open" || status.connection === "incompatible") return null;
  const nextTryInS = status.connection === "closed" && status.retryAt !== null ? Math.max(0, Math.ceil((status.retryAt - now) / 1000)) : null;
  return { since: status.offlineSince, nextTryInS };
}

/** "next try in 4 s" between attempts, "trying now" during one. */
export function retryText(loss: FeedLoss): string {
  return loss.nextTryInS === null ? "trying now" : `next try in ${loss.nextTryInS} s`;
}
