import type { DirectorView, RealServer, Verdict } from "@lvsdeck/protocol";
import type { VerdictInput, VerdictOptions } from "./verdictOptions";
import { makeVerdict } from "./verdictOptions";
import { liveServices } from "./groups";
import { isFresh } from "./staleness";

/** A real server that takes no new connections: down, at weight 0, or configured but not in the kernel table. */
function isOut(server: RealServer): boolean {
  return server.health === "down" || server.weight === 0 || server.inKernel === false;
}

interface OutCount {
  directors: string[];
  /** Deleted from the kernel table by keepalived's checker (no inhibit_on_failure). */
  removed: number;
  down: number;
  quiesced: number;
  total: number;
}

/** "2 removed by keepalived's checker, 1 down, 0 at weight 0", leaving out a kind nobody is. */
function outBreakdown(e: OutCount): string {
  const parts = [e.removed > 0 ? `${e.removed} removed by keepalived's checker` : null, e.down > 0 || e.removed === 0 ? `${e.down} down` : null, `${e.quiesced} at weight 0`];
  return parts.filter((p) => p !== null).join(", ");
}

/**
 * all-real-servers-down: a live service on a fresh MASTER with no real server taking new connections:
 * all down, at weight 0 or removed by keepalived's checker, or none in its table at all (0/0 is no
 * capacity, never healthy).
 */
export function allRealServersDownVerdicts(directors: readonly DirectorView[], now: number): Verdict[] {
  const found = new Map<string, OutCount>();
  for (const view of directors) {
    if (!isFresh(view)) continue;
    for (const service of liveServices(view)) {
      const servers = service.realServers;
      if (!servers.every(isOut)) continue;
      const removed = servers.filter((s) => s.inKernel === false).length;
      const down = servers.filter((s) => s.health === "down" && s.inKernel !== false).length;
      const entry = found.get(service.key) ?? { directors: [], removed, down, quiesced: servers.length - down - removed, total: servers.length };
      entry.directors.push(view.id);
      found.set(service.key, entry);
    }
  }
  return [...found].map(([service, e]) =>
    makeVerdict(
      "all-real-servers-down",
      { service },
      e.total === 0
        ? `${service} has no real server in its table on ${e.directors.sort().join(" and ")}: nothing takes its connections`
        : `all ${e.total} real servers of ${service} are out on ${e.directors.sort().join(" and ")}: ${outBreakdown(e)}`,
      now,
    ),
  );
}

/** quorum-lost: keepalived says a live service's quorum is down on a fresh director; its sorry server (if any) takes the traffic. */
export function quorumLostVerdicts(directors: readonly DirectorView[], now: number): Verdict[] {
  const found = new Map<string, { directors: string[]; sorry: string | null; inUse: boolean }>();
  for (const view of directors) {
    if (!isFresh(view)) continue;
    for (const service of liveServices(view)) {
      const checker = service.checker;
      if (checker?.quorumUp !== false) continue;
      const entry = found.get(service.key) ?? { directors: [], sorry: checker.sorryServer, inUse: checker.sorryServerInUse };
      entry.directors.push(view.id);
      found.set(service.key, entry);
    }
  }
  return [...found].map(([service, e]) => {
    const sorry = e.sorry === null ? "no sorry server is configured" : e.inUse ? `sorry server ${e.sorry} takes the traffic` : `sorry server ${e.sorry} is not in the table`;
    return makeVerdict("quorum-lost", { service }, `quorum lost for ${service} on ${e.directors.sort().join(" and ")}: ${sorry}`, now);
  });
}

/** drain-stuck: a drained real server that still has active connections `drainStuckAfterMs` after the drain began. */
export function drainStuckVerdicts(input: VerdictInput, options: VerdictOptions): Verdict[] {
  const verdicts: Verdict[] = [];
  for (const drain of input.drains) {
    const stuckAt = drain.startedAt + options.drainStuckAfterMs;
    if (input.now < stuckAt) continue;
    const holders = input.directors.filter(isFresh).flatMap((view) => {
      const service = view.snapshot.services.find((s) => s.key === drain.service);
      const server = service?.realServers.find((r) => r.key === drain.realServer);
      return server ? [{ director: view.id, server }] : [];
    });
    // The operator gave the weight back everywhere: the drain is over even if nobody removed it from the list yet.
    if (holders.every((h) => h.server.weight > 0)) continue;
    const busy = holders.filter((h) => h.server.activeConns > 0);
    if (busy.length === 0) continue;
    const counts = busy.map((h) => `${h.server.activeConns} on ${h.director}`).join(", ");
    const minutes = Math.floor((input.now - drain.startedAt) / 60_000);
    verdicts.push(
      makeVerdict(
        "drain-stuck",
        { service: drain.service, realServer: drain.realServer },
        `drain of ${drain.realServer} in ${drain.service} stuck: active connections ${counts} after ${minutes} min`,
        stuckAt,
      ),
    );
  }
  return verdicts;
}
