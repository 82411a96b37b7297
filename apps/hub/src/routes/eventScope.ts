import type { DirectorView, HubEvent } from "@lvsdeck/protocol";
import { normalizeVip, vipOfServiceKey } from "@lvsdeck/cluster";

/** Whether a service key (`TCP 192.168.50.100:443`, `UDP [2001:db8::1]:53`) is on this VIP. */
function serviceOnVip(service: string, vip: string): boolean {
  return vipOfServiceKey(service) === normalizeVip(vip);
}

/**
 * Whether an event concerns a VIP: a service event of a service on it; a VRRP event of an instance
 * carrying it; a director-wide event (agent, keepalived, faults, alerts) of a director carrying it.
 */
export function eventConcernsVip(stored: HubEvent, vip: string, directors: readonly DirectorView[]): boolean {
  const event = stored.event;
  // The hub starting or stopping concerns every VIP: nothing was watched meanwhile.
  if (event.kind === "hub") return true;
  const target = normalizeVip(vip);
  const onTarget = (address: string) => normalizeVip(address) === target;
  if (event.kind === "health" || event.kind === "weight") return serviceOnVip(event.service, vip);
  const director = directors.find((d) => d.id === stored.director)?.snapshot;
  if (event.kind === "vrrp-transition" || event.kind === "vrrp-priority") {
    return director?.vrrp.some((v) => v.name === event.instance && v.vips.some(onTarget)) ?? false;
  }
  if (!director) return false;
  return director.vrrp.some((v) => v.vips.some(onTarget)) || director.services.some((s) => s.address !== null && onTarget(s.address));
}
