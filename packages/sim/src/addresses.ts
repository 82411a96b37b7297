import { SimError } from "./simError";

/** Parses a dotted-quad IPv4 address into an unsigned 32-bit number. */
export function ipv4ToInt(address: string): number {
  const parts = address.split(".");
  if (parts.length !== 4) throw new SimError(`not an IPv4 address: ${address}`);
  let value = 0;
  for (const part of parts) {
    const octet = Number(part);
    if (!/^\d{1,3}$/.test(part) || octet > 255) throw new SimError(`not an IPv4 address: ${address}`);
    value = value * 256 + octet;
  }
  return value >>> 0;
}

/** Formats an unsigned 32-bit number as a dotted quad. */
export function intToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join(".");
}

/** Parses an IPv6 address (with `::` compression) into eight 16-bit groups. */
export function ipv6ToGroups(address: string): number[] {
  const halves = address.split("::");
  if (halves.length > 2) throw new SimError(`not an IPv6 address: ${address}`);
  const parse = (text: string | undefined): number[] => (text ? text.split(":").map((g) => parseInt(g, 16)) : []);
  const head = parse(halves[0]);
  const tail = parse(halves[1]);
  const missing = 8 - head.length - tail.length;
  const groups = halves.length === 2 ? [...head, ...new Array<number>(missing).fill(0), ...tail] : head;
  if (groups.length !== 8 || groups.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff)) {
    throw new SimError(`not an IPv6 address: ${address}`);
  }
  return groups;
}

/** Formats eight 16-bit groups the way `inet_ntop` does (longest zero run compressed). */
export function groupsToIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < groups.length; ) {
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

/**
 * Folds an address to 32 bits as the kernel's sh/dh hashes do: IPv4 as is, IPv6 as the XOR of its four
 * 32-bit words (host byte order).
 */
export function foldAddress(address: string): number {
  if (!address.includes(":")) return ipv4ToInt(address);
  const g = ipv6ToGroups(address);
  let fold = 0;
  for (let i = 0; i < 8; i += 2) fold ^= ((g[i] ?? 0) << 16) | (g[i + 1] ?? 0);
  return fold >>> 0;
}

/**
 * Applies a persistence netmask to a client address: a dotted quad for IPv4, a prefix length for
 * IPv6; `null` keeps the whole address (ipvsadm's default /32 or /128).
 */
export function maskAddress(address: string, netmask: string | null): string {
  if (netmask === null) return address;
  if (!address.includes(":")) return intToIpv4((ipv4ToInt(address) & ipv4ToInt(netmask)) >>> 0);
  const prefix = Number(netmask);
  const groups = ipv6ToGroups(address).map((group, i) => {
    const bits = Math.max(0, Math.min(16, prefix - i * 16));
    return group & ((0xffff << (16 - bits)) & 0xffff);
  });
  return groupsToIpv6(groups);
}
