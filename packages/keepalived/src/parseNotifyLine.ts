import type { Endpoint, VirtualServerRef } from "./virtualServerRef";
import { parseEndpoint, parseVirtualServerRef } from "./virtualServerRef";
import { fail, ok } from "./result";
import type { ParseResult } from "./result";

/** The words keepalived writes after the name in a VRRP notify line (vrrp_notify.c). */
export const notifyEvents = [
  "MASTER",
  "BACKUP",
  "FAULT",
  "STOP",
  "DELETED",
  "MASTER_RX_LOWER_PRI",
  "MASTER_PRIORITY",
  "BACKUP_PRIORITY",
  "{UNKNOWN}",
] as const;
export type NotifyEvent = (typeof notifyEvents)[number];

/** Whether a line is about a vrrp_instance or a vrrp_sync_group. */
export const notifyScopes = ["INSTANCE", "GROUP"] as const;
export type NotifyScope = (typeof notifyScopes)[number];

/** One parsed line from `notify_fifo`, `vrrp_notify_fifo`, `lvs_notify_fifo` or a generic notify script's arguments. */
export type NotifyLine =
  | {
      readonly kind: "vrrp";
      readonly scope: NotifyScope;
      readonly name: string;
      readonly event: NotifyEvent;
      /** Effective priority for instances; keepalived always writes 0 for groups. */
      readonly priority: number;
    }
  | { readonly kind: "virtual-server"; readonly virtualServer: VirtualServerRef; readonly up: boolean }
  | {
      readonly kind: "real-server";
      readonly realServer: Endpoint;
      readonly virtualServer: VirtualServerRef;
      readonly up: boolean;
    };

/** A line that is not one keepalived writes; `line` is the offending text as received. */
export interface NotifyLineError {
  readonly kind: "garbled";
  readonly line: string;
  readonly reason: string;
}

const maxPriority = 255;

// The name is printed with "%s" between quotes and is not escaped, so it may itself contain quotes:
// anchor on the fixed prefix and on the last `" EVENT PRIORITY` instead of scanning for a closing quote.
const vrrpLine = new RegExp(`^(INSTANCE|GROUP) "(.*)" (${notifyEvents.map(escapeRegExp).join("|")}) (-?\\d{1,10})$`);

function escapeRegExp(text: string): string {
  return text.replace(/[{}]/g, "\\$&");
}

function isNotifyEvent(text: string): text is NotifyEvent {
  return (notifyEvents as readonly string[]).includes(text);
}

function garbled(line: string, reason: string): ParseResult<NotifyLine, NotifyLineError> {
  return fail({ kind: "garbled", line, reason });
}

function parseVrrp(line: string, body: string): ParseResult<NotifyLine, NotifyLineError> {
  const match = vrrpLine.exec(body);
  if (!match) return garbled(line, 'expected INSTANCE|GROUP "name" STATE priority');
  const [, scope, name, event, priorityText] = match;
  if ((scope !== "INSTANCE" && scope !== "GROUP") || !name || !event || !isNotifyEvent(event) || !priorityText) {
    return garbled(line, "empty name");
  }
  const priority = Number(priorityText);
  if (priority < 0 || priority > maxPriority) return garbled(line, `priority ${priority} outside 0..${maxPriority}`);
  return ok({ kind: "vrrp", scope, name, event, priority });
}

function parseUpDown(word: string | undefined): boolean | null {
  return word === "UP" ? true : word === "DOWN" ? false : null;
}

function parseChecker(line: string, body: string): ParseResult<NotifyLine, NotifyLineError> {
  const lastSpace = body.lastIndexOf(" ");
  const up = parseUpDown(body.slice(lastSpace + 1));
  if (lastSpace < 0 || up === null) return garbled(line, "expected UP or DOWN at the end");
  const rest = body.slice(3, lastSpace);
  if (body.startsWith("VS ")) {
    const virtualServer = parseVirtualServerRef(rest);
    return virtualServer ? ok({ kind: "virtual-server", virtualServer, up }) : garbled(line, "unreadable virtual server");
  }
  // "RS [rip]:proto:port <vs> UP": addresses hold no spaces, so the real server is the first token.
  const firstSpace = rest.indexOf(" ");
  const realServer = firstSpace < 0 ? null : parseEndpoint(rest.slice(0, firstSpace));
  const virtualServer = firstSpace < 0 ? null : parseVirtualServerRef(rest.slice(firstSpace + 1));
  if (!realServer) return garbled(line, "unreadable real server");
  if (!virtualServer) return garbled(line, "unreadable virtual server");
  return ok({ kind: "real-server", realServer, virtualServer, up });
}

/** Parses one notify / FIFO line (without or with its trailing newline); never throws. */
export function parseNotifyLine(line: string): ParseResult<NotifyLine, NotifyLineError> {
  const body = line.replace(/\r?\n$/, "");
  if (body.startsWith("INSTANCE ") || body.startsWith("GROUP ")) return parseVrrp(line, body);
  if (body.startsWith("VS ") || body.startsWith("RS ")) return parseChecker(line, body);
  return garbled(line, body.trim() === "" ? "empty line" : "unknown line type (expected INSTANCE, GROUP, VS or RS)");
}

/**
 * Parses the arguments keepalived appends to a generic `notify` script (`GROUP|INSTANCE name STATE priority`),
 * which are the same four fields as a FIFO line but unquoted.
 */
export function parseNotifyArgs(args: readonly string[]): ParseResult<NotifyLine, NotifyLineError> {
  const [scope, name, event, priority] = args.slice(-4);
  if (args.length < 4 || scope === undefined || name === undefined || event === undefined || priority === undefined) {
    return garbled(args.join(" "), "expected four notify arguments");
  }
  return parseNotifyLine(`${scope} "${name}" ${event} ${priority}`);
}
