import type { VrrpGroup } from "./topologyModel";

/**
 * Keeps what matches a search: a group whose VIP, name or director matches stays whole; otherwise
 * only its services whose key or one of whose real servers matches. Empty query: everything.
 */
export function filterGroups(groups: readonly VrrpGroup[], query: string): VrrpGroup[] {
  const q = query.trim().toLowerCase();
  if (q === "") return [...groups];
  const hit = (text: string) => text.toLowerCase().includes(q);
  const result: VrrpGroup[] = [];
  for (const group of groups) {
    if (group.vips.some(hit) || group.names.some(hit) || group.members.some((m) => hit(m.view.id)) || (group.vrid !== null && hit(`vrid ${group.vrid}`))) {
      result.push(group);
      continue;
    }
    const services = group.services.filter((s) => hit(s.key) || s.realServers.some((rs) => hit(rs.key)));
    if (services.length > 0) result.push({ ...group, services });
  }
  return result;
}
