import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** Checks an agent's bearer token against the configured ones in constant time (hashing equalises lengths). */
export function createAgentTokenCheck(tokens: readonly string[]): (req: IncomingMessage) => boolean {
  const known = tokens.filter((t) => t.length > 0).map(digest);
  return (req) => {
    const header = req.headers.authorization ?? "";
    const match = /^Bearer (.+)$/.exec(header);
    if (!match?.[1]) return false;
    const offered = digest(match[1]);
    let ok = false;
    for (const token of known) ok = timingSafeEqual(token, offered) || ok;
    return ok;
  };
}

/** A browser upgrade is same-origin when its Origin names the host it connected to; non-browser clients send none. */
export function isSameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** Refuses an upgrade with a plain HTTP status before any WebSocket is created. */
export function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.write(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`);
  socket.destroy();
}
