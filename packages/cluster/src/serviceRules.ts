import type { DirectorView, RealServer, Verdict } from "@lvsdeck/protocol";
import type { VerdictInput, VerdictOptions } from "./verdictOptions";
import { makeVerdict } from "./verdictOptions";
import { liveServices } from "./groups";
import { isFresh } from "./staleness";

/** A real server that takes no new connections: down, at weight 0, or configured but not in the kernel table. */
export function isOut(server: RealServer): boolean {
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

/** A real server's connection entries and how many of them are half-open (SYN_RECV). */
function halfOpen(server: RealServer): { total: number; synRecv: number } | null {
  if (server.states === undefined) return null;
  const total = Object.values(server.states).reduce((n, c) => n + c, 0);
  return { total, synRecv: server.states["SYN_RECV"] ?? 0 };
}

const percent = (x: number) => `${Math.round(x * 100)} %`;

/**
 * half-open-connections: on a fresh director carrying a live service, a real server with at least
 * `halfOpenMin` SYN_RECV entries making at least `halfOpenShare` of its entries, while the service's other
 * real servers with entries stay below `halfOpenPeerShare`: clients' handshakes toward that server do not
 * complete. A SYN flood aimed at it, or (direct routing) a server that does not answer: the VIP missing
 * on its loopback, or ARP. Only agents that count states (`realServer.states`) feed it.
 */
export function halfOpenVerdicts(directors: readonly DirectorView[], now: number, options: Pick<VerdictOptions, "halfOpenMin" | "halfOpenShare" | "halfOpenPeerShare">): Verdict[] {
  const found = new Map<string, { service: string; realServer: string; directors: string[]; synRecv: number; share: number; peers: number | null }>();
  for (const view of directors) {
    if (!isFresh(view)) continue;
    for (const service of liveServices(view)) {
      const counted = service.realServers.map((rs) => ({ rs, c: halfOpen(rs) }));
      for (const { rs, c } of counted) {
        if (c === null || c.total === 0 || c.synRecv < options.halfOpenMin || c.synRecv / c.total < options.halfOpenShare) continue;
        const peers = counted.filter((p) => p.rs !== rs && p.c !== null && p.c.total > 0);
        const peerSyn = peers.reduce((n, p) => n + (p.c?.synRecv ?? 0), 0);
        const peerTotal = peers.reduce((n, p) => n + (p.c?.total ?? 0), 0);
        const peerShare = peerTotal === 0 ? null : peerSyn / peerTotal;
        if (peerShare !== null && peerShare >= options.halfOpenPeerShare) continue;
        const key = `${service.key}|${rs.key}`;
        const entry = found.get(key) ?? { service: service.key, realServer: rs.key, directors: [], synRecv: 0, share: 0, peers: peerShare };
        entry.directors.push(view.id);
        entry.synRecv = Math.max(entry.synRecv, c.synRecv);
        entry.share = Math.max(entry.share, c.synRecv / c.total);
        found.set(key, entry);
      }
    }
  }
  return [...found.values()].map((e) =>
    makeVerdict(
      "half-open-connections",
      { service: e.service, realServer: e.realServer },
      `${e.realServer} in ${e.service} has ${e.synRecv} half-open connections (SYN_RECV, ${percent(e.share)} of its entries${e.peers === null ? "" : `; its peers ${percent(e.peers)}`}) on ${e.directors.sort().join(" and ")}: a SYN flood toward it, or with direct routing a server that does not answer (VIP missing on its loopback, ARP)`,
      now,
    ),
  );
}
