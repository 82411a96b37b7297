import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { isHeld } from "@lvsdeck/cluster";
import { failoverResponseSchema, preflightResponseSchema } from "@lvsdeck/protocol";
import type { DirectorId, FailoverRequest, PreflightCheck } from "@lvsdeck/protocol";
import { getJson, postJson } from "../../api/http";
import type { VrrpGroup } from "../topology/topologyModel";
import { failoverSteps } from "./failoverProgress";

/** How often an open preflight is asked again (ms): it follows the directors' reports. */
const PREFLIGHT_REFRESH_MS = 2_000;
const mark: Record<PreflightCheck["status"], string> = { ok: "✓", warn: "!", fail: "✗" };

const preflightKey = (director: DirectorId) => ["failover", "preflight", director] as const;

/** The steps of the switch, each ticked when the directors report it. */
function Progress({ group, from, to, back }: { group: VrrpGroup; from: DirectorId; to: DirectorId; back: boolean }) {
  const steps = failoverSteps(group.members, group.vips, from, to, back);
  return (
    <ol className="failover-steps" data-testid="failover-steps">
      {steps.map((s) => (
        <li key={s.text} className={s.done ? "done" : "waiting"} data-done={String(s.done)}>
          <span aria-hidden="true">{s.done ? "✓" : "…"}</span> {s.text}
        </li>
      ))}
    </ol>
  );
}

/**
 * Planned failover of one director of a group: a preflight of what moving VRRP off it would break, a
 * guarded switch (failures block, warnings need acknowledging), its progress from the directors' own
 * reports, and the way back. The hub decides and audits; this only asks and shows.
 */
export function PlannedFailover({ group, director }: { group: VrrpGroup; director: DirectorId }) {
  const member = group.members.find((m) => m.view.id === director);
  const held = member !== undefined && isHeld(member.view);
  const [open, setOpen] = useState(false);
  const [acknowledged, setAcknowledged] = useState(false);
  const [switched, setSwitched] = useState<{ to: DirectorId; back: boolean } | null>(null);
  const client = useQueryClient();
  const preflight = useQuery({
    queryKey: preflightKey(director),
    queryFn: ({ signal }) => getJson(`/api/failover/preflight?director=${encodeURIComponent(director)}`, preflightResponseSchema, signal),
    enabled: open,
    refetchInterval: open ? PREFLIGHT_REFRESH_MS : false,
  });
  const move = useMutation({
    mutationFn: (request: FailoverRequest) => postJson("/api/failover", request, failoverResponseSchema),
    onSuccess: (answer, request) => {
      setSwitched({ to: answer.preflight.takeover ?? switched?.to ?? currentMaster ?? director, back: !request.hold });
      if (!request.hold) setOpen(false);
      void client.invalidateQueries({ queryKey: preflightKey(director) });
    },
  });
  const label = `Planned failover of ${director}`;
  const currentMaster = group.members.find((m) => m.view.id !== director && m.state === "MASTER")?.view.id ?? null;

  // The way back stays on screen until its steps are done, even while the director is neither held nor MASTER yet.
  const backDone = switched?.back === true && failoverSteps(group.members, group.vips, director, switched.to, true).every((s) => s.done);
  if (held || (switched?.back === true && !backDone)) {
    const to = switched?.to ?? currentMaster;
    return (
      <div className="failover" role="region" aria-label={label} data-testid="planned-failover" data-director={director} data-held={String(held)}>
        {held && <p className="failover-held warn">{director} is held down by a planned failover: keepalived reads the held failover file, its priority is 1.</p>}
        {switched !== null && to !== null && <Progress group={group} from={director} to={to} back={switched.back} />}
        {held && (
          <button type="button" disabled={move.isPending} onClick={() => move.mutate({ director, hold: false, acknowledgeWarnings: false })}>
            Move back to {director}
          </button>
        )}
        {move.isError && <p className="failed" role="alert">{move.error.message}</p>}
      </div>
    );
  }

  // Only the one live MASTER may be moved off; a director neither held nor MASTER shows nothing.
  const isLiveMaster = member !== undefined && !member.freshness.stale && group.liveMasters.length === 1 && group.liveMasters[0]?.view.id === director;
  if (!open && !isLiveMaster) return null;
  if (!open) {
    return (
      <div className="failover" data-testid="planned-failover" data-director={director} data-held="false">
        <button type="button" onClick={() => setOpen(true)}>
          Planned failover off {director}…
        </button>
      </div>
    );
  }

  const result = preflight.data;
  const warnings = result?.checks.filter((c) => c.status === "warn") ?? [];
  const ready = result !== undefined && result.ready && result.takeover !== null && (warnings.length === 0 || acknowledged);
  return (
    <div className="failover open" role="region" aria-label={label} data-testid="planned-failover" data-director={director} data-held="false">
      <h3>Move VRRP off {director}</h3>
      {preflight.isPending && <p>Checking…</p>}
      {preflight.isError && <p className="failed">preflight failed: {preflight.error.message}</p>}
      {result !== undefined && (
        <>
          <p className="hint">
            Writes the held value into the failover file that keepalived on {director} tracks: {result.instances.length > 0 ? result.instances.join(", ") : "its instances"} drop to priority 1
            {result.takeover !== null ? `, and ${result.takeover} takes over.` : "."} The way back is one click.
          </p>
          <ul className="preflight" data-testid="preflight">
            {result.checks.map((c) => (
              <li key={c.id} className={`check-${c.status}`} data-status={c.status}>
                <span aria-hidden="true">{mark[c.status]}</span> {c.text}
              </li>
            ))}
          </ul>
          {warnings.length > 0 && result.ready && (
            <label className="acknowledge">
              <input type="checkbox" checked={acknowledged} onChange={(e) => setAcknowledged(e.currentTarget.checked)} /> I have read the {warnings.length === 1 ? "warning" : `${warnings.length} warnings`} and move anyway
            </label>
          )}
        </>
      )}
      {switched !== null && <Progress group={group} from={director} to={switched.to} back={false} />}
      <div className="failover-buttons">
        <button type="button" disabled={!ready || move.isPending || switched !== null} onClick={() => move.mutate({ director, hold: true, acknowledgeWarnings: acknowledged })}>
          {result?.takeover != null ? `Move VRRP to ${result.takeover}` : "Move VRRP"}
        </button>
        <button type="button" onClick={() => setOpen(false)} disabled={move.isPending}>
          Close
        </button>
      </div>
      {move.isError && <p className="failed" role="alert">{move.error.message}</p>}
    </div>
  );
}
