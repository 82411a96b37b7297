import type { ServiceKey } from "@lvsdeck/protocol";

/** "192.168.50.100/32 dev eth0", "[2001:DB8::1]" → "192.168.50.100", "2001:db8::1": a VIP as compared everywhere. */
export function normalizeVip(vip: string): string {
  const address = (vip.trim().split(/\s+/)[0] ?? "").split("/")[0] ?? "";
  return address.replace(/^\[|\]$/g, "").toLowerCase();
}

/** A service key taken apart: an address service or a firewall-mark service. */
export type ParsedServiceKey =
  | { kind: "address"; protocol: string; address: string; port: number }
  | { kind: "fwmark"; mark: number; family: "inet" | "inet6" };

const addressKey = /^(TCP|UDP|SCTP) \[?([^\]]+?)\]?:(\d{1,5})$/;
const fwmarkKey = /^FWM (\d{1,10})( IPv6)?$/;

/** Parses `TCP 192.168.50.100:443`, `UDP [2001:db8::1]:53`, `FWM 100 IPv6`; null for anything else. */
export function parseServiceKey(key: ServiceKey | string): ParsedServiceKey | null {
  const address = addressKey.exec(key);
  if (address?.[1] !== undefined && address[2] !== undefined && address[3] !== undefined) {
    return { kind: "address", protocol: address[1], address: normalizeVip(address[2]), port: Number(address[3]) };
  }
  const fwmark = fwmarkKey.exec(key);
  if (fwmark?.[1] !== undefined) return { kind: "fwmark", mark: Number(fwmark[1]), family: fwmark[2] === undefined ? "inet" : "inet6" };
  return null;
}

/** The normalised VIP a service listens on; null for a firewall-mark service (it has no address). */
export function vipOfServiceKey(key: ServiceKey | string): string | null {
  const parsed = parseServiceKey(key);
  return parsed?.kind === "address" ? parsed.address : null;
}

/** True when a VIP (in any spelling) is one of `scope` (normalised VIPs, or null for everything). */
export function vipInScope(vip: string, scope: readonly string[] | null): boolean {
  return scope === null || scope.includes(normalizeVip(vip));
}
