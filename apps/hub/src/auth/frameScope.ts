import type { Alert, DirectorView, HubEvent, WeightChange } from "@lvsdeck/protocol";
import { vipInScope, vipOfServiceKey } from "@lvsdeck/cluster";
import { eventConcernsVip } from "../routes/eventScope";

/** Whether a VIP-scoped principal may see an event: it must concern one of their VIPs. */
export function eventInScope(event: HubEvent, scope: readonly string[] | null, directors: readonly DirectorView[]): boolean {
  return scope === null || scope.some((vip) => eventConcernsVip(event, vip, directors));
}

/** Whether a VIP-scoped principal may see an alert: one of its VIPs or its service's address must be theirs. */
export function alertInScope(alert: Alert, scope: readonly string[] | null): boolean {
  if (scope === null) return true;
  const vips = alert.scope.vip?.split(",") ?? [];
  const address = alert.scope.service === undefined ? null : vipOfServiceKey(alert.scope.service);
  return [...vips, ...(address === null ? [] : [address])].some((vip) => vipInScope(vip, scope));
}

/** Whether a VIP-scoped principal may see a weight change: the service's address must be theirs. */
export function weightChangeInScope(change: WeightChange, scope: readonly string[] | null): boolean {
  if (scope === null) return true;
  const address = vipOfServiceKey(change.service);
  return address !== null && vipInScope(address, scope);
}
