import { useQuery } from "@tanstack/react-query";
import { clusterAtQuery } from "../../api/moreQueries";
import { formatClock } from "../../lib/time";
import { MomentContext } from "../topology/moment";
import { TopologyBoard } from "../topology/TopologyView";

const STEPS = [-10_000, -1_000, 1_000, 10_000] as const;
/**
 * The hub stores snapshots every few seconds (and on change), not every tick: judged by live rules every
 * director of the past would look stale. The hub's own stale flag, stored with each snapshot, still counts.
 */
export const HISTORY_STALE_AFTER_TICKS = 30;

/** The topology and charts as they were at `at`, with steps in time and the way back to live. */
export function MomentView({ at, onMove, onLive }: { at: number; onMove: (at: number) => void; onLive: () => void }) {
  const cluster = useQuery(clusterAtQuery(at));
  return (
    <section className="moment" aria-label="The cluster at the chosen moment" data-testid="moment">
      <div className="moment-bar" role="status">
        <strong>
          Showing the cluster as it was at <time dateTime={new Date(at).toISOString()}>{formatClock(at)}</time>
        </strong>
        <span className="moment-steps">
          {STEPS.map((step) => (
            <button key={step} type="button" onClick={() => onMove(at + step)}>
              {step < 0 ? "−" : "+"}
              {Math.abs(step) / 1000} s
            </button>
          ))}
        </span>
        <button type="button" className="primary" onClick={onLive}>
          Back to live
        </button>
      </div>
      <MomentContext value={at}>
        <div className="topology">
          {cluster.isError && (
            <p className="load-error" role="alert">
              Cannot load the cluster at this moment: {cluster.error.message}
            </p>
          )}
          {cluster.isPending && <p className="loading">Loading the cluster as it was…</p>}
          {cluster.data !== undefined && <TopologyBoard cluster={{ ...cluster.data, staleAfterTicks: Math.max(cluster.data.staleAfterTicks, HISTORY_STALE_AFTER_TICKS) }} health={cluster.data.health} now={cluster.data.serverTime} />}
        </div>
      </MomentContext>
    </section>
  );
}
