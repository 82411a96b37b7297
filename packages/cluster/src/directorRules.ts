import type { DirectorView, Verdict } from "@lvsdeck/protocol";
import { makeVerdict } from "./verdictOptions";
import { normalizeVip } from "./keys";
import { vipsOfDirector } from "./groups";
import { isFresh, staleReason } from "./staleness";

/** stale-director: a director whose data is stale; one that just said hello and awaits its first snapshot is not. */
export function staleDirectorVerdicts(directors: readonly DirectorView[], now: number): Verdict[] {
  return directors
    .filter((d) => d.stale && !(d.connected && d.receivedAt === null))
    .map((d) => makeVerdict("stale-director", { director: d.id, vips: vipsOfDirector(d) }, `${d.id} is stale: ${staleReason(d, now)}`, now));
}

/**
 * checker-silent: keepalived runs on a fresh director but its checker child is gone, or answered none of
 * the agent's last dump requests (frozen): nothing checks that director's real servers, whatever their
 * rows still say.
 */
export function checkerSilentVerdicts(directors: readonly DirectorView[], now: number): Verdict[] {
  return directors.flatMap((d) => {
    if (!isFresh(d) || !d.snapshot.keepalived.running) return [];
    const checker = d.snapshot.keepalived.checker;
    if (checker === undefined || (checker.running && !checker.silent)) return [];
    const last = checker.lastDumpAt === null ? "never answered" : `last answered at ${new Date(checker.lastDumpAt).toTimeString().slice(0, 8)}`;
    const what = checker.running ? `keepalived's checker on ${d.id} is silent (${last})` : `keepalived's checker on ${d.id} is not running`;
    return [makeVerdict("checker-silent", { director: d.id, vips: vipsOfDirector(d) }, `${what}: its real servers are not being health-checked`, now)];
  });
}

/** vip-on-two-directors: one VIP configured on the interfaces of two or more directors with fresh data. */
export function vipOnTwoDirectorsVerdicts(directors: readonly DirectorView[], now: number): Verdict[] {
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
    .map(([vip, ids]) => makeVerdict("vip-on-two-directors", { vips: [vip] }, `VIP ${vip} is on ${[...ids].sort().join(" and ")}`, now));
}
