import type { ClusterResponse, DirectorView } from "@lvsdeck/protocol";
import type { EventStore } from "../store/eventStore";
import type { SnapshotHistory } from "../store/snapshotHistory";
import { SNAPSHOT_HISTORY_INTERVAL_MS } from "../store/snapshotHistory";
import type { Fleet } from "../fleet";
import { STALE_AFTER_TICKS, clusterHealth, deriveVerdicts } from "@lvsdeck/cluster";
import type { VerdictOptions } from "@lvsdeck/cluster";

/** Slack on top of the history interval before a stored snapshot counts as stale at a moment (ms). */
const HISTORY_SLACK_MS = 5_000;

/**
 * The cluster as it was at `at`: each director's newest stored snapshot taken by then, stale when it
 * is older than the history interval or its agent had disconnected by then; with the verdicts of that moment.
 */
export async function clusterAt(at: number, deps: { history: SnapshotHistory; events: EventStore; fleet: Fleet; verdictOptions?: Partial<VerdictOptions> }): Promise<ClusterResponse> {
  const snapshots = await deps.history.at(at);
  const presences = await Promise.all(snapshots.map((snapshot) => deps.events.query({ director: snapshot.director, kind: "agent", to: at, limit: 1 })));
  const directors: DirectorView[] = snapshots.map((snapshot, i) => {
    const presence = presences[i]?.[0];
    const disconnected = presence?.event.kind === "agent" && !presence.event.connected && presence.event.at >= snapshot.takenAt;
    const tooOld = at - snapshot.takenAt > SNAPSHOT_HISTORY_INTERVAL_MS + HISTORY_SLACK_MS;
    return {
      id: snapshot.director,
      connected: !disconnected,
      receivedAt: snapshot.takenAt,
      stale: disconnected || tooOld,
      agent: deps.fleet.get(snapshot.director)?.agent ?? null,
      snapshot,
    };
  });
  directors.sort((a, b) => a.id.localeCompare(b.id));
  // The verdicts that held then, by the same rules as live; flapping and stuck drains need history the
  // snapshots do not keep, and `since` is the moment asked for.
  const verdicts = deriveVerdicts({ directors, now: at, recentTransitions: [], drains: [] }, deps.verdictOptions ?? {});
  return { serverTime: at, staleAfterTicks: STALE_AFTER_TICKS, directors, health: clusterHealth(directors, verdicts) };
}
