import type { DirectorView, RealServer, Verdict } from "@lvsdeck/protocol";
import type { VerdictOptions } from "./verdictOptions";
import { makeVerdict } from "./verdictOptions";
import { liveServices } from "./groups";
import { isFresh } from "./staleness";

const percent = (x: number) => `${Math.round(x * 100)} %`;
const entriesOf = (rs: RealServer) => (rs.states === undefined ? null : Object.values(rs.states).reduce((n, c) => n + c, 0));
const median = (xs: number[]) => {
  const sorted = xs.toSorted((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/**
 * syn-flood: on a fresh director, a live service whose real servers (those counted, with entries) hold
 * at least `synFloodMin` SYN_RECV entries, `synFloodShare` of all their entries, with at least
 * `synFloodSpread` of them each at `halfOpenShare` or more: handshakes toward the whole VIP do not
 * complete, so clients (or spoofed addresses) flood it. One server alone is half-open-connections.
 */
export function synFloodVerdicts(directors: readonly DirectorView[], now: number, options: Pick<VerdictOptions, "synFloodMin" | "synFloodShare" | "synFloodSpread" | "halfOpenShare">): Verdict[] {
  const found = new Map<string, { directors: string[]; synRecv: number; share: number; flooded: number; servers: number }>();
  for (const view of directors) {
    if (!isFresh(view)) continue;
    for (const service of liveServices(view)) {
      const counted = service.realServers.flatMap((rs) => {
        const total = entriesOf(rs);
        return total === null || total === 0 ? [] : [{ total, synRecv: rs.states?.["SYN_RECV"] ?? 0 }];
      });
      const total = counted.reduce((n, c) => n + c.total, 0);
      const synRecv = counted.reduce((n, c) => n + c.synRecv, 0);
      const flooded = counted.filter((c) => c.synRecv / c.total >= options.halfOpenShare).length;
      if (total === 0 || synRecv < options.synFloodMin || synRecv / total < options.synFloodShare || flooded / counted.length < options.synFloodSpread) continue;
      const entry = found.get(service.key) ?? { directors: [], synRecv: 0, share: 0, flooded, servers: counted.length };
      entry.directors.push(view.id);
      entry.synRecv = Math.max(entry.synRecv, synRecv);
      entry.share = Math.max(entry.share, synRecv / total);
      found.set(service.key, entry);
    }
  }
  return [...found.entries()].map(([service, e]) =>
    makeVerdict(
      "syn-flood",
      { service },
      `${service} is under a SYN flood: ${e.synRecv} half-open connections (SYN_RECV, ${percent(e.share)} of its entries) across ${e.flooded} of ${e.servers} real servers on ${e.directors.sort().join(" and ")}`,
      now,
    ),
  );
}

/**
 * time-wait-pileup: on a fresh director, a real server with at least `timeWaitMin` entries in TIME_WAIT,
 * `timeWaitFactor` times or more the median of its peers' (two or more other real servers of the service
 * with entries): it closes far more connections than they do (keep-alive off, a client reconnecting in a
 * loop) or its clients linger. Counts not yet made never raise it.
 */
export function timeWaitVerdicts(directors: readonly DirectorView[], now: number, options: Pick<VerdictOptions, "timeWaitMin" | "timeWaitFactor">): Verdict[] {
  const found = new Map<string, { service: string; realServer: string; directors: string[]; timeWait: number; peers: number }>();
  for (const view of directors) {
    if (!isFresh(view)) continue;
    for (const service of liveServices(view)) {
      const counted = service.realServers.filter((rs) => (entriesOf(rs) ?? 0) > 0);
      for (const rs of counted) {
        const timeWait = rs.states?.["TIME_WAIT"] ?? 0;
        if (timeWait < options.timeWaitMin) continue;
        const peers = counted.filter((p) => p !== rs).map((p) => p.states?.["TIME_WAIT"] ?? 0);
        if (peers.length < 2) continue;
        const peerMedian = median(peers);
        if (timeWait < options.timeWaitFactor * Math.max(1, peerMedian)) continue;
        const key = `${service.key}|${rs.key}`;
        const entry = found.get(key) ?? { service: service.key, realServer: rs.key, directors: [], timeWait: 0, peers: peerMedian };
        entry.directors.push(view.id);
        entry.timeWait = Math.max(entry.timeWait, timeWait);
        found.set(key, entry);
      }
    }
  }
  return [...found.values()].map((e) =>
    makeVerdict(
      "time-wait-pileup",
      { service: e.service, realServer: e.realServer },
      `${e.realServer} in ${e.service} has ${e.timeWait} connections in TIME_WAIT, ${Math.round(e.timeWait / Math.max(1, e.peers))}x its peers' median (${Math.round(e.peers)}) on ${e.directors.sort().join(" and ")}: it closes far more connections than they do (keep-alive off, a client reconnecting in a loop)`,
      now,
    ),
  );
}
