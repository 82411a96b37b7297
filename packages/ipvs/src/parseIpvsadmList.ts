import { tunnelChecksums } from "./ipvsTypes";
import type {
  IpvsadmList,
  IpvsadmPersistentConn,
  IpvsadmThresholds,
  IpvsadmTunInfo,
  ListRealServer,
  ServiceEntry,
  TunnelChecksum,
  TunnelInfo,
} from "./ipvsTypes";
import { parseIpvsTable } from "./ipvsadmTable";
import type { ParseResult } from "./parseResult";
import { parseForwarding, parseRealServerId, parseServiceId, parseServiceOptions, parseUintColumns } from "./parseServiceLine";
import type { Outcome } from "./parseServiceLine";
import { parseUint } from "./numbers";

const LIST_TITLE = "Prot LocalAddress:Port Scheduler Flags";
const BARE_REAL_SERVER_TITLE = "-> RemoteAddress:Port";
// Debian's ipvsadm accepts weights up to INT_MAX, so the table can hold more than upstream's 65535.
const MAX_PRINTED_WEIGHT = 2 ** 31 - 1;

function parseFullServiceLine(tokens: string[]): Outcome<ServiceEntry> {
  const id = parseServiceId(tokens);
  return id.ok ? parseServiceOptions(id.value.id, id.value.rest) : id;
}

function parseListRealServer(tokens: string[]): Outcome<ListRealServer> {
  const id = parseRealServerId(tokens[0]);
  if (!id.ok) return id;
  const forwarding = parseForwarding(tokens[1]);
  if (!forwarding.ok) return forwarding;
  const numbers = parseUintColumns(tokens.slice(2), ["Weight", "ActiveConn", "InActConn"]);
  if (!numbers.ok) return numbers;
  const [weight = 0, activeConns = 0, inactiveConns = 0] = numbers.value;
  if (weight > MAX_PRINTED_WEIGHT) return { ok: false, message: `Weight ${weight} is out of range` };
  return { ok: true, value: { ...id.value, forwarding: forwarding.value, weight, activeConns, inactiveConns } };
}

/** Parses `ipvsadm -Ln` (also `-L -n -t VIP:PORT`, which has no version line). */
export function parseIpvsadmList(text: string): ParseResult<IpvsadmList> {
  return parseIpvsTable(text, {
    name: "ipvsadm -Ln",
    serviceTitle: LIST_TITLE,
    realServerTitle: "-> RemoteAddress:Port Forward Weight ActiveConn InActConn",
    parseService: parseFullServiceLine,
    parseRealServer: parseListRealServer,
  });
}

/** Parses `ipvsadm -Ln --thresholds`. */
export function parseIpvsadmThresholds(text: string): ParseResult<IpvsadmThresholds> {
  return parseIpvsTable(text, {
    name: "ipvsadm -Ln --thresholds",
    serviceTitle: "Prot LocalAddress:Port Uthreshold Lthreshold ActiveConn InActConn",
    realServerTitle: BARE_REAL_SERVER_TITLE,
    parseService: parseFullServiceLine,
    parseRealServer(tokens) {
      const id = parseRealServerId(tokens[0]);
      if (!id.ok) return id;
      const n = parseUintColumns(tokens.slice(1), ["Uthreshold", "Lthreshold", "ActiveConn", "InActConn"]);
      if (!n.ok) return n;
      const [upperThreshold = 0, lowerThreshold = 0, activeConns = 0, inactiveConns = 0] = n.value;
      return { ok: true, value: { ...id.value, upperThreshold, lowerThreshold, activeConns, inactiveConns } };
    },
  });
}

/** Parses `ipvsadm -Ln --persistent-conn`. */
export function parseIpvsadmPersistentConn(text: string): ParseResult<IpvsadmPersistentConn> {
  return parseIpvsTable(text, {
    name: "ipvsadm -Ln --persistent-conn",
    serviceTitle: "Prot LocalAddress:Port Weight PersistConn ActiveConn InActConn",
    realServerTitle: BARE_REAL_SERVER_TITLE,
    parseService: parseFullServiceLine,
    parseRealServer(tokens) {
      const id = parseRealServerId(tokens[0]);
      if (!id.ok) return id;
      const n = parseUintColumns(tokens.slice(1), ["Weight", "PersistConn", "ActiveConn", "InActConn"]);
      if (!n.ok) return n;
      const [weight = 0, persistConns = 0, activeConns = 0, inactiveConns = 0] = n.value;
      return { ok: true, value: { ...id.value, weight, persistConns, activeConns, inactiveConns } };
    },
  });
}

const CHECKSUM_BY_TEXT: Record<string, TunnelChecksum> = { "-c": "nocsum", "+c": "csum", "r+c": "remcsum" };

/** Parses a TunnelInfo column: `ipip`, `gue:<port>:<-c|+c|r+c>`, `gre:<-c|+c|r+c>` or `n/a`. */
export function parseTunnelInfo(text: string): Outcome<TunnelInfo | null> {
  if (text === "n/a") return { ok: true, value: null };
  if (text === "ipip") return { ok: true, value: { type: "ipip", port: null, checksum: null } };
  const parts = text.split(":");
  const checksum = CHECKSUM_BY_TEXT[parts[parts.length - 1] ?? ""];
  if (parts[0] === "gre" && parts.length === 2 && checksum !== undefined) {
    return { ok: true, value: { type: "gre", port: null, checksum } };
  }
  const port = parseUint(parts[1], 65535);
  if (parts[0] === "gue" && parts.length === 3 && port !== null && checksum !== undefined) {
    return { ok: true, value: { type: "gue", port, checksum } };
  }
  return { ok: false, message: `'${text}' is not tunnel info (${["ipip", "gue:PORT:-c", "gre:-c", "n/a"].join(", ")}; checksums ${tunnelChecksums.join("/")})` };
}

/** Parses `ipvsadm -Ln --tun-info`. */
export function parseIpvsadmTunInfo(text: string): ParseResult<IpvsadmTunInfo> {
  return parseIpvsTable(text, {
    name: "ipvsadm -Ln --tun-info",
    serviceTitle: LIST_TITLE,
    realServerTitle: "-> RemoteAddress:Port Forward TunnelInfo Weight ActiveConn InActConn",
    parseService: parseFullServiceLine,
    parseRealServer(tokens) {
      const tunnel = parseTunnelInfo(tokens[2] ?? "");
      if (!tunnel.ok) return tunnel;
      const rest = parseListRealServer([...tokens.slice(0, 2), ...tokens.slice(3)]);
      return rest.ok ? { ok: true, value: { ...rest.value, tunnel: tunnel.value } } : rest;
    },
  });
}
