/** How long the page shows why it is about to reload, so a person at the screen can read it. */
export const PROTOCOL_RELOAD_DELAY_MS = 5_000;
/**
 * A second reload for the same hub protocol within this window means reloading did not bring a page that
 * speaks it (a proxy serving an old bundle, say): the page stops reloading and says so instead of looping.
 */
export const PROTOCOL_RELOAD_GUARD_MS = 10 * 60_000;
/** Where the last reload for a protocol change is remembered: per tab, and it survives the reload. */
export const PROTOCOL_RELOAD_STORAGE_KEY = "lvsdeck.protocolReload";

/** A reload this tab made because the hub spoke another protocol. */
export interface ProtocolReloadRecord {
  hubProtocolVersion: number;
  at: number;
}

/** What a page that does not speak the hub's protocol does: reload itself, or stop trying and say why. */
export type ProtocolReloadPlan = { kind: "reload"; at: number } | { kind: "gave-up"; reloadedAt: number };

/** Reads the stored record; anything unreadable counts as no earlier reload. */
export function parseProtocolReloadRecord(text: string | null): ProtocolReloadRecord | null {
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== "object" || value === null) return null;
    const { hubProtocolVersion, at } = value as Record<string, unknown>;
    return typeof hubProtocolVersion === "number" && typeof at === "number" ? { hubProtocolVersion, at } : null;
  } catch {
    return null;
  }
}

/**
 * Decides, when the hub says it speaks `hubProtocolVersion` and this page does not, whether to reload now
 * (the hub serves the web app, so a reload brings the matching one) or to stop because this tab already
 * reloaded for that same version moments ago.
 */
export function planProtocolReload(previous: ProtocolReloadRecord | null, hubProtocolVersion: number, now: number): ProtocolReloadPlan {
  if (previous !== null && previous.hubProtocolVersion === hubProtocolVersion && now - previous.at < PROTOCOL_RELOAD_GUARD_MS) {
    return { kind: "gave-up", reloadedAt: previous.at };
  }
  return { kind: "reload", at: now + PROTOCOL_RELOAD_DELAY_MS };
}
