import type { DirectorView } from "@lvsdeck/protocol";
import { vipInScope } from "@lvsdeck/cluster";

/** A director's view reduced to the VIPs a principal may see: other services, VRRP instances and VIPs are left out. */
export function scopeView(view: DirectorView, scope: readonly string[] | null): DirectorView {
  if (scope === null || view.snapshot === null) return view;
  const snapshot = view.snapshot;
  return {
    ...view,
    snapshot: {
      ...snapshot,
      services: snapshot.services.filter((s) => s.address !== null && vipInScope(s.address, scope)),
      vrrp: snapshot.vrrp.filter((v) => v.vips.some((vip) => vipInScope(vip, scope))).map((v) => ({ ...v, vips: v.vips.filter((vip) => vipInScope(vip, scope)) })),
      vipsPresent: snapshot.vipsPresent.filter((vip) => vipInScope(vip, scope)),
    },
  };
}
