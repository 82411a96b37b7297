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
