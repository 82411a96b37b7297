import type { Family } from "@lvsdeck/protocol";

/** An address and port as ipvsadm prints them, with the address normalized. */
export interface AddressPort {
  address: string;
  port: number;
  family: Family;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** True for a dotted-quad IPv4 address without leading zeros. */
export function isIpv4(text: string): boolean {
  return IPV4.test(text);
}

/** Parses an IPv6 address (compressed, full, or with an embedded IPv4 tail) into its 8 groups, or null. */
export function parseIpv6Groups(text: string): number[] | null {
  if (text.length < 2 || text.length > 45 || !/^[0-9A-Fa-f:.]+$/.test(text)) return null;
  let head = text;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".")) {
    const v4 = text.slice(lastColon + 1);
    if (!isIpv4(v4)) return null;
    const octets = v4.split(".").map(Number) as [number, number, number, number];
    tail.push(octets[0] * 256 + octets[1], octets[2] * 256 + octets[3]);
    // Keep the colon so "::1.2.3.4" still reads as "::" followed by the IPv4 groups.
    head = text.slice(0, lastColon + 1);
    if (head.endsWith(":") && !head.endsWith("::")) head = head.slice(0, -1);
  }
  const halves = head.split("::");
  if (halves.length > 2) return null;
  const readGroups = (part: string | undefined): number[] | null => {
    if (part === undefined || part === "") return [];
    const groups = part.split(":");
    if (groups.some((g) => !/^[0-9A-Fa-f]{1,4}$/.test(g))) return null;
    return groups.map((g) => parseInt(g, 16));
  };
  const left = readGroups(halves[0]);
  const right = readGroups(halves[1]);
  if (left === null || right === null) return null;
  const explicit = left.length + right.length + tail.length;
  if (halves.length === 1) return explicit === 8 ? [...left, ...tail] : null;
  if (explicit > 7) return null;
  return [...left, ...new Array<number>(8 - explicit).fill(0), ...right, ...tail];
}

/** Formats 8 IPv6 groups the way glibc's inet_ntop does, which is how ipvsadm prints them. */
export function formatIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  // inet_ntop leaves a single zero group uncompressed.
  if (bestLength < 2) bestStart = -1;
  const hex = (i: number): string => (groups[i] ?? 0).toString(16);
  const embedV4 = bestStart === 0 && (bestLength === 6 || (bestLength === 5 && groups[5] === 0xffff));
  const lastGroup = embedV4 ? 6 : 8;
  let out = "";
  for (let i = 0; i < lastGroup; i += 1) {
    if (i === bestStart) {
      out += "::";
      i += bestLength - 1;
      continue;
    }
    if (out !== "" && !out.endsWith(":")) out += ":";
    out += hex(i);
  }
  if (embedV4) {
    const g6 = groups[6] ?? 0;
    const g7 = groups[7] ?? 0;
    if (!out.endsWith(":")) out += ":";
    out += `${g6 >> 8}.${g6 & 255}.${g7 >> 8}.${g7 & 255}`;
  }
  return out;
}

/** Normalizes any IPv4 or IPv6 spelling to ipvsadm's, or returns null if it is not an address. */
export function normalizeAddress(text: string): { address: string; family: Family } | null {
  if (isIpv4(text)) return { address: text, family: "inet" };
  const groups = parseIpv6Groups(text);
  return groups === null ? null : { address: formatIpv6(groups), family: "inet6" };
}

/** Parses `a.b.c.d:port` or `[v6]:port` (decimal port) as ipvsadm prints them. */
export function parseAddressPort(text: string): AddressPort | null {
  let host: string;
  let portText: string;
  if (text.startsWith("[")) {
    const close = text.indexOf("]:");
    if (close < 0) return null;
    host = text.slice(1, close);
    portText = text.slice(close + 2);
    if (!host.includes(":")) return null;
  } else {
    const colon = text.lastIndexOf(":");
    if (colon < 0) return null;
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
    if (!isIpv4(host)) return null;
  }
  if (!/^\d{1,5}$/.test(portText)) return null;
  const port = Number(portText);
  const normalized = normalizeAddress(host);
  return normalized === null || port > 65535 ? null : { ...normalized, port };
}

/** Decodes an address as /proc prints it: 8 hex digits (host-order u32) or the full 8-group IPv6 form. */
export function parseProcAddress(text: string): { address: string; family: Family } | null {
  if (text.includes(":")) {
    // The kernel's %pI6 is always 8 groups of 4 digits; anything else is not /proc output.
    if (!/^[0-9a-fA-F]{4}(:[0-9a-fA-F]{4}){7}$/.test(text)) return null;
    return normalizeAddress(text);
  }
  if (!/^[0-9A-Fa-f]{8}$/.test(text)) return null;
  const value = parseInt(text, 16);
  return { address: [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join("."), family: "inet" };
}

/** Decodes a 4-digit hex port from /proc, or null. */
export function parseProcPort(text: string): number | null {
  return /^[0-9A-Fa-f]{4}$/.test(text) ? parseInt(text, 16) : null;
}

/** Reads a fwmark back out of a template's virtual address, where the kernel stores it in network order. */
export function fwmarkFromAddress(address: string, family: Family): number | null {
  if (family === "inet") {
    if (!isIpv4(address)) return null;
    const [a = 0, b = 0, c = 0, d = 0] = address.split(".").map(Number);
    return ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
  }
  const groups = parseIpv6Groups(address);
  if (groups === null) return null;
  return (groups[0] ?? 0) * 65536 + (groups[1] ?? 0);
}
