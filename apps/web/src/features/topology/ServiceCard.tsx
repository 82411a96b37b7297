import { memo, useState, type RefObject } from "react";
import type { AgentInfo, DirectorId, VirtualService } from "@lvsdeck/protocol";
import { RealServerRow } from "./RealServerRow";
import { NEAR_SCREEN, TableRows } from "./RowWindow";
import { useNearViewport } from "../../lib/useNearViewport";
import { forwardingOf, kindOf, persistenceOf, schedulerOf } from "./describeService";
import { connectionShares, describePersistenceEffect, expectedShares, shareModelFor } from "../weights/expectedShare";
import { LazyServiceChart } from "../charts/LazyServiceChart";
import { formatCount, formatRate } from "../../lib/format";
import { formatHms } from "../../lib/time";
import { useMoment } from "./moment";
import { realServerStatus } from "./graphModel";
import { quorumText } from "./checkerText";
import { useSession } from "../auth/sessionQuery";
import { mayChangeWeights } from "../auth/permissions";

interface Props {
  service: VirtualService;
  /** The director whose table this is, for the chart's history. */
  director: DirectorId;
  agent: AgentInfo | null;
  /** Directors whose tables carry this service: a weight change goes to each. */
  targets: readonly string[];
  folded: boolean;
  onToggle: () => void;
  /** After a search that matched only some real servers: those to show (shares still count them all). */
  shownRealServers?: ReadonlySet<string> | undefined;
  /** Many rows are open on the page: draw this service's rows only near the screen. */
  windowRows?: boolean;
}

/** Shown with the weight controls of a service whose weights the agent sets in runtime mode. */
const RUNTIME_SERVICE_NOTE =
  "Runtime weights: keepalived puts a server's configured weight back at its next health transition or reload; weight mode keepalived (agent --weight-mode keepalived) keeps them.";

const modelNote = {
  weighted: "new connections by weight among servers that are up",
  equal: "new connections spread equally among servers with weight > 0",
  failover: "new connections go to the highest-weight server that is up",
  unknown: "unknown scheduler: how it spreads new connections is not known",
} as const;

/**
 * One virtual service with its real servers, weights, traffic shares and connection history. With many
 * rows open on the page, a card more than a screen away from the viewport is not redrawn by updates
 * (nobody sees it); it catches up as soon as it comes near.
 */
export function ServiceCard(props: Props) {
  const [ref, near] = useNearViewport<HTMLElement>(NEAR_SCREEN, props.windowRows === true);
  return <ServiceCardBody {...props} frozen={props.windowRows === true && !near} sectionRef={ref} />;
}

interface BodyProps extends Props {
  /** Far off screen: skip redrawing for new props. */
  frozen: boolean;
  sectionRef: RefObject<HTMLElement | null>;
}

const ServiceCardBody = memo(ServiceCardContent, (before, after) => before.frozen && after.frozen);

function ServiceCardContent({ service, director, agent, targets, folded, onToggle, shownRealServers, windowRows = false, sectionRef }: BodyProps) {
  const moment = useMoment();
  const mayChange = mayChangeWeights(useSession(), service);
  const [drafts, setDrafts] = useState<ReadonlyMap<string, number>>(new Map());
  const shares = connectionShares(service.realServers);
  const drafting = drafts.size > 0;
  const expected = drafting ? expectedShares(service.scheduler, service.realServers, drafts) : null;
  const persistence = persistenceOf(service);
  const disabledReason =
    moment !== null
      ? "this is the cluster as it was: go back to live to change weights"
      : agent !== null && !agent.capabilities.includes("set-weight")
        ? `the agent on ${director} cannot set weights`
        : null;
  const bodyId = `svc-body-${service.key.replace(/[^A-Za-z0-9]/g, "-")}`;
  const active = service.realServers.reduce((n, rs) => n + rs.activeConns, 0);
  const inactive = service.realServers.reduce((n, rs) => n + rs.inactiveConns, 0);
  const up = service.realServers.filter((rs) => realServerStatus(rs) === "up").length;
  const quorum = quorumText(service.checker);

  const onDraft = (rs: string) => (weight: number | null) =>
    setDrafts((old) => {
      if (weight === null && !old.has(rs)) return old;
      const next = new Map(old);
      if (weight === null) next.delete(rs);
      else next.set(rs, weight);
      return next;
    });

  return (
    <section ref={sectionRef} className="service" data-testid="service" data-service={service.key} aria-label={`Virtual service ${service.key}`}>
      <header className="service-head">
        <h4 className="service-key">
          <button type="button" className="fold" aria-expanded={!folded} {...(!folded && { "aria-controls": bodyId })} onClick={onToggle}>
            <span aria-hidden="true">{folded ? "▸" : "▾"}</span> {service.key}
          </button>
        </h4>
        <ul className="service-tags">
          <li title="address family and protocol">{kindOf(service)}</li>
          <li title={modelNote[shareModelFor(service.scheduler)]} data-testid="service-scheduler">{schedulerOf(service)}</li>
          <li title="forwarding method">{forwardingOf(service)}</li>
          {persistence !== null && <li>{persistence}</li>}
          {service.onePacket && <li>one-packet</li>}
          {service.pe !== null && <li>pe {service.pe}</li>}
        </ul>
        <p className="service-totals" {...(service.connectionStates !== undefined && { title: `connection states counted at ${formatHms(service.connectionStates.countedAt)}; ${service.connectionStates.templates} persistence templates`, "data-states-at": service.connectionStates.countedAt })}>
          {formatCount(active)} active · {formatCount(inactive)} inactive · {formatRate(service.rates.cps)} conn/s · {service.realServers.length} real server
          {service.realServers.length === 1 ? "" : "s"} · <span data-testid="service-up">{up}/{service.realServers.length} up</span>
        </p>
        {quorum !== null && (
          <p className="service-quorum warn" data-testid="service-quorum">
            {quorum}
          </p>
        )}
        {service.issues !== undefined && (
          <p className="service-quorum warn" data-testid="service-issues">
            unreadable: {service.issues.map((issue) => `${issue.field} = ${issue.raw} (${issue.message})`).join("; ")}
          </p>
        )}
        {mayChange && <p className="service-targets">weight changes go to {targets.length === 0 ? director : targets.join(", ")}</p>}
      </header>
      {!folded && <div className="service-body" id={bodyId}>
        {service.realServers.length === 0 ? (
          <p className="empty">No real servers.</p>
        ) : (
          <>
            <table className="rs-table">
              <thead>
                <tr>
                  <th scope="col">Real server</th>
                  <th scope="col">Fwd</th>
                  <th scope="col">Weight</th>
                  <th scope="col">Health</th>
                  <th scope="col" className="num">Active</th>
                  <th scope="col" className="num">Inactive</th>
                  <th scope="col" className="num">Conn/s</th>
                  <th scope="col">Share</th>
                  <th scope="col">Weight from</th>
                </tr>
              </thead>
              <TableRows
                windowed={windowRows}
                columns={9}
                items={service.realServers.filter((rs) => shownRealServers === undefined || shownRealServers.has(rs.key))}
                row={(rs) => (
                  <RealServerRow
                    key={rs.key}
                    service={service.key}
                    rs={rs}
                    share={shares.get(rs.key) ?? 0}
                    expected={expected === null ? null : (expected.get(rs.key) ?? 0)}
                    weightDisabledReason={disabledReason}
                    mayChange={mayChange}
                    onDraft={onDraft(rs.key)}
                    director={director}
                    sorryServer={service.checker?.sorryServer === rs.key}
                    targets={targets}
                    persistenceSec={service.persistence?.timeoutSec ?? null}
                  />
                )}
              />
            </table>
            {shownRealServers !== undefined && (
              <p className="service-targets" data-testid="search-partial">
                {shownRealServers.size} of {service.realServers.length} real servers match the search; shares count all of them
              </p>
            )}
            {/* Under the rows rather than above them, so the weight controls stay where they were. */}
            {drafting && expected === null && (
              <p className="service-targets" data-testid="share-unknown" role="status">
                unknown scheduler {service.scheduler}: no share of new connections is previewed
              </p>
            )}
            {expected !== null && service.persistence !== null && (
              <p className="service-targets" data-testid="persistence-note" role="status">
                {describePersistenceEffect(service.persistence.timeoutSec)}
              </p>
            )}
            {mayChange && service.realServers.some((rs) => rs.weightMode === "runtime") && (
              <p className="service-targets" data-testid="runtime-weight-note">
                {RUNTIME_SERVICE_NOTE}
              </p>
            )}
            <LazyServiceChart director={director} service={service.key} realServers={service.realServers.map((rs) => rs.key)} end={moment} />
          </>
        )}
      </div>}
    </section>
  );
}
