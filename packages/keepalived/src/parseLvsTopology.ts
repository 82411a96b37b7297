import type { RealServerKey, ServiceKey } from "@lvsdeck/protocol";
import { intValue, readBlock, splitBlocks } from "./dataDump";
import type { KeepalivedChecker } from "./parseHealthCheckers";
import { fail, ok } from "./result";
import type { DumpError, ParseResult } from "./result";
import { checkerProtocols, parseEndpoint, parseVirtualServerRef, realServerKeyOfEndpoint, serviceKeyOfRef } from "./virtualServerRef";
import type { CheckerProtocol, VirtualServerRef } from "./virtualServerRef";

/** A real server as keepalived's checker sees it (check_data.c dump_rs()). */
export interface KeepalivedRealServer {
  readonly address: string;
  readonly port: number;
  readonly key: RealServerKey;
  readonly weight: number;
  /** Only printed by versions that track an effective weight; null otherwise. */
  readonly effectiveWeight: number | null;
  /** The checker's verdict (`alive = 1`). */
  readonly alive: boolean;
  readonly failedCheckers: number | null;
  readonly forwarding: string | null;
  /** `RS set`: keepalived put this server in the kernel table (a failed server stays, at weight 0, under inhibit_on_failure). */
  readonly inKernel: boolean | null;
  readonly inhibitOnFailure: boolean | null;
  /** Its checkers from the dump's `Health checkers` section; empty when the section was not read. */
  readonly checkers: readonly KeepalivedChecker[];
}

/** A virtual server as keepalived's checker sees it (check_data.c dump_vs()). */
export interface KeepalivedVirtualServer {
  readonly virtualServer: VirtualServerRef;
  readonly serviceKey: ServiceKey | null;
  readonly scheduler: string | null;
  readonly alive: boolean | null;
  /** Whether the quorum of alive real servers is met. */
  readonly quorumUp: boolean | null;
  /** `quorum = N`: the sum of alive weights keepalived needs. */
  readonly quorum: number | null;
  /** The `sorry_server`, which keepalived puts in the kernel table while the quorum is lost. */
  readonly sorryServer: RealServerKey | null;
  readonly realServers: KeepalivedRealServer[];
}

const virtualServerStart = " ------< Virtual server >------";
const realServerStart = "   ------< Real server >------";
// Each block ends with "reloaded = N"; a block without it was cut short by a non-atomic write.
const lastField = "reloaded";

function flag(text: string | undefined): boolean | null {
  const value = intValue(text);
  return value === null ? null : value !== 0;
}

// "Inhibit on failure is ON|OFF" has no " = ", so it is not one of readBlock's fields.
function inhibitOnFailure(lines: readonly string[]): boolean | null {
  if (lines.includes("   Inhibit on failure is ON")) return true;
  return lines.includes("   Inhibit on failure is OFF") ? false : null;
}

function parseHeading(heading: string, protocolText: string | undefined): VirtualServerRef | null {
  const fwmark = /^ VS FWMARK = (\d+)$/.exec(heading);
  if (fwmark?.[1]) return { kind: "fwmark", fwmark: Number(fwmark[1]) };
  const group = /^ VS GROUP = (.+)$/.exec(heading);
  if (group?.[1]) return parseVirtualServerRef(group[1]);
  const vip = /^ VS VIP = (\S+), VPORT = (\d+)$/.exec(heading);
  if (!vip?.[1] || !vip[2]) return null;
  const lower = (protocolText ?? "").toLowerCase();
  const protocol: CheckerProtocol = (checkerProtocols as readonly string[]).includes(lower) ? (lower as CheckerProtocol) : "?";
  return { kind: "address", address: vip[1], protocol, port: Number(vip[2]) };
}

const ripLine = /^ {3}RIP = (\S+), RPORT = (\d+), WEIGHT = (-?\d+)(?:,? EFF WEIGHT = (-?\d+))?/;

function parseRealServer(lines: readonly string[]): ParseResult<KeepalivedRealServer, DumpError> {
  const match = ripLine.exec(lines[0] ?? "");
  const { fields } = readBlock(lines.slice(1));
  if (!match?.[1] || !match[2] || !match[3]) return fail({ kind: "incomplete", message: "real server block without its RIP line" });
  if (!fields.has(lastField)) return fail({ kind: "incomplete", message: `real server ${match[1]} is cut short` });
  const endpoint = { address: match[1], port: Number(match[2]) };
  return ok({
    ...endpoint,
    key: realServerKeyOfEndpoint(endpoint),
    weight: Number(match[3]),
    effectiveWeight: match[4] === undefined ? null : Number(match[4]),
    alive: flag(fields.get("alive")) ?? false,
    failedCheckers: intValue(fields.get("num failed checkers")),
    forwarding: fields.get("forwarding method") ?? null,
    inKernel: flag(fields.get("RS set")),
    inhibitOnFailure: inhibitOnFailure(lines),
    checkers: [],
  });
}

function sorryServerKey(text: string | undefined): RealServerKey | null {
  const endpoint = text === undefined ? null : parseEndpoint(text);
  return endpoint === null ? null : realServerKeyOfEndpoint(endpoint);
}

function parseVirtualServer(lines: readonly string[]): ParseResult<KeepalivedVirtualServer, DumpError> {
  const [, heading = "", ...rest] = lines;
  const firstRealServer = rest.indexOf(realServerStart);
  const own = firstRealServer < 0 ? rest : rest.slice(0, firstRealServer);
  const realServerBlocks = firstRealServer < 0 ? [] : splitBlocks(rest.slice(firstRealServer), (line) => line === realServerStart);
  const { fields } = readBlock(own);
  if (!fields.has(lastField)) return fail({ kind: "incomplete", message: "virtual server block is cut short" });
  const virtualServer = parseHeading(heading, fields.get("protocol"));
  if (!virtualServer) return fail({ kind: "invalid", message: `unreadable virtual server heading: ${heading.trim()}` });
  const realServers: KeepalivedRealServer[] = [];
  for (const block of realServerBlocks) {
    const parsed = parseRealServer(block.slice(1));
    if (!parsed.ok) return parsed;
    realServers.push(parsed.value);
  }
  return ok({
    virtualServer,
    serviceKey: serviceKeyOfRef(virtualServer),
    scheduler: fields.get("lvs_sched") ?? null,
    alive: flag(fields.get("alive")),
    quorumUp: flag(fields.get("quorum_state_up")),
    quorum: intValue(/^(\d+)/.exec(fields.get("quorum") ?? "")?.[1]),
    sorryServer: sorryServerKey(fields.get("sorry server")),
    realServers,
  });
}

/** Parses the `LVS Topology` section of `keepalived_check.data` into virtual and real servers. */
export function parseLvsTopology(lines: readonly string[]): ParseResult<KeepalivedVirtualServer[], DumpError> {
  const servers: KeepalivedVirtualServer[] = [];
  for (const block of splitBlocks(lines, (line) => line === virtualServerStart)) {
    const parsed = parseVirtualServer(block);
    if (!parsed.ok) return parsed;
    servers.push(parsed.value);
  }
  return ok(servers);
}
