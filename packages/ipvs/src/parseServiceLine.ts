import { fwmarkServiceKey, realServerKeyOf, serviceKeyOf } from "@lvsdeck/protocol";
import type { Family, Forwarding, IpProtocol, Persistence } from "@lvsdeck/protocol";
import { isIpv4, parseAddressPort } from "./addresses";
import type { RealServerId, ServiceEntry, ServiceId } from "./ipvsTypes";
import { parseUint } from "./numbers";

/** Either a parsed value or the reason the text could not be read. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
const fail = <T>(message: string): Outcome<T> => ({ ok: false, message });

const PROTOCOLS: readonly string[] = ["TCP", "UDP", "SCTP"] satisfies IpProtocol[];
const FORWARDINGS: readonly string[] = ["Route", "Masq", "Tunnel", "Local", "FullNat"] satisfies Forwarding[];
// 1.31 prints the mark with %d, so marks of 2^31 and above come out negative.
const UINT32 = 2 ** 32;

/** Reads the service name at the start of a service line and returns the tokens after it. */
export function parseServiceId(tokens: readonly string[]): Outcome<{ id: ServiceId; rest: string[] }> {
  const [first, second] = tokens;
  if (first === "FWM") {
    if (second === undefined || !/^-?\d{1,10}$/.test(second)) return fail(`firewall mark '${second ?? ""}' is not a number`);
    const signed = Number(second);
    if (signed < -(2 ** 31) || signed >= UINT32) return fail(`firewall mark ${second} is out of range`);
    const fwmark = signed < 0 ? signed + UINT32 : signed;
    const family: Family = tokens[2] === "IPv6" ? "inet6" : "inet";
    const id: ServiceId = { key: fwmarkServiceKey(fwmark, family), family, protocol: null, address: null, port: null, fwmark };
    return ok({ id, rest: tokens.slice(family === "inet6" ? 3 : 2) });
  }
  if (first === undefined || !PROTOCOLS.includes(first)) return fail(`unknown protocol '${first ?? ""}'`);
  const ap = second === undefined ? null : parseAddressPort(second);
  if (ap === null) return fail(`'${second ?? ""}' is not an address:port`);
  const protocol = first as IpProtocol;
  const id: ServiceId = { key: serviceKeyOf(protocol, ap.address, ap.port), family: ap.family, protocol, address: ap.address, port: ap.port, fwmark: null };
  return ok({ id, rest: tokens.slice(2) });
}

/** The netmask ipvsadm leaves out when it is a full host mask. */
function defaultNetmask(family: Family): string {
  return family === "inet6" ? "128" : "255.255.255.255";
}

/** Reads `<sched> [(flags)] [persistent N] [mask M] [pe NAME] [ops]`, the tail of an `-Ln` service line. */
export function parseServiceOptions(id: ServiceId, rest: readonly string[]): Outcome<ServiceEntry> {
  const [scheduler, ...options] = rest;
  if (scheduler === undefined || !/^[a-z][a-z0-9_-]{0,15}$/.test(scheduler)) return fail(`'${scheduler ?? ""}' is not a scheduler name`);
  let schedulerFlags: string[] = [];
  let timeoutSec: number | null = null;
  let netmask: string | null = null;
  let pe: string | null = null;
  let onePacket = false;
  for (let i = 0; i < options.length; i += 1) {
    const token = options[i] ?? "";
    const next = options[i + 1];
    if (token.startsWith("(") && token.endsWith(")") && token.length > 2) {
      schedulerFlags = token.slice(1, -1).split(",");
    } else if (token === "persistent" && parseUint(next) !== null) {
      timeoutSec = parseUint(next);
      i += 1;
    } else if (token === "mask" && next !== undefined && isNetmask(next, id.family)) {
      netmask = next;
      i += 1;
    } else if (token === "pe" && next !== undefined && /^[a-z][a-z0-9_-]{0,15}$/.test(next)) {
      pe = next;
      i += 1;
    } else if (token === "ops") {
      onePacket = true;
    } else {
      return fail(`unexpected '${token}' after the scheduler`);
    }
  }
  if (netmask !== null && timeoutSec === null) return fail("a mask without persistence");
  const persistence: Persistence | null = timeoutSec === null ? null : { timeoutSec, netmask: netmask ?? defaultNetmask(id.family) };
  return ok({ ...id, scheduler, schedulerFlags, persistence, onePacket, pe });
}

function isNetmask(text: string, family: Family): boolean {
  if (family === "inet") return isIpv4(text);
  const length = parseUint(text, 128);
  return length !== null;
}

/** Reads a real server's `address:port` column. */
export function parseRealServerId(text: string | undefined): Outcome<RealServerId> {
  const ap = text === undefined ? null : parseAddressPort(text);
  if (ap === null) return fail(`'${text ?? ""}' is not a real server address:port`);
  return ok({ key: realServerKeyOf(ap.address, ap.port), address: ap.address, port: ap.port, family: ap.family });
}

/** Reads a Forward column; an unknown method is an error for that line, not a guess. */
export function parseForwarding(text: string | undefined): Outcome<Forwarding> {
  return text !== undefined && FORWARDINGS.includes(text) ? ok(text as Forwarding) : fail(`unknown forwarding method '${text ?? ""}'`);
}

/** Reads a list of unsigned integer columns, naming the first one that is not a number. */
export function parseUintColumns(tokens: readonly string[], names: readonly string[], max = 2 ** 32 - 1): Outcome<number[]> {
  if (tokens.length !== names.length) return fail(`expected ${names.length} columns (${names.join(", ")}), found ${tokens.length}`);
  const values: number[] = [];
  for (const [i, name] of names.entries()) {
    const value = parseUint(tokens[i], max);
    if (value === null) return fail(`${name} '${tokens[i] ?? ""}' is not a number`);
    values.push(value);
  }
  return ok(values);
}
