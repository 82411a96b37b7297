import type { SyncDaemon } from "@lvsdeck/protocol";
import { lineError } from "./parseResult";
import type { ParseError, ParseResult } from "./parseResult";
import { parseUint } from "./numbers";
import { isBlank, splitLines } from "./textLines";

/** `master sync daemon (mcast=eth0, syncid=1, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)`. */
const DAEMON_LINE = /^\s*(master|backup) sync daemon \((.*)\)\s*$/;
/** What each `key=value` may hold; interface names are at most 15 bytes in Linux, addresses v4 or v6. */
const VALUE = /^[A-Za-z0-9_.:@%-]{1,64}$/;

/**
 * Parses `ipvsadm -L --daemon`: one line per running sync daemon (none when no daemon runs), a master
 * and a backup at most. A line that is not a daemon, or a daemon without `mcast` and `syncid`, is an
 * error and left out; unknown `key=value` pairs from a newer ipvsadm are ignored.
 */
export function parseIpvsadmDaemon(text: string): ParseResult<SyncDaemon[]> {
  const errors: ParseError[] = [];
  const daemons: SyncDaemon[] = [];
  for (const { line, text: raw } of splitLines(text)) {
    if (isBlank(raw)) continue;
    const match = DAEMON_LINE.exec(raw);
    if (match === null) {
      errors.push(lineError(line, raw, "expected 'master|backup sync daemon (mcast=IF, syncid=N, …)'"));
      continue;
    }
    const fields = new Map<string, string>();
    for (const pair of match[2]!.split(",")) {
      const at = pair.indexOf("=");
      const key = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (at > 0 && VALUE.test(value)) fields.set(key, value);
    }
    const role = match[1] as SyncDaemon["role"];
    const iface = fields.get("mcast");
    const syncId = parseUint(fields.get("syncid"));
    const optional = (key: string, max: number): number | null | undefined => {
      const value = fields.get(key);
      if (value === undefined) return null;
      const n = parseUint(value);
      return n !== null && n <= max ? n : undefined;
    };
    const [maxlen, port, ttl] = [optional("maxlen", 0xffffffff), optional("port", 65535), optional("ttl", 255)];
    if (iface === undefined || syncId === null || syncId > 255 || maxlen === undefined || port === undefined || ttl === undefined) {
      errors.push(lineError(line, raw, "a sync daemon needs mcast=IF and syncid=0-255, and numbers in maxlen, port and ttl"));
      continue;
    }
    if (daemons.some((d) => d.role === role)) {
      errors.push(lineError(line, raw, `a second ${role} sync daemon`));
      continue;
    }
    daemons.push({ role, interface: iface, syncId, maxlen, group: fields.get("group") ?? null, port, ttl });
  }
  return { value: daemons, errors };
}
