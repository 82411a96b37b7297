import type { VrrpGroup } from "./topologyModel";

/**
 * Keeps what matches a search, across every VRRP instance: a group whose name, VRID or director
 * matches stays whole; otherwise only its services whose key matches (VIP, port, protocol, fwmark),
 * and services with matching real servers, shown with those real servers only (the service's shares
 * are still computed over all of them). Empty query: everything.
 */
export function filterGroups(groups: readonly VrrpGroup[], query: string): VrrpGroup[] {
  const q = query.trim().toLowerCase();
  if (q === "") return [...groups];
  const hit = (text: string) => text.toLowerCase().includes(q);
  const result: VrrpGroup[] = [];
  for (const group of groups) {
    if (group.names.some(hit) || group.members.some((m) => hit(m.view.id)) || (group.vrid !== null && hit(`vrid ${group.vrid}`))) {
      result.push(group);
      continue;
    }
    const shownRealServers = new Map<string, ReadonlySet<string>>();
    const services = group.services.filter((s) => {
      if (hit(s.key)) return true;
      const matching = s.realServers.filter((rs) => hit(rs.key)).map((rs) => rs.key as string);
      if (matching.length === 0) return false;
      shownRealServers.set(s.key, new Set(matching));
      return true;
    });
    if (services.length > 0) result.push({ ...group, services, vips: group.vips.filter(hit).length > 0 ? group.vips.filter(hit) : group.vips, shownRealServers });
  }
  return result;
}
