import { useSyncExternalStore } from "react";

/**
 * The one home for how this page writes a moment. Every time on screen is 24-hour, in the zone the
 * user picked in the header: the browser's own zone (the default) or UTC. The pick is kept per
 * browser, so a colleague in another zone sees the zone named next to every clock.
 */
export type ZoneMode = "local" | "utc";

const STORAGE_KEY = "lvsdeck.timeZone";
const listeners = new Set<() => void>();
let mode: ZoneMode = readStored();

function readStored(): ZoneMode {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) === "utc" ? "utc" : "local";
  } catch {
    return "local";
  }
}

export function zoneMode(): ZoneMode {
  return mode;
}

export function setZoneMode(next: ZoneMode): void {
  if (next === mode) return;
  mode = next;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, next);
  } catch {
    // A browser that refuses storage still switches for this page.
  }
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The zone in use; components that print times call this so a switch redraws them at once. */
export function useZoneMode(): ZoneMode {
  return useSyncExternalStore(subscribe, zoneMode, zoneMode);
}

/** "+01:00" style offset of the browser's zone at `at`. */
export function localOffset(at: number): string {
  const minutes = -new Date(at).getTimezoneOffset();
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The zone's name for labels: "UTC", or "UTC+01:00 (Europe/Berlin)" for the browser's zone. */
export function zoneLabel(at: number = Date.now(), m: ZoneMode = mode): string {
  if (m === "utc") return "UTC";
  let name = "";
  try {
    name = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    name = "";
  }
  const offset = `UTC${localOffset(at)}`;
  return name === "" || name === "UTC" ? offset : `${offset} (${name})`;
}

/** Short zone tag printed beside clocks: "UTC" or "UTC+01:00". */
export function zoneTag(at: number = Date.now(), m: ZoneMode = mode): string {
  return m === "utc" ? "UTC" : `UTC${localOffset(at)}`;
}

export interface ClockParts {
  year: number;
  month: number;
  day: number;
  hours: number;
  minutes: number;
  seconds: number;
  millis: number;
}

/** A moment's calendar fields in the chosen zone. */
export function clockParts(ms: number, m: ZoneMode = mode): ClockParts {
  const d = new Date(ms);
  return m === "utc"
    ? { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hours: d.getUTCHours(), minutes: d.getUTCMinutes(), seconds: d.getUTCSeconds(), millis: d.getUTCMilliseconds() }
    : { year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate(), hours: d.getHours(), minutes: d.getMinutes(), seconds: d.getSeconds(), millis: d.getMilliseconds() };
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

function datePart(p: ClockParts): string {
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** "14:03" */
export function formatHm(ms: number, m: ZoneMode = mode): string {
  const p = clockParts(ms, m);
  return `${pad(p.hours)}:${pad(p.minutes)}`;
}

/** "14:03:07" */
export function formatHms(ms: number, m: ZoneMode = mode): string {
  const p = clockParts(ms, m);
  return `${pad(p.hours)}:${pad(p.minutes)}:${pad(p.seconds)}`;
}

/** "2025-05-04 13:07:42": tables that compare moments across days. */
export function formatDateTime(ms: number, m: ZoneMode = mode): string {
  const p = clockParts(ms, m);
  return `${datePart(p)} ${formatHms(ms, m)}`;
}

/** "14:03:07.123", prefixed with the date when not the same day as `today` (both in the chosen zone). */
export function formatClock(ms: number, today: number | Date = Date.now(), m: ZoneMode = mode): string {
  const p = clockParts(ms, m);
  const t = clockParts(typeof today === "number" ? today : today.getTime(), m);
  const time = `${pad(p.hours)}:${pad(p.minutes)}:${pad(p.seconds)}.${String(p.millis).padStart(3, "0")}`;
  const sameDay = p.year === t.year && p.month === t.month && p.day === t.day;
  return sameDay ? time : `${datePart(p)} ${time}`;
}

/** An axis label sized to the range shown: seconds for short ranges, the date for long ones. */
export function formatAxisTime(ms: number, rangeMs: number, m: ZoneMode = mode): string {
  if (rangeMs > 24 * 3_600_000) {
    const p = clockParts(ms, m);
    return `${pad(p.month)}-${pad(p.day)} ${formatHm(ms, m)}`;
  }
  return rangeMs <= 5 * 60_000 ? formatHms(ms, m) : formatHm(ms, m);
}

/**
 * A moment as typed in a text field, in the chosen zone: "2025-05-04 13:07:42" (24-hour, whatever the
 * browser's locale; a native date-time picker would print 12-hour US dates in en-US), and back.
 * Returns null for text that is not a moment.
 */
export function toInputValue(ms: number, m: ZoneMode = mode): string {
  return formatDateTime(ms, m);
}

export function fromInputValue(text: string, m: ZoneMode = mode): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (match === null) return null;
  const [year, month, day, hours, minutes, seconds] = match.slice(1).map((s) => (s === undefined ? 0 : Number(s))) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hours > 23 || minutes > 59 || seconds > 59) return null;
  const ms = m === "utc" ? Date.UTC(year, month - 1, day, hours, minutes, seconds) : new Date(year, month - 1, day, hours, minutes, seconds).getTime();
  return Number.isFinite(ms) ? ms : null;
}
