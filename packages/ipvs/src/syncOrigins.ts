import { createLineSplitter, DEFAULT_MAX_LINE_LENGTH } from "./lineSplitter";
import { parseConnectionLine } from "./parseConnections";
import { isBlank } from "./textLines";

/** Entries of `/proc/net/ip_vs_conn_sync` by origin, counted in one pass. */
export interface SyncOriginCount {
  /** Connections the director made itself (`LOCAL`), persistence templates apart. */
  local: number;
  /** Connections a sync daemon brought (`SYNC`), persistence templates apart. */
  synced: number;
  /** Persistence templates (client port 0), of either origin. */
  templates: number;
  /** Lines that are neither the title nor an entry with an origin: counted and named, never dropped silently. */
  unreadable: number;
  firstUnreadable: string | null;
}

/**
 * Counts `/proc/net/ip_vs_conn_sync` by origin from text chunks as they are read: memory stays one partial
 * line, whatever the table's size. A row of `/proc/net/ip_vs_conn` (no origin column) is unreadable here.
 */
export function createSyncOriginCounter() {
  const count: SyncOriginCount = { local: 0, synced: 0, templates: 0, unreadable: 0, firstUnreadable: null };
  const unreadable = (text: string) => {
    count.unreadable += 1;
    count.firstUnreadable ??= text.slice(0, 200);
  };
  const splitter = createLineSplitter((text, _line, overlong) => {
    if (isBlank(text)) return;
    if (overlong) return unreadable(text);
    const parsed = parseConnectionLine(text);
    if (parsed.kind === "header") return;
    if (parsed.kind === "error" || parsed.entry.origin === null) return unreadable(text);
    if (parsed.entry.template) count.templates += 1;
    else if (parsed.entry.origin === "SYNC") count.synced += 1;
    else count.local += 1;
  }, DEFAULT_MAX_LINE_LENGTH);
  return {
    push: (chunk: string) => splitter.push(chunk),
    finish(): SyncOriginCount {
      splitter.finish();
      return { ...count };
    },
  };
}
