import type { ClusterGroup, DirectorSnapshot, DirectorView, VirtualService, VrrpInstance, VrrpState } from "@lvsdeck/protocol";
import { normalizeVip } from "./keys";
import type { FreshDirector } from "./staleness";
import { isFresh } from "./staleness";

/**
 * One director inside a group: its VRRP instance there, or null for a director without VRRP (keepalived
 * stopped, or standalone LVS) whose services are on the group's VIPs.
 */
export interface VrrpMember {
  director: DirectorView;
  instance: VrrpInstance | null;
  state: VrrpState;
  fresh: boolean;
}

/** The instances of one VRRP network: same VRID and sharing at least one VIP (or all without VIPs). */
export interface VrrpGroup {
  /** Null for a director without VRRP whose services are on no group's VIPs: a group of its own. */
  vrid: number | null;
  /** Union of the members' VIPs, normalised and sorted. */
  vips: string[];
  /** `88/192.168.50.100,192.168.50.101`: the group's identity in verdict ids. */
  key: string;
  /** `VRID 88 (192.168.50.100 +1)`: the group's name in messages. */
  label: string;
  members: VrrpMember[];
}

// Instances without VIPs share this marker so they group with each other by VRID alone.
const NO_VIPS = "";

interface Draft {
  vrid: number;
  vips: Set<string>;
  members: VrrpMember[];
}

function finish(draft: Draft): VrrpGroup {
  const vips = [...draft.vips].filter((v) => v !== NO_VIPS).sort();
  const extra = vips.length > 1 ? ` +${vips.length - 1}` : "";
  const label = vips.length > 0 ? `VRID ${draft.vrid} (${vips[0]}${extra})` : `VRID ${draft.vrid}`;
  return { vrid: draft.vrid, vips, key: `${draft.vrid}/${vips.join(",")}`, label, members: draft.members };
}

function stateWithoutInstance(view: DirectorView): VrrpState {
  return view.snapshot !== null && !view.snapshot.keepalived.running ? "STOP" : "UNKNOWN";
}

function instanceDrafts(directors: readonly DirectorView[]): Draft[] {
  const drafts: Draft[] = [];
  for (const director of directors) {
    for (const instance of director.snapshot?.vrrp ?? []) {
      const member: VrrpMember = { director, instance, state: instance.state, fresh: isFresh(director) };
      const vips = instance.vips.length > 0 ? instance.vips.map(normalizeVip) : [NO_VIPS];
      const overlapping = drafts.filter((d) => d.vrid === instance.vrid && vips.some((v) => d.vips.has(v)));
      const merged: Draft = { vrid: instance.vrid, vips: new Set(vips), members: [member] };
      for (const draft of overlapping) {
        draft.vips.forEach((v) => merged.vips.add(v));
        merged.members.unshift(...draft.members);
        drafts.splice(drafts.indexOf(draft), 1);
      }
      drafts.push(merged);
    }
  }
  return drafts;
}

/**
 * Groups every reported VRRP instance into networks: same VRID and overlapping VIP sets (a VRID is only
 * unique per L2 segment, so the same VRID on disjoint VIPs is two clusters). A director without VRRP
 * instances joins the groups whose VIPs its services listen on, or stands alone as a group with no VRID.
 */
export function vrrpGroups(directors: readonly DirectorView[]): VrrpGroup[] {
  const groups = instanceDrafts(directors)
    .map(finish)
    .sort((a, b) => (a.vrid ?? 0) - (b.vrid ?? 0) || a.key.localeCompare(b.key));
  const alone: VrrpGroup[] = [];
  for (const director of directors) {
    if ((director.snapshot?.vrrp.length ?? 0) > 0) continue;
    const member: VrrpMember = { director, instance: null, state: stateWithoutInstance(director), fresh: isFresh(director) };
    const addresses = new Set((director.snapshot?.services ?? []).flatMap((s) => (s.address === null ? [] : [normalizeVip(s.address)])));
    const homes = groups.filter((g) => g.vips.some((vip) => addresses.has(vip)));
    for (const home of homes) home.members.push(member);
    // Standalone: its own group, whose VIPs are the addresses its services listen on.
    if (homes.length === 0) alone.push({ vrid: null, vips: [...addresses].sort(), key: `director/${director.id}`, label: director.id, members: [member] });
  }
  for (const group of groups) group.members.sort((a, b) => a.director.id.localeCompare(b.director.id));
  return [...groups, ...alone.sort((a, b) => a.key.localeCompare(b.key))];
}

/** Only the groups of VRRP instances (those with a VRID). */
export function vrrpInstanceGroups(groups: readonly VrrpGroup[]): (VrrpGroup & { vrid: number })[] {
  return groups.filter((g): g is VrrpGroup & { vrid: number } => g.vrid !== null);
}

/** A group as browsers receive it: directors by name. */
export function groupOnWire(group: VrrpGroup): ClusterGroup {
  const names = [...new Set(group.members.flatMap((m) => (m.instance === null ? [] : [m.instance.name])))].sort();
  return {
    key: group.key,
    vrid: group.vrid,
    vips: group.vips,
    names,
    label: group.label,
    members: group.members.map((m) => ({ director: m.director.id, instance: m.instance?.name ?? null, state: m.state, fresh: m.fresh })),
  };
}

/** Distinct ids of the directors among `members`, sorted. */
export function directorNames(members: readonly VrrpMember[]): string[] {
  return [...new Set(members.map((m) => m.director.id as string))].sort();
}

/** The VIPs a director's VRRP instances carry, normalised and sorted. */
export function vipsOfDirector(view: DirectorView): string[] {
  return [...new Set((view.snapshot?.vrrp ?? []).flatMap((i) => i.vips.map(normalizeVip)))].sort();
}

/**
 * Each snapshot's live services, worked out once: every alert rule that looks at services asks for them
 * on every evaluation. A snapshot is never changed in place (a delta makes a new one), so they stay right.
 */
const live = new WeakMap<DirectorSnapshot, readonly VirtualService[]>();

/** The services a fresh director is carrying traffic for: those on VIPs it is MASTER of. */
export function liveServices(view: FreshDirector): readonly VirtualService[] {
  const snapshot = view.snapshot;
  let services = live.get(snapshot);
  if (services === undefined) {
    services = servicesOnMasterVips(snapshot);
    live.set(snapshot, services);
  }
  return services;
}

function servicesOnMasterVips({ vrrp, services }: DirectorSnapshot): readonly VirtualService[] {
  // A director without VRRP instances runs standalone: all of its table is live.
  if (vrrp.length === 0) return services;
  const masters = vrrp.filter((i) => i.state === "MASTER");
  if (masters.length === 0) return [];
  const vips = new Set(masters.flatMap((i) => i.vips.map(normalizeVip)));
  // A fwmark service has no address to match; it is live wherever the director is MASTER of anything.
  return services.filter((s) => (s.address === null ? s.fwmark !== null : vips.has(normalizeVip(s.address))));
}
