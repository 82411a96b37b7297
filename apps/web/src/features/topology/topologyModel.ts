import type { ClusterResponse, DirectorId, DirectorView, VirtualService, VrrpInstance, VrrpState } from "@lvsdeck/protocol";
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

/** What is wrong with a VRRP instance as a whole. */
export type GroupProblem = "split-brain" | "no-master";

/** One VRRP instance (a VRID) across directors, with the virtual services behind its VIPs. */
export interface VrrpGroup {
  key: string;
  vrid: number | null;
  names: readonly string[];
  vips: readonly string[];
  members: readonly GroupMember[];
  /** Members that are MASTER and whose data is current. */
  liveMasters: readonly GroupMember[];
  problem: GroupProblem | null;
  /** The director whose IPVS table is shown: the live MASTER, else the freshest director with data. */
  shown: GroupMember | null;
  services: readonly VirtualService[];
}

/** "192.168.50.100/32 dev eth0" and "2001:DB8::1" → "192.168.50.100", "2001:db8::1". */
export function normalizeVip(vip: string): string {
  const address = (vip.trim().split(/\s+/)[0] ?? "").split("/")[0] ?? "";
  return address.replace(/^\[|\]$/g, "").toLowerCase();
}

function stateWithoutInstance(view: DirectorView): VrrpState {
  return view.snapshot !== null && !view.snapshot.keepalived.running ? "STOP" : "UNKNOWN";
}

function pickShown(members: readonly GroupMember[], liveMasters: readonly GroupMember[]): GroupMember | null {
  if (liveMasters[0] !== undefined) return liveMasters[0];
  const withData = members.filter((m) => m.view.snapshot !== null);
  const fresh = withData.filter((m) => !m.freshness.stale);
  const pool = fresh.length > 0 ? fresh : withData;
  return pool.reduce<GroupMember | null>((best, m) => (best === null || (m.view.receivedAt ?? 0) > (best.view.receivedAt ?? 0) ? m : best), null);
}

interface GroupDraft {
  vrid: number | null;
  names: Set<string>;
  vips: Set<string>;
  members: GroupMember[];
}

function collectGroups(cluster: ClusterResponse, now: number): { drafts: Map<string, GroupDraft>; orphans: GroupMember[] } {
  const drafts = new Map<string, GroupDraft>();
  const withoutVrrp: GroupMember[] = [];
  for (const view of cluster.directors) {
    const freshness = directorFreshness(view, cluster.staleAfterTicks, now);
    const instances = view.snapshot?.vrrp ?? [];
    if (instances.length === 0) {
      withoutVrrp.push({ view, instance: null, state: stateWithoutInstance(view), freshness });
      continue;
    }
    for (const instance of instances) {
      const key = `vrid-${instance.vrid}`;
      const draft = drafts.get(key) ?? { vrid: instance.vrid, names: new Set(), vips: new Set(), members: [] };
      draft.names.add(instance.name);
      for (const vip of instance.vips) draft.vips.add(normalizeVip(vip));
      draft.members.push({ view, instance, state: instance.state, freshness });
      drafts.set(key, draft);
    }
  }
  // A director without VRRP (keepalived stopped) still belongs where its services' VIPs are.
  const orphans: GroupMember[] = [];
  for (const member of withoutVrrp) {
    const addresses = new Set((member.view.snapshot?.services ?? []).map((s) => normalizeVip(s.address ?? "")));
    const homes = [...drafts.values()].filter((d) => [...d.vips].some((vip) => addresses.has(vip)));
    if (homes.length === 0) orphans.push(member);
    for (const home of homes) home.members.push(member);
  }
  return { drafts, orphans };
}

/** Groups the cluster by VRRP instance and decides, per instance, whose IPVS table to show. */
export function buildTopology(cluster: ClusterResponse, now: number): VrrpGroup[] {
  const { drafts, orphans } = collectGroups(cluster, now);
  const groups: VrrpGroup[] = [...drafts.entries()]
    .sort(([, a], [, b]) => (a.vrid ?? 0) - (b.vrid ?? 0))
    .map(([key, d]) => {
      const members = [...d.members].sort((a, b) => a.view.id.localeCompare(b.view.id));
      const liveMasters = members.filter((m) => m.state === "MASTER" && !m.freshness.stale);
      // With every member stale nothing is known (the stale banner says so); a live member and no live
      // MASTER is "no MASTER", even if a stale member last said MASTER: it cannot be confirmed.
      const anyLive = members.some((m) => !m.freshness.stale);
      const problem: GroupProblem | null = liveMasters.length > 1 ? "split-brain" : liveMasters.length === 0 && anyLive ? "no-master" : null;
      return { key, vrid: d.vrid, names: [...d.names].sort(), vips: [...d.vips], members, liveMasters, problem, shown: pickShown(members, liveMasters), services: [] };
    });
  for (const member of orphans) {
    groups.push({ key: `director-${member.view.id}`, vrid: null, names: [], vips: [], members: [member], liveMasters: [], problem: null, shown: member.view.snapshot === null ? null : member, services: [] });
  }
  return attachServices(groups);
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
      : snapshot.services.filter((s) => s.address === null || !allVips.has(normalizeVip(s.address)));
    placedLeftovers.add(shown.view.id);
    return { ...group, services: [...own, ...leftovers] };
  });
}
