import type { DirectorView } from "@lvsdeck/protocol";
import { vipInScope, vipOfServiceKey } from "@lvsdeck/cluster";

/**
 * A director's view reduced to the VIPs a principal may see: other services, VRRP instances and VIPs are
 * left out. A service belongs to the VIP in its key, whatever `address` the agent reported beside it.
 */
export function scopeView(view: DirectorView, scope: readonly string[] | null): DirectorView {
  if (scope === null || view.snapshot === null) return view;
  const snapshot = view.snapshot;
  return {
    ...view,
    snapshot: {
      ...snapshot,
      services: snapshot.services.filter((s) => {
        const vip = vipOfServiceKey(s.key);
        return vip !== null && vipInScope(vip, scope);
      }),
      vrrp: snapshot.vrrp.filter((v) => v.vips.some((vip) => vipInScope(vip, scope))).map((v) => ({ ...v, vips: v.vips.filter((vip) => vipInScope(vip, scope)) })),
      vipsPresent: snapshot.vipsPresent.filter((vip) => vipInScope(vip, scope)),
    },
  };
}
