import type { RealServer, ServiceKey } from "@lvsdeck/protocol";
import { forwardingLabel } from "@lvsdeck/protocol";
import { WeightControl } from "../weights/WeightControl";
import { formatCount, formatPercent, formatRate } from "../../lib/format";
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { eventsQuery } from "../../api/queries";
import { drainsQuery } from "../../api/drains";
import { drainCounts, drainProgress, findDrain, persistentDrainAdvice, restoreTarget } from "../weights/drain";
import { useServerNow } from "../../live/useLive";
import { formatHms } from "../../lib/time";
import { DrainProgressView } from "../weights/DrainProgressView";
import { checkerTitle, healthText } from "./checkerText";
import { stateSummary } from "./connectionStates";

interface Props {
  service: ServiceKey;
  rs: RealServer;
  /** Share of the service's current connections (active + inactive). */
  share: number;
  /** Expected share of new connections while a weight of this service is being chosen; null otherwise. */
  expected: number | null;
  weightDisabledReason: string | null;
  /** Whether the signed-in user may change this weight; others see it as a plain number. */
  mayChange: boolean;
  onDraft: (weight: number | null) => void;
  /** The director whose table is shown: its connection table lists who is still on a draining server. */
  director: string;
  /** This row is the service's sorry server (keepalived's `sorry_server`). */
  sorryServer?: boolean;
  /** Directors a weight change goes to. */
  targets: readonly string[];
  /** The service's persistence timeout (s), or null without persistence: a drain then waits for templates. */
  persistenceSec?: number | null;
}

const sourceText: Record<RealServer["weightSource"], string> = {
  config: "config",
  operator: "operator",
  "health-check": "health check",
};

/** One real server: weight (editable), health, connections and its share of the traffic. */
export function RealServerRow({ service, rs, share, expected, weightDisabledReason, mayChange, onDraft, director, sorryServer = false, targets, persistenceSec = null }: Props) {
  const conns = rs.activeConns + rs.inactiveConns;
  const states = stateSummary(rs.states);
  const events = useQuery(eventsQuery()).data?.events;
  const drain = findDrain(useQuery(drainsQuery()).data, service, rs.key);
  const counts = drainCounts(drain, director, rs);
  // The most connections seen since the drain began: what the progress bar counts down from.
  const [drainStart, setDrainStart] = useState(0);
  const start = counts.weight === 0 ? Math.max(drainStart, counts.activeConns + counts.inactiveConns) : 0;
  if (start !== drainStart) setDrainStart(start);
  const progress = drainProgress(counts, start);
  const now = useServerNow();
  // New connections to a weight-0 server of a persistent service are returning clients (their templates send them here).
  const advice = progress === null ? null : persistentDrainAdvice({ timeoutSec: persistenceSec, templates: progress.templates, returningCps: rs.rates.cps, left: progress.left, now, directors: targets.length === 0 ? [director] : targets, clock: (ms) => formatHms(ms) });
  return (
    <tr
      data-testid="real-server"
      data-service={service}
      data-real-server={rs.key}
      data-weight={rs.weight}
      data-health={rs.health}
      data-in-kernel={rs.inKernel !== false}
      data-active={rs.activeConns}
      data-inactive={rs.inactiveConns}
      data-cps={rs.rates.cps}
      className={`rs rs-${rs.health}`}
    >
      <th scope="row" className="rs-key">
        {rs.key}
        {sorryServer && <span className="rs-sorry"> · sorry server</span>}
        {rs.issues !== undefined && (
          <span className="rs-issues warn" data-testid="rs-issues" title={rs.issues.map((issue) => `${issue.field}: ${issue.message}`).join("\n")}>
            unreadable: {rs.issues.map((issue) => `${issue.field} = ${issue.raw}`).join(", ")}
          </span>
        )}
      </th>
      <td data-label="Fwd">{forwardingLabel[rs.forwarding]}</td>
      <td className="rs-weight" data-label="Weight">
        {mayChange ? (
          <WeightControl
            service={service}
            realServer={rs.key}
            confirmed={rs.weight}
            weightMode={rs.weightMode}
            disabledReason={
              rs.inKernel === false
                ? "not in the kernel table: keepalived puts it back when its checker passes"
                : rs.issues?.some((issue) => issue.field === "weight") === true
                  ? "its weight as reported could not be read"
                  : weightDisabledReason
            }
            onDraft={onDraft}
            restoreTo={restoreTarget(drain, service, rs.key, events ?? [])}
            targets={targets.length === 0 ? [director] : targets}
          />
        ) : (
          <span className="weight-plain" data-testid="weight-value">
            {rs.weight}
          </span>
        )}
        {progress !== null && <DrainProgressView progress={progress} service={service} realServer={rs.key} director={director} advice={advice} />}
      </td>
      <td data-label="Health">
        <span className={`health health-${rs.health}`} data-testid="health" title={checkerTitle(rs)}>
          {healthText(rs)}
        </span>
        {/* Always one line, counted or not, so the row keeps its height while counts come and change under a dragging pointer. */}
        {states !== null ? (
          <span className="rs-states" data-testid="rs-states" title={states.title}>
            {states.text}
          </span>
        ) : (
          <span className="rs-states" aria-hidden="true">
            {"\u00a0"}
          </span>
        )}
      </td>
      <td className="num" data-label="Active">{formatCount(rs.activeConns)}</td>
      <td className="num" data-label="Inactive">{formatCount(rs.inactiveConns)}</td>
      <td className="num" data-label="Conn/s">{formatRate(rs.rates.cps)}</td>
      <td className="rs-share" data-label="Share">
        <div className="share-bar" aria-hidden="true">
          <div className="share-fill" style={{ width: `${Math.round(share * 100)}%` }} />
        </div>
        <span data-testid="share" className="share-text" title={conns === 0 ? "no connections" : `${formatCount(conns)} connections`}>
          {formatPercent(share)}
        </span>
        {expected !== null ? (
          <span className="expected" data-testid="expected-share" title="expected share of new connections">
            → {formatPercent(expected)} of new
          </span>
        ) : (
          // Keeps the row's height while no weight is being chosen, so rows do not jump under the pointer.
          <span className="expected" aria-hidden="true" style={{ visibility: "hidden" }}>
            →
          </span>
        )}
      </td>
      <td className="rs-source" data-label="Weight from" title={rs.weightMode === "runtime" ? "set in IPVS only: keepalived overwrites it at its next health transition or reload" : "persisted to keepalived's configuration"}>
        {sourceText[rs.weightSource]}
        <span className="mode"> · {rs.weightMode}</span>
      </td>
    </tr>
  );
}
