import { forwardingLabel, type VirtualService } from "@lvsdeck/protocol";

/** "DR", or "DR/NAT" when real servers of one service are forwarded differently. */
export function forwardingOf(service: VirtualService): string {
  const labels = [...new Set(service.realServers.map((rs) => forwardingLabel[rs.forwarding]))];
  return labels.length === 0 ? "—" : labels.join("/");
}

/** "wrr", "sh (sh-fallback, sh-port)". */
export function schedulerOf(service: VirtualService): string {
  return service.schedulerFlags.length === 0 ? service.scheduler : `${service.scheduler} (${service.schedulerFlags.join(", ")})`;
}

/** "persistent 120 s", "persistent 300 s, mask 255.255.255.0"; null when not persistent. */
export function persistenceOf(service: VirtualService): string | null {
  const p = service.persistence;
  if (p === null) return null;
  return `persistent ${p.timeoutSec} s${p.netmask === null ? "" : `, mask ${p.netmask}`}`;
}

/** "firewall mark 100" or "TCP port 443", and the address family. */
export function kindOf(service: VirtualService): string {
  const family = service.family === "inet6" ? "IPv6" : "IPv4";
  if (service.fwmark !== null) return `firewall mark ${service.fwmark} · ${family}`;
  return `${service.protocol ?? "?"} · ${family}`;
}
