import { normalizeAddress } from "@lvsdeck/ipvs";
import { fwmarkServiceKey, realServerKeyOf, serviceKeyOf } from "@lvsdeck/protocol";

/** A word of keepalived.conf with its place in the text, so edits touch nothing else. */
export interface ConfigWord {
  text: string;
  start: number;
  end: number;
}

/** A `{ … }` block: the words that open it, its statements (one per line) and nested blocks. */
export interface ConfigBlock {
  header: ConfigWord[];
  /** Offset of its `{` (-1 for the file itself). */
  open: number;
  statements: ConfigWord[][];
  children: ConfigBlock[];
  /** Leading whitespace of the line that opened it, for inserting lines that look like the operator's. */
  indent: string;
}

// keepalived's lexer: quoted strings, braces, and words; `#` or `!` starts a comment.
const TOKEN = /"[^"\n]*"|[{}]|[^\s{}"]+/g;

/** Splits keepalived.conf text into blocks and statements; never throws (an unbalanced `}` is ignored). */
export function parseConfigBlocks(text: string): ConfigBlock {
  const root: ConfigBlock = { header: [], open: -1, statements: [], children: [], indent: "" };
  const stack: ConfigBlock[] = [root];
  let offset = 0;
  for (const line of text.split("\n")) {
    const indent = /^\s*/.exec(line)?.[0] ?? "";
    let words: ConfigWord[] = [];
    const top = () => stack[stack.length - 1] ?? root;
    const flush = () => {
      if (words.length > 0) top().statements.push(words);
      words = [];
    };
    for (const match of line.matchAll(TOKEN)) {
      const token = match[0];
      const start = offset + (match.index ?? 0);
      if (token.startsWith("#") || token.startsWith("!")) break;
      if (token === "{") {
        // A `{` alone on its line opens the block named by the previous statement.
        const header = words.length > 0 ? words : (top().statements.pop() ?? []);
        const block: ConfigBlock = { header, open: start, statements: [], children: [], indent };
        top().children.push(block);
        stack.push(block);
        words = [];
      } else if (token === "}") {
        flush();
        if (stack.length > 1) stack.pop();
      } else {
        words.push({ text: token, start, end: start + token.length });
      }
    }
    flush();
    offset += line.length + 1;
  }
  return root;
}

/** A virtual_server block and its real_server blocks, keyed the way ipvsadm names them. */
export interface ConfigVirtualServer {
  serviceKey: string;
  block: ConfigBlock;
  realServers: Array<{ realServerKey: string; block: ConfigBlock }>;
}

const word = (block: ConfigBlock, keyword: string): string | undefined => block.statements.find((s) => s[0]?.text === keyword)?.[1]?.text;

function keyOfVirtualServer(block: ConfigBlock): { key: string; port: number } | null {
  const [, first, second] = block.header.map((w) => w.text);
  if (first === "fwmark") {
    const mark = Number(second);
    if (!Number.isInteger(mark) || mark <= 0) return null;
    const inet6 = word(block, "ip_family") === "inet6" || block.children.some((c) => c.header[1]?.text.includes(":"));
    return { key: fwmarkServiceKey(mark, inet6 ? "inet6" : "inet"), port: 0 };
  }
  const address = normalizeAddress(first ?? "");
  const port = Number(second);
  if (address === null || !Number.isInteger(port)) return null;
  const protocol = (word(block, "protocol") ?? "TCP").toUpperCase();
  return { key: serviceKeyOf(protocol, address.address, port), port };
}

/** The virtual servers of a config text (groups and unreadable headers are skipped: they cannot be matched). */
export function listConfigVirtualServers(root: ConfigBlock): ConfigVirtualServer[] {
  const result: ConfigVirtualServer[] = [];
  for (const block of root.children) {
    if (block.header[0]?.text !== "virtual_server") continue;
    const vs = keyOfVirtualServer(block);
    if (vs === null) continue;
    const realServers = block.children.flatMap((rs) => {
      if (rs.header[0]?.text !== "real_server") return [];
      const address = normalizeAddress(rs.header[1]?.text ?? "");
      // keepalived takes the virtual server's port when a real server names none.
      const port = rs.header[2] === undefined ? vs.port : Number(rs.header[2].text);
      return address === null || !Number.isInteger(port) ? [] : [{ realServerKey: realServerKeyOf(address.address, port), block: rs }];
    });
    result.push({ serviceKey: vs.key, block, realServers });
  }
  return result;
}

/** The outcome of a weight rewrite: the new text, or why the file cannot take the weight. */
export type WeightRewrite = { ok: true; text: string; previous: number | null } | { ok: false; error: string };

/**
 * Sets `weight N` inside `real_server` of `virtual_server` in keepalived.conf text, changing nothing
 * else (comments, layout, other blocks); adds the line when the real server has none.
 */
export function applyWeightToConfig(text: string, service: string, realServer: string, weight: number): WeightRewrite {
  const matches = listConfigVirtualServers(parseConfigBlocks(text)).filter((vs) => vs.serviceKey === service);
  if (matches.length === 0) return { ok: false, error: `virtual_server for ${service} is not in the weights file` };
  if (matches.length > 1) return { ok: false, error: `virtual_server for ${service} appears ${matches.length} times in the weights file` };
  const servers = matches[0]?.realServers.filter((rs) => rs.realServerKey === realServer) ?? [];
  const target = servers[0];
  if (target === undefined) return { ok: false, error: `real_server ${realServer} of ${service} is not in the weights file` };
  if (servers.length > 1) return { ok: false, error: `real_server ${realServer} of ${service} appears ${servers.length} times in the weights file` };
  const weightWords = target.block.statements.filter((s) => s[0]?.text === "weight").map((s) => s[1]);
  if (weightWords.some((w) => w === undefined)) return { ok: false, error: `real_server ${realServer} of ${service} has a 'weight' without a value` };
  const previousText = weightWords[weightWords.length - 1]?.text;
  const previous = previousText === undefined || !/^\d+$/.test(previousText) ? null : Number(previousText);
  let next = text;
  if (weightWords.length === 0) {
    const at = target.block.open + 1;
    const restOfLine = text.slice(at, text.indexOf("\n", at) === -1 ? undefined : text.indexOf("\n", at));
    const insert = restOfLine.trim() === "" ? `\n${target.block.indent}    weight ${weight}` : ` weight ${weight}`;
    next = text.slice(0, at) + insert + text.slice(at);
  } else {
    // Right to left, so earlier offsets stay valid.
    for (const w of [...weightWords].reverse()) if (w !== undefined) next = next.slice(0, w.start) + String(weight) + next.slice(w.end);
  }
  return { ok: true, text: next, previous };
}
