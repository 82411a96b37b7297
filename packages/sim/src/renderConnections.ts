import type { SimConnection } from "./simConnection";

const pad = (text: string, width: number) => text.padEnd(width);

/** Formats seconds as ipvsadm's `mm:ss` expiry (minutes may exceed 99). */
function expiry(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

/**
 * Renders a connection table exactly as `ipvsadm -Lnc` prints it (`%-3s %-6s %-11s %-18s %-18s %s`),
 * so a simulated director's table goes through the same parsers as a real one.
 */
export function renderIpvsadmConnections(connections: readonly SimConnection[]): string {
  const lines = ["IPVS connection entries", "pro expire state       source             virtual            destination"];
  for (const c of connections) {
    lines.push(`${pad(c.protocol, 3)} ${pad(expiry(c.expiresInSec), 6)} ${pad(c.state, 11)} ${pad(c.client, 18)} ${pad(c.virtual, 18)} ${c.destination}`);
  }
  return `${lines.join("\n")}\n`;
}
