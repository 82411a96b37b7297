import type { Alert, DirectorView } from "@lvsdeck/protocol";
import { makeAlert } from "./alertOptions";
import { isFresh, normalizeVip } from "./directorFacts";

function staleReason(view: DirectorView, now: number): string {
  if (!view.connected) return "agent disconnected";
  if (view.receivedAt === null) return "no data received";
  return `no data for ${Math.round((now - view.receivedAt) / 1000)} s`;
}

/** stale-director: a director whose data is stale; one that just said hello and awaits its first snapshot is not. */
export function staleDirectorAlerts(directors: readonly DirectorView[], now: number): Alert[] {
  return directors
    .filter((d) => d.stale && !(d.connected && d.receivedAt === null))
    .map((d) => makeAlert("stale-director", { director: d.id }, `${d.id} is stale: ${staleReason(d, now)}`, now));
}

/** vip-on-two-directors: one VIP configured on the interfaces of two or more directors with fresh data. */
export function vipOnTwoDirectorsAlerts(directors: readonly DirectorView[], now: number): Alert[] {
  const holders = new Map<string, Set<string>>();
  for (const view of directors) {
    if (!isFresh(view)) continue;
    for (const vip of view.snapshot.vipsPresent) {
      const key = normalizeVip(vip);
      holders.set(key, (holders.get(key) ?? new Set()).add(view.id));
    }
  }
  return [...holders]
    .filter(([, ids]) => ids.size >= 2)
    .map(([vip, ids]) => makeAlert("vip-on-two-directors", { vip }, `VIP ${vip} is on ${[...ids].sort().join(" and ")}`, now));
}
