import type { ClusterGroup, ClusterHealth, ClusterResponse, DirectorId, DirectorView, Verdict, VirtualService, VrrpInstance, VrrpState } from "@lvsdeck/protocol";
import { describeSync, normalizeVip, statusOf, syncReading, verdictsOfGroup, type HealthStatus, type SyncReading } from "@lvsdeck/cluster";
import { directorFreshness, type Freshness } from "../../lib/freshness";

/** One director as a member of a VRRP instance. */
export interface GroupMember {
  view: DirectorView;
  /** The director's VRRP instance in this group; null when it reports none (e.g. keepalived stopped). */
  instance: VrrpInstance | null;
  /** The state to show: the instance's, or STOP/UNKNOWN when there is no instance. */
  state: VrrpState;
  freshness: Freshness;
}

/** What is wrong with a VRRP instance as a whole, as the hub's verdicts say. */
export type GroupProblem = "split-brain" | "no-master";

/** A group's one status: the hub's verdicts about it, or unknown while the hub cannot say. */
export type GroupStatus = HealthStatus | "unknown";

/** Whether one BACKUP would keep the MASTER's clients on failover now, in the hub's rule and words. */
export interface GroupSync {
  master: DirectorId;
  backup: DirectorId;
  kind: SyncReading["kind"];
  text: string;
}

/** One VRRP group as the hub grouped it (a VRID with its VIPs), with the virtual services behind its VIPs. */
export interface VrrpGroup {
  key: string;
  vrid: number | null;
  names: readonly string[];
  vips: readonly string[];
  members: readonly GroupMember[];
  /** Members that are MASTER and whose data is current: whose table to show. */
  liveMasters: readonly GroupMember[];
  status: GroupStatus;
  /** The hub's verdicts about this group. */
  verdicts: readonly Verdict[];
  problem: GroupProblem | null;
  /** The director whose IPVS table is shown: the live MASTER, else the freshest director with data. */
  shown: GroupMember | null;
  services: readonly VirtualService[];
  /** With one live MASTER: connection sync toward each of its current BACKUPs. */
  sync: readonly GroupSync[];
  /** After a search: per service that is shown only for some of its real servers, which ones. */
  shownRealServers?: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * Whose IPVS table a group shows: its live MASTER's. Without one, a fresh director's, preferring a table
 * that holds services (a stopped keepalived flushes its own) and then the director's name, so the page
 * does not swap tables every second while a BACKUP waits out the master-down interval; with nothing
 * fresh, the table reported last.
 */
function pickShown(members: readonly GroupMember[], liveMasters: readonly GroupMember[]): GroupMember | null {
  if (liveMasters[0] !== undefined) return liveMasters[0];
  const withData = members.filter((m) => m.view.snapshot !== null);
  const fresh = withData.filter((m) => !m.freshness.stale);
  if (fresh.length > 0) {
    const holding = fresh.filter((m) => (m.view.snapshot?.services.length ?? 0) > 0);
    return [...(holding.length > 0 ? holding : fresh)].sort((a, b) => a.view.id.localeCompare(b.view.id))[0] ?? null;
  }
  return withData.reduce<GroupMember | null>((best, m) => (best === null || (m.view.receivedAt ?? 0) > (best.view.receivedAt ?? 0) ? m : best), null);
}

function memberOf(view: DirectorView, instanceName: string | null, hubState: VrrpState, freshness: Freshness): GroupMember {
  // The director's own report is drawn as it arrives; the hub's grouping says where it belongs.
  const instance = instanceName === null ? null : (view.snapshot?.vrrp.find((i) => i.name === instanceName) ?? null);
  return { view, instance, state: instance?.state ?? hubState, freshness };
}

function groupFrom(group: ClusterGroup, health: ClusterHealth | null, members: GroupMember[]): VrrpGroup {
  const liveMasters = members.filter((m) => m.state === "MASTER" && !m.freshness.stale);
  const verdicts = health === null ? [] : verdictsOfGroup(health, group);
  const status: GroupStatus = health === null ? "unknown" : statusOf(verdicts);
  const problem = status === "split-brain" || status === "no-master" ? status : null;
  return { key: group.key, vrid: group.vrid, names: group.names, vips: group.vips, members, liveMasters, status, verdicts, problem, shown: pickShown(members, liveMasters), services: [], sync: groupSync(members, liveMasters) };
}

/**
 * The topology as the hub grouped it: one card per hub group, members drawn from the live director views.
 * `health` null means the hub's verdicts are not current (the feed is lost): every status is unknown.
 * A director no hub group names yet (it just connected) gets a card of its own, status unknown.
 */
export function buildTopology(cluster: ClusterResponse, health: ClusterHealth | null, now: number): VrrpGroup[] {
  const views = new Map<string, DirectorView>(cluster.directors.map((v) => [v.id, v]));
  const freshness = (view: DirectorView) => directorFreshness(view, cluster.staleAfterTicks, now);
  const grouped = new Set<string>();
  const groups: VrrpGroup[] = [];
  for (const group of (health ?? cluster.health).groups) {
    const members = group.members.flatMap((m) => {
      const view = views.get(m.director);
      if (view === undefined) return [];
      grouped.add(view.id);
      return [memberOf(view, m.instance, m.state, freshness(view))];
    });
    if (members.length > 0) groups.push(groupFrom(group, health, members));
  }
  for (const view of cluster.directors) {
    if (grouped.has(view.id)) continue;
    const alone: ClusterGroup = { key: `director/${view.id}`, vrid: null, vips: [], names: [], label: view.id, members: [] };
    groups.push(groupFrom(alone, null, [memberOf(view, null, "UNKNOWN", freshness(view))]));
  }
  return attachServices(groups);
}

/** Connection sync from the one live MASTER to each current BACKUP; none without a single live MASTER. */
function groupSync(members: readonly GroupMember[], liveMasters: readonly GroupMember[]): GroupSync[] {
  const master = liveMasters.length === 1 ? liveMasters[0] : undefined;
  if (master === undefined) return [];
  const backups = members.filter((m) => m.state === "BACKUP" && !m.freshness.stale && m.view.id !== master.view.id);
  return backups.map((b) => {
    const reading = syncReading({ id: master.view.id, sync: master.view.snapshot?.connectionSync }, { id: b.view.id, sync: b.view.snapshot?.connectionSync });
    return { master: master.view.id, backup: b.view.id, kind: reading.kind, text: describeSync(reading, master.view.id, b.view.id) };
  });
}

/** Services behind each group's VIPs from its shown director; services on no VIP go to that director's first group. */
function attachServices(groups: VrrpGroup[]): VrrpGroup[] {
  const placedLeftovers = new Set<DirectorId>();
  return groups.map((group) => {
    const shown = group.shown;
    const snapshot = shown?.view.snapshot;
    if (shown === null || snapshot === undefined || snapshot === null) return group;
    const allVips = new Set(snapshot.vrrp.flatMap((i) => i.vips.map(normalizeVip)));
    const vips = new Set(group.vips);
    const own = snapshot.services.filter((s) => s.address !== null && vips.has(normalizeVip(s.address)));
    const leftovers = placedLeftovers.has(shown.view.id)
      ? []
      : snapshot.services.filter((s) => s.address === null || (!allVips.has(normalizeVip(s.address)) && !vips.has(normalizeVip(s.address))));
    placedLeftovers.add(shown.view.id);
    return { ...group, services: [...own, ...leftovers] };
  });
}
