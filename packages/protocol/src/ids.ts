import { z } from "zod";

/** A director's name as the operator knows it, e.g. `lvs-dir-01`. */
export const directorIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, "director name: letters, digits, '.', '_' or '-', at most 63")
  .brand<"DirectorId">();
export type DirectorId = z.infer<typeof directorIdSchema>;

// Addresses are validated strictly so nothing but an address can ever reach an ipvsadm command line.
const ipv4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const ipv6 = /^[0-9a-fA-F:.]{2,45}$/;

/** True for a plain IPv4 or IPv6 address (no port, no brackets). */
export function isIpAddress(text: string): boolean {
  return ipv4.test(text) || (ipv6.test(text) && text.includes(":"));
}

export const ipAddressSchema = z.string().refine(isIpAddress, "must be an IPv4 or IPv6 address");

/**
 * A virtual service as ipvsadm names it: `TCP 192.168.50.100:443`, `UDP [2001:db8::1]:53`,
 * `FWM 100` or `FWM 200 IPv6`.
 */
export const SERVICE_KEY_PATTERN = /^((TCP|UDP|SCTP) ([0-9.]+|\[[0-9a-fA-F:.]+\]):\d{1,5}|FWM \d{1,10}( IPv6)?)$/;
export const MAX_SERVICE_KEY = 64;
export const serviceKeySchema = z
  .string()
  .max(MAX_SERVICE_KEY)
  .regex(SERVICE_KEY_PATTERN, "service: 'TCP|UDP|SCTP address:port' or 'FWM mark [IPv6]'")
  .brand<"ServiceKey">();
export type ServiceKey = z.infer<typeof serviceKeySchema>;

/** A real server as ipvsadm prints it: `192.168.50.11:443` or `[2001:db8::11]:443`. */
export const REAL_SERVER_KEY_PATTERN = /^([0-9.]+|\[[0-9a-fA-F:.]+\]):\d{1,5}$/;
export const MAX_REAL_SERVER_KEY = 56;
export const realServerKeySchema = z
  .string()
  .max(MAX_REAL_SERVER_KEY)
  .regex(REAL_SERVER_KEY_PATTERN, "real server: 'address:port'")
  .brand<"RealServerKey">();
export type RealServerKey = z.infer<typeof realServerKeySchema>;

/** Formats an address and port the way ipvsadm does (IPv6 in brackets). */
export function formatAddressPort(address: string, port: number): string {
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Builds the service key of a protocol/address/port service. */
export function serviceKeyOf(protocol: string, address: string, port: number): ServiceKey {
  return `${protocol} ${formatAddressPort(address, port)}` as ServiceKey;
}

/** Builds the service key of a firewall-mark service. */
export function fwmarkServiceKey(mark: number, family: "inet" | "inet6"): ServiceKey {
  return (family === "inet6" ? `FWM ${mark} IPv6` : `FWM ${mark}`) as ServiceKey;
}

/** Builds the key of a real server. */
export function realServerKeyOf(address: string, port: number): RealServerKey {
  return formatAddressPort(address, port) as RealServerKey;
}
