import type { Persistence, RealServer, VirtualService } from "@lvsdeck/protocol";
import { forwardingLabel } from "@lvsdeck/protocol";

function persistenceText(p: Persistence | null): string {
  if (p === null) return "none";
  return p.netmask === null ? `${p.timeoutSec} s` : `${p.timeoutSec} s mask ${p.netmask}`;
}

function diffRealServers(service: string, from: readonly RealServer[], to: readonly RealServer[]): string[] {
  const out: string[] = [];
  const target = new Map(to.map((r) => [r.key as string, r]));
  for (const before of from) {
    const after = target.get(before.key);
    if (!after) {
      out.push(`${before.key} would disappear from ${service}`);
      continue;
    }
    if (before.weight !== after.weight) out.push(`${before.key} weight ${before.weight}→${after.weight} in ${service}`);
    if (before.forwarding !== after.forwarding) {
      out.push(`${before.key} forwarding ${forwardingLabel[before.forwarding]}→${forwardingLabel[after.forwarding]} in ${service}`);
    }
  }
  const present = new Set(from.map((r) => r.key as string));
  for (const after of to) if (!present.has(after.key)) out.push(`${after.key} would appear in ${service} at weight ${after.weight}`);
  return out;
}

function diffService(before: VirtualService, after: VirtualService): string[] {
  const out: string[] = [];
  if (before.scheduler !== after.scheduler) out.push(`${before.key} scheduler ${before.scheduler}→${after.scheduler}`);
  const [p, q] = [persistenceText(before.persistence), persistenceText(after.persistence)];
  if (p !== q) out.push(`${before.key} persistence ${p}→${q}`);
  return [...out, ...diffRealServers(before.key, before.realServers, after.realServers)];
}

/**
 * What would change if traffic moved from the `from` table to the `to` table, one phrase per difference:
 * missing or extra services and real servers, scheduler, persistence, weight and forwarding method.
 */
export function diffTables(from: readonly VirtualService[], to: readonly VirtualService[]): string[] {
  const target = new Map(to.map((s) => [s.key as string, s]));
  const keys = [...new Set([...from, ...to].map((s) => s.key as string))].sort();
  const source = new Map(from.map((s) => [s.key as string, s]));
  return keys.flatMap((key) => {
    const before = source.get(key);
    const after = target.get(key);
    if (before && after) return diffService(before, after);
    return before ? [`${key} would disappear`] : [`${key} would appear`];
  });
}
