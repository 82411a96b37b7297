import type { Alert, DirectorView, HubEvent, WeightChange } from "@lvsdeck/protocol";
import { eventConcernsVip } from "../routes/eventScope";

const serviceAddress = (service: string) => /^\S+ \[?([^\]]+?)\]?:\d+$/.exec(service)?.[1] ?? null;

/** Whether a VIP-scoped principal may see an event: it must concern one of their VIPs. */
export function eventInScope(event: HubEvent, scope: readonly string[] | null, directors: readonly DirectorView[]): boolean {
  return scope === null || scope.some((vip) => eventConcernsVip(event, vip, directors));
}

/** Whether a VIP-scoped principal may see an alert: its VIP or its service's address must be theirs. */
export function alertInScope(alert: Alert, scope: readonly string[] | null): boolean {
  if (scope === null) return true;
  const address = alert.scope.vip ?? (alert.scope.service ? serviceAddress(alert.scope.service) : null);
  return address !== null && scope.includes(address);
}

/** Whether a VIP-scoped principal may see a weight change: the service's address must be theirs. */
export function weightChangeInScope(change: WeightChange, scope: readonly string[] | null): boolean {
  if (scope === null) return true;
  const address = serviceAddress(change.service);
  return address !== null && scope.includes(address);
}
