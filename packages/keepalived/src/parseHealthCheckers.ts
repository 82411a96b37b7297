import { readBlock, splitBlocks } from "./dataDump";
import { parseEndpoint, parseVirtualServerRef, realServerKeyOfEndpoint, serviceKeyOfRef } from "./virtualServerRef";

/** One checker of the `Health checkers` section of `keepalived_check.data` (check_data.c dump_checker()). */
export interface KeepalivedChecker {
  /** `Keepalive method`: TCP_CHECK, HTTP_GET, SSL_GET, MISC_CHECK, SMTP_CHECK, DNS_CHECK, … as keepalived names it. */
  readonly method: string | null;
  /** `Up = yes|no`: this checker's own verdict. */
  readonly up: boolean | null;
}

// " [198.51.100.100]:tcp:80 -> [203.0.113.12]:tcp:80" (format_vs() -> format_rs())
const heading = /^ (\S.*) -> (\[[^\]]+\]:[a-z?]+:\d+)$/;

/** The key {@link parseHealthCheckers} files a checker under: service key and real server key. */
export function checkerKey(serviceKey: string, realServerKey: string): string {
  return `${serviceKey}|${realServerKey}`;
}

/** Reads the `Health checkers` section into each real server's checkers, by {@link checkerKey}. */
export function parseHealthCheckers(lines: readonly string[]): ReadonlyMap<string, readonly KeepalivedChecker[]> {
  const checkers = new Map<string, KeepalivedChecker[]>();
  for (const block of splitBlocks(lines, (line) => heading.test(line))) {
    const match = heading.exec(block[0] ?? "");
    const vs = match?.[1] === undefined ? null : parseVirtualServerRef(match[1]);
    const rs = match?.[2] === undefined ? null : parseEndpoint(match[2]);
    const serviceKey = vs === null ? null : serviceKeyOfRef(vs);
    if (serviceKey === null || rs === null) continue;
    const { fields } = readBlock(block.slice(1));
    const up = fields.get("Up");
    const key = checkerKey(serviceKey, realServerKeyOfEndpoint(rs));
    const list = checkers.get(key) ?? [];
    list.push({ method: fields.get("Keepalive method") ?? null, up: up === "yes" ? true : up === "no" ? false : null });
    checkers.set(key, list);
  }
  return checkers;
}
