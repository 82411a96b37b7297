import type { ParseOutcome } from "@lvsdeck/protocol";

/** Most VIPs one user or token may be limited to (the hub's limit). */
export const MAX_VIPS = 256;

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:]*:[0-9a-fA-F:.]*$/;

/** Reads a VIP list as an admin types it ("192.168.50.100, 192.168.50.101"); empty means every VIP (null). */
export function parseVipList(text: string): ParseOutcome<string[] | null> {
  const parts = text.split(/[\s,]+/).filter((p) => p !== "");
  if (parts.length === 0) return { ok: true, value: null };
  const bad = parts.find((p) => !IPV4.test(p) && !(IPV6.test(p) && p.length <= 45));
  if (bad !== undefined) return { ok: false, error: `"${bad}" is not an IP address` };
  if (parts.length > MAX_VIPS) return { ok: false, error: `at most ${MAX_VIPS} VIPs` };
  return { ok: true, value: [...new Set(parts)] };
}

/** A VIP list for a table cell or an input: "all VIPs" for null. */
export function formatVipList(vips: readonly string[] | null, all = "all VIPs"): string {
  return vips === null ? all : vips.join(", ");
}
