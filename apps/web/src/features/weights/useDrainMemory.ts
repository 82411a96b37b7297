import { useSyncExternalStore } from "react";
import { DRAIN_STORAGE_KEY, parseDrainMemory, type DrainMemory, type DrainRecord } from "./drain";

const listeners = new Set<() => void>();
let cachedText: string | null | undefined;
let cached: DrainMemory = {};

function read(): DrainMemory {
  let text: string | null = null;
  try {
    text = window.localStorage.getItem(DRAIN_STORAGE_KEY);
  } catch {
    // Storage disabled: nothing remembered.
  }
  if (text !== cachedText) {
    cachedText = text;
    cached = parseDrainMemory(text);
  }
  return cached;
}

function write(memory: DrainMemory): void {
  try {
    window.localStorage.setItem(DRAIN_STORAGE_KEY, JSON.stringify(memory));
  } catch {
    // Storage full or disabled: Restore falls back to the event log.
  }
  for (const l of listeners) l();
}

/** Drains this browser started, shared by every row; survives reloads. */
export function useDrainMemory(): DrainMemory {
  return useSyncExternalStore((l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  }, read);
}

/** Remembers (or with null forgets) what a drain replaced. */
export function rememberDrain(key: string, record: DrainRecord | null): void {
  const next: Record<string, DrainRecord> = { ...read() };
  if (record === null) delete next[key];
  else next[key] = record;
  write(next);
}
