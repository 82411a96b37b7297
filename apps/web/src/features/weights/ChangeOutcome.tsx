import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { DirectorId, WeightChange } from "@lvsdeck/protocol";
import { postReapply } from "../../api/mutations";
import { RECENT_WEIGHT_CHANGES, recentWeightChangesQuery } from "../../api/queries";
import { applyWeightChange } from "../../live/applyUpdate";
import { describeHeadline, describeResult, reapplicableStates } from "./describeWeightChange";

/**
 * A weight change's outcome per director, following the hub's live updates of that change: a director
 * that was away turns from "pending (disconnected)" to applied or drift when it returns, and a drifted,
 * failed or timed-out director can be sent the change again with one click.
 */
export function ChangeOutcome({ answered, label }: { answered: WeightChange; label: string }) {
  const client = useQueryClient();
  const live = useQuery({ ...recentWeightChangesQuery(), select: (recent) => recent.find((c) => c.id === answered.id) }).data ?? answered;
  const reapply = useMutation({
    mutationFn: (director: DirectorId) => postReapply(live.id, director),
    onSuccess: (change) => client.setQueryData(recentWeightChangesQuery().queryKey, (recent) => applyWeightChange(recent ?? [], change, RECENT_WEIGHT_CHANGES)),
  });
  return (
    <div className={`weight-status ${live.state}`} data-testid="weight-result" data-state={live.state}>
      <span role="status">{describeHeadline(live)}</span>
      <ul className="weight-directors">
        {live.results.map((r) => (
          <li key={r.director} data-testid="weight-director" data-director={r.director} data-state={r.state}>
            {describeResult(r)}
            {reapplicableStates.has(r.state) && (
              <button type="button" disabled={reapply.isPending} aria-label={`Reapply weight ${live.weight} of ${label} on ${r.director}`} onClick={() => reapply.mutate(r.director)}>
                Reapply
              </button>
            )}
          </li>
        ))}
      </ul>
      {reapply.isError && (
        <span className="weight-status failed" role="alert">
          reapply refused: {reapply.error.message}
        </span>
      )}
    </div>
  );
}
