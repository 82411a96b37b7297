import { normalizeAddress } from "@lvsdeck/ipvs";
import { runFile } from "./runFile";
import type { BinaryRef } from "./runFile";

/** Where iproute2's `ip` lives on Debian, Ubuntu and CentOS. */
export const DEFAULT_IP = "/sbin/ip";

/** The local addresses in `ip -j addr` output (normalized as ipvsadm prints them); unreadable entries are skipped. */
export function parseIpAddrJson(text: string): { addresses: string[]; error: string | null } {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    return { addresses: [], error: `ip -j addr printed no JSON: ${(err as Error).message}` };
  }
  if (!Array.isArray(document)) return { addresses: [], error: "ip -j addr: expected an array of interfaces" };
  const addresses = new Set<string>();
  for (const link of document as unknown[]) {
    const info = typeof link === "object" && link !== null ? (link as { addr_info?: unknown }).addr_info : undefined;
    if (!Array.isArray(info)) continue;
    for (const entry of info as unknown[]) {
      const local = typeof entry === "object" && entry !== null ? (entry as { local?: unknown }).local : undefined;
      const normalized = typeof local === "string" ? normalizeAddress(local) : null;
      if (normalized !== null) addresses.add(normalized.address);
    }
  }
  return { addresses: [...addresses], error: null };
}

/** Runs `ip -j addr` and returns the addresses present on this director. */
export async function readLocalAddresses(ip: BinaryRef): Promise<{ addresses: string[]; error: string | null }> {
  return parseIpAddrJson(await runFile(ip, ["-j", "addr"]));
}
