import type { IpvsTimeouts } from "@lvsdeck/protocol";
import { lineError } from "./parseResult";
import type { ParseError, ParseResult } from "./parseResult";
import { parseUint } from "./numbers";
import { isBlank, splitLines, tokenize } from "./textLines";

/** Parses `ipvsadm -L --timeout` (`Timeout (tcp tcpfin udp): 900 120 300`); value is null if no line could be read. */
export function parseIpvsadmTimeout(text: string): ParseResult<IpvsTimeouts | null> {
  const errors: ParseError[] = [];
  let value: IpvsTimeouts | null = null;
  for (const { line, text: raw } of splitLines(text)) {
    if (isBlank(raw)) continue;
    const match = /^Timeout \(tcp tcpfin udp\): (\S+) (\S+) (\S+)$/.exec(tokenize(raw).join(" "));
    const [tcp, tcpFin, udp] = [parseUint(match?.[1]), parseUint(match?.[2]), parseUint(match?.[3])];
    if (tcp === null || tcpFin === null || udp === null) {
      errors.push(lineError(line, raw, "expected 'Timeout (tcp tcpfin udp): N N N'"));
    } else if (value !== null) {
      errors.push(lineError(line, raw, "a second timeout line"));
    } else {
      value = { tcp, tcpFin, udp };
    }
  }
  return { value, errors };
}
