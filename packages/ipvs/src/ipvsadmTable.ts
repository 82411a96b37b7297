import { lineError } from "./parseResult";
import type { ParseError, ParseResult } from "./parseResult";
import type { IpvsadmTable } from "./ipvsTypes";
import type { Outcome } from "./parseServiceLine";
import { isBlank, splitLines, tokenize } from "./textLines";

/** How one listing mode reads its titles, service lines and real-server lines. */
export interface TableSpec<S, D> {
  /** The mode's name, used in error messages. */
  name: string;
  /** Column titles of the `Prot …` line, whitespace-normalized. */
  serviceTitle: string;
  /** Column titles of the `-> RemoteAddress:Port …` line, whitespace-normalized. */
  realServerTitle: string;
  parseService(tokens: string[]): Outcome<S>;
  parseRealServer(tokens: string[]): Outcome<D>;
}

const VERSION_LINE = /^IP Virtual Server version (\d+\.\d+\.\d+) \(size=(\d+)\)$/;

/**
 * Walks an ipvsadm-style listing; headers are recognised explicitly, every other non-blank line is
 * a service or real-server row, and a row that cannot be read becomes an error naming its line.
 */
export function parseIpvsTable<S, D>(text: string, spec: TableSpec<S, D>): ParseResult<IpvsadmTable<S, D>> {
  const errors: ParseError[] = [];
  const table: IpvsadmTable<S, D> = { version: null, connectionTableSize: null, services: [] };
  let current: IpvsadmTable<S, D>["services"][number] | null = null;
  // The line of a service row that failed, so its real servers can say why they are orphans.
  let brokenServiceLine: number | null = null;
  for (const { line, text: raw } of splitLines(text)) {
    if (isBlank(raw)) continue;
    const tokens = tokenize(raw);
    const joined = tokens.join(" ");
    const version = VERSION_LINE.exec(joined);
    if (version !== null) {
      table.version = version[1] ?? null;
      table.connectionTableSize = Number(version[2]);
      continue;
    }
    if (tokens[0] === "Prot" || tokens[1] === "RemoteAddress:Port") {
      const expected = tokens[0] === "Prot" ? spec.serviceTitle : spec.realServerTitle;
      if (joined !== expected) errors.push(lineError(line, raw, `column titles do not match ${spec.name} (expected '${expected}')`));
      continue;
    }
    if (tokens[0] === "->") {
      if (current === null) {
        const why = brokenServiceLine === null ? "before any service line" : `under the unreadable service line ${brokenServiceLine}`;
        errors.push(lineError(line, raw, `real server ${why}`));
        continue;
      }
      const parsed = spec.parseRealServer(tokens.slice(1));
      if (parsed.ok) current.realServers.push({ ...parsed.value, line });
      else errors.push(lineError(line, raw, parsed.message));
      continue;
    }
    const parsed = spec.parseService(tokens);
    if (parsed.ok) {
      current = { ...parsed.value, line, realServers: [] };
      table.services.push(current);
      brokenServiceLine = null;
    } else {
      errors.push(lineError(line, raw, parsed.message));
      current = null;
      brokenServiceLine = line;
    }
  }
  return { value: table, errors };
}
