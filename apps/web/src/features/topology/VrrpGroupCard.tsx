import type { DirectorId } from "@lvsdeck/protocol";
import type { VrrpGroup } from "./topologyModel";
import { DirectorCard } from "./DirectorCard";
import { ServiceCard } from "./ServiceCard";
import { formatAge } from "../../lib/freshness";
import { PlannedFailover } from "../failover/PlannedFailover";
import { useSession } from "../auth/sessionQuery";
import { actingScope, sessionCan } from "../auth/permissions";

function title(group: VrrpGroup): string {
  if (group.vrid === null) return `${group.members[0]?.view.id ?? "director"} — no VRRP instance`;
  return `VRID ${group.vrid}${group.names.length > 0 ? ` · ${group.names.join(" / ")}` : ""}`;
}

function tableSource(group: VrrpGroup): string {
  const shown = group.shown;
  if (shown === null) return "No director has reported an IPVS table yet.";
  const role = shown.freshness.stale ? `stale, last reported ${shown.state}` : shown.state;
  const why = group.problem === "split-brain" ? " — one of several MASTERs" : group.problem === "no-master" && group.vrid !== null ? " — no MASTER, freshest table" : "";
  return `IPVS table of ${shown.view.id} (${role}), data ${formatAge(shown.freshness.ageMs)}${why}`;
}

const syncTitle =
  "IPVS connection sync: the MASTER's sync daemon sends its connections to the BACKUP's, so on failover the BACKUP keeps them. Share = the BACKUP's synced entries over the MASTER's own, from /proc/net/ip_vs_conn_sync; the kernel syncs a connection once it has passed a few packets (sync_threshold), so half-open ones are not carried.";

/** One VRRP instance: its directors, then the virtual services behind its VIPs as one director sees them. */
interface Props {
  group: VrrpGroup;
  isFolded: (service: string) => boolean;
  onToggleService: (service: string, fold: boolean) => void;
  /** Many real-server rows are open on the page: services draw theirs only near the screen. */
  windowRows?: boolean;
}

/** Directors of the group whose table carries the service: where a weight change goes. */
function carriers(group: VrrpGroup, service: string): string[] {
  return group.members.filter((m) => m.view.snapshot?.services.some((s) => s.key === service) === true).map((m) => m.view.id);
}

/** Directors of the group whose agent can hold them down: each gets the planned-failover control, which shows itself only when it applies. */
function failoverDirectors(group: VrrpGroup): DirectorId[] {
  if (group.vrid === null) return [];
  return [...new Set(group.members.filter((m) => m.view.agent?.capabilities.includes("planned-failover") === true).map((m) => m.view.id))];
}

export function VrrpGroupCard({ group, isFolded, onToggleService, windowRows = false }: Props) {
  const shown = group.shown;
  const session = useSession();
  const mayFailover = sessionCan(session, "operator") && actingScope(session) === null;
  const timeouts = shown?.view.snapshot?.timeouts ?? null;
  return (
    <section className={`vrrp-group${group.problem === null ? "" : ` problem-${group.problem}`}`} data-testid="vrrp-group" data-vrid={group.vrid ?? ""} data-vips={group.vips.join(" ")} data-status={group.status} aria-label={title(group)}>
      <header className="group-head">
        <h2>{title(group)}</h2>
        {group.vips.length > 0 && <p className="group-vips">VIP {group.vips.join(", ")}</p>}
      </header>
      <div className="directors">
        {group.members.map((m) => (
          <DirectorCard key={`${m.view.id}-${m.instance?.name ?? ""}`} member={m} />
        ))}
      </div>
      {group.sync.map((sync) => (
        <p key={sync.backup} className={`group-sync sync-${sync.kind}`} data-testid="group-sync" data-backup={sync.backup} data-kind={sync.kind} title={syncTitle}>
          {sync.text}
        </p>
      ))}
      {mayFailover && failoverDirectors(group).map((id) => <PlannedFailover key={id} group={group} director={id} />)}
      <p className={`table-source${shown?.freshness.stale === true ? " stale" : ""}`} data-testid="table-source">
        {tableSource(group)}
        {timeouts !== null && (
          <span className="timeouts" title="ipvsadm --set timeouts">
            {" "}
            · timeouts tcp {timeouts.tcp} s, tcpfin {timeouts.tcpFin} s, udp {timeouts.udp} s
          </span>
        )}
      </p>
      {shown !== null && group.services.length === 0 && <p className="empty">No virtual services on these VIPs.</p>}
      {shown !== null &&
        group.services.map((service) => (
          <ServiceCard
            shownRealServers={group.shownRealServers?.get(service.key)}
            key={service.key}
            service={service}
            director={shown.view.id}
            agent={shown.view.agent}
            targets={carriers(group, service.key)}
            folded={isFolded(service.key)}
            windowRows={windowRows}
            onToggle={() => onToggleService(service.key, !isFolded(service.key))}
          />
        ))}
    </section>
  );
}
