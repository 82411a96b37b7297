import type { DirectorSnapshot, DirectorView, VirtualService, VrrpInstance } from "@lvsdeck/protocol";

/** A director view whose data can be trusted now: connected, not stale, with a snapshot. */
export type FreshDirector = DirectorView & { snapshot: DirectorSnapshot };

/** True when the director's data is fresh (the hub's `stale` flag is off and the agent is connected). */
export function isFresh(view: DirectorView): view is FreshDirector {
  return view.connected && !view.stale && view.snapshot !== null;
}

/** A VIP as compared across directors: without a `/prefix`, lower-case (IPv6). */
export function normalizeVip(vip: string): string {
  return (vip.split("/")[0] ?? vip).trim().toLowerCase();
}

/** One director's VRRP instance inside a group. */
export interface VrrpMember {
  director: DirectorView;
  instance: VrrpInstance;
  fresh: boolean;
}

/** The instances of one VRRP network: same VRID and sharing at least one VIP (or all without VIPs). */
export interface VrrpGroup {
  vrid: number;
  /** Union of the members' VIPs, normalised and sorted. */
  vips: string[];
  /** `88/192.168.50.100,192.168.50.101`: the group's identity in alert ids. */
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

/** Groups every reported VRRP instance into networks: same VRID and overlapping VIP sets. */
export function vrrpGroups(directors: readonly DirectorView[]): VrrpGroup[] {
  const drafts: Draft[] = [];
  for (const director of directors) {
    for (const instance of director.snapshot?.vrrp ?? []) {
      const member: VrrpMember = { director, instance, fresh: isFresh(director) };
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
  return drafts.map(finish).sort((a, b) => a.vrid - b.vrid || a.key.localeCompare(b.key));
}

/** Distinct ids of the directors among `members`, sorted. */
export function directorNames(members: readonly VrrpMember[]): string[] {
  return [...new Set(members.map((m) => m.director.id as string))].sort();
}

/** The services a fresh director is carrying traffic for: those on VIPs it is MASTER of. */
export function liveServices(view: FreshDirector): VirtualService[] {
  const { vrrp, services } = view.snapshot;
  // A director without VRRP instances runs standalone: all of its table is live.
  if (vrrp.length === 0) return services;
  const masters = vrrp.filter((i) => i.state === "MASTER");
  if (masters.length === 0) return [];
  const vips = new Set(masters.flatMap((i) => i.vips.map(normalizeVip)));
  // A fwmark service has no address to match; it is live wherever the director is MASTER of anything.
  return services.filter((s) => (s.address === null ? s.fwmark !== null : vips.has(normalizeVip(s.address))));
}
