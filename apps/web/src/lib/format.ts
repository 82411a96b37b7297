/** "50%" from a fraction; "0%" for nothing. */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction) || fraction <= 0) return "0%";
  const pct = fraction * 100;
  return pct < 1 ? "<1%" : `${Math.round(pct)}%`;
}

/** A count with thousands separators. */
export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** A rate, one decimal below 10. */
export function formatRate(n: number): string {
  return n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString("en-US");
}

/** "14:03:07.123", prefixed with the date when not today. */
export function formatClock(ms: number, today: Date = new Date()): string {
  const d = new Date(ms);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, "0")}`;
  const sameDay = d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate();
  return sameDay ? time : `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
