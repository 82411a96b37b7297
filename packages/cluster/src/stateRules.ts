import type { DirectorView, RealServer, Verdict } from "@lvsdeck/protocol";
import type { VerdictOptions } from "./verdictOptions";
import { makeVerdict } from "./verdictOptions";
import { liveServices } from "./groups";
import { isFresh } from "./staleness";
import type { TimeWaitSample } from "./timeWaitHistory";
import { timeWaitKey } from "./timeWaitHistory";

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
 * time-wait-pileup: on a fresh director, a real server whose TIME_WAIT entries are out of line with its
 * peers' (two or more other real servers of the service with entries), in either of two ways:
 * - level: at least `timeWaitMin` entries and `timeWaitFactor` times the median of its peers' counts;
 * - growth: it gained at least `timeWaitGrowthMin` since `earlier` (taken about `timeWaitWindowMs` ago),
 *   and `timeWaitFactor` times the median of its peers' gains (peers counted in `earlier` too).
 * Either says it closes far more connections than they do (keep-alive off, a client reconnecting in a
 * loop); growth says so within a minute, before the level has built up. Counts not yet made, and servers
 * missing from `earlier`, never raise it.
 */
export function timeWaitVerdicts(
  directors: readonly DirectorView[],
  now: number,
  options: Pick<VerdictOptions, "timeWaitMin" | "timeWaitFactor" | "timeWaitGrowthMin">,
  earlier?: TimeWaitSample,
): Verdict[] {
  interface Found {
    service: string;
    realServer: string;
    directors: string[];
    timeWait: number;
    /** The peers' median count, when the level is out of line. */
    levelPeers: number | null;
    /** The server's gain and its peers' median gain, when growth is out of line. */
    growth: { gained: number; peers: number } | null;
  }
  const found = new Map<string, Found>();
  const factor = options.timeWaitFactor;
  for (const view of directors) {
    if (!isFresh(view)) continue;
    for (const service of liveServices(view)) {
      const counted = service.realServers.filter((rs) => (entriesOf(rs) ?? 0) > 0);
      if (counted.length < 3) continue;
      // Each server's count and gain, once: every server's peers are all the others.
      const timeWaits = counted.map((rs) => rs.states?.["TIME_WAIT"] ?? 0);
      const gains = counted.map((rs, i) => {
        const before = earlier?.counts.get(timeWaitKey(view.id, service.key, rs.key));
        return before === undefined ? null : timeWaits[i]! - before;
      });
      for (const [i, rs] of counted.entries()) {
        const timeWait = timeWaits[i]!;
        const levelPeers = median(timeWaits.filter((_, j) => j !== i));
        const level = timeWait >= options.timeWaitMin && timeWait >= factor * Math.max(1, levelPeers);
        const gained = gains[i] ?? null;
        const peerGains = gains.flatMap((g, j) => (j === i || g === null ? [] : [g]));
        const gainPeers = peerGains.length >= 2 ? median(peerGains) : null;
        const growth = gained !== null && gainPeers !== null && gained >= options.timeWaitGrowthMin && gained >= factor * Math.max(1, gainPeers);
        if (!level && !growth) continue;
        const key = `${service.key}|${rs.key}`;
        const entry = found.get(key) ?? { service: service.key, realServer: rs.key, directors: [], timeWait: 0, levelPeers: null, growth: null };
        entry.directors.push(view.id);
        entry.timeWait = Math.max(entry.timeWait, timeWait);
        if (level) entry.levelPeers = levelPeers;
        if (growth && (entry.growth === null || gained > entry.growth.gained)) entry.growth = { gained, peers: gainPeers };
        found.set(key, entry);
      }
    }
  }
  const seconds = earlier === undefined ? 0 : Math.round((now - earlier.at) / 1000);
  return [...found.values()].map((e) => {
    const how = [
      e.levelPeers !== null && `${Math.round(e.timeWait / Math.max(1, e.levelPeers))}x its peers' median (${Math.round(e.levelPeers)})`,
      e.growth !== null && `up ${e.growth.gained} in ${seconds} s where its peers' median gain was ${Math.round(e.growth.peers)}`,
    ].filter((part) => part !== false);
    return makeVerdict(
      "time-wait-pileup",
      { service: e.service, realServer: e.realServer },
      `${e.realServer} in ${e.service} has ${e.timeWait} connections in TIME_WAIT, ${how.join(", ")} on ${e.directors.sort().join(" and ")}: it closes far more connections than they do (keep-alive off, a client reconnecting in a loop)`,
      now,
    );
  });
}
