import type { ClusterResponse } from "@lvsdeck/protocol";
import { staleReasonText, directorFreshness } from "../../lib/freshness";
import { receivesNewConnections } from "../weights/expectedShare";
import { normalizeVip } from "./topologyModel";
import type { VrrpGroup } from "./topologyModel";

/** The conditions that get a banner across the top of the page. */
export type BannerKind = "split-brain" | "no-master" | "stale" | "all-down" | "hub-offline";

export interface Banner {
  key: string;
  kind: BannerKind;
  message: string;
}

function groupName(group: VrrpGroup): string {
  const names = group.names.join("/");
  return group.vrid === null ? names : `VRID ${group.vrid}${names === "" ? "" : ` (${names})`}`;
}

/**
 * Everything an operator must not miss: the live feed lost, split brain, no MASTER, services with no
 * server to take connections, stale directors. `feedLost` is true while the socket to the hub is down.
 */
export function buildBanners(cluster: ClusterResponse, groups: readonly VrrpGroup[], now: number, feedLost = false): Banner[] {
  const banners: Banner[] = [];
  if (feedLost) {
    banners.push({ key: "hub-offline", kind: "hub-offline", message: "Lost the live connection to the hub; reconnecting. What is shown may be out of date." });
  }
  for (const group of groups) {
    if (group.vrid === null) continue;
    if (group.problem === "split-brain") {
      const who = group.liveMasters.map((m) => m.view.id).join(" and ");
      banners.push({ key: `split-${group.key}`, kind: "split-brain", message: `Split brain on ${groupName(group)}: ${who} are MASTER at the same time` });
    } else if (group.problem === "no-master") {
      const lastMasters = group.members.filter((m) => m.freshness.stale && m.state === "MASTER").map((m) => m.view.id);
      const why = lastMasters.length > 0 ? ` (${lastMasters.join(", ")} last reported MASTER but is stale)` : "";
      const vips = group.vips.length > 0 ? ` — VIP ${group.vips.join(", ")} may be unreachable` : "";
      banners.push({ key: `nomaster-${group.key}`, kind: "no-master", message: `No MASTER confirmed for ${groupName(group)}${why}${vips}` });
    }
    for (const service of group.services) {
      if (service.realServers.length > 0 && !service.realServers.some(receivesNewConnections)) {
        banners.push({ key: `down-${group.key}-${service.key}`, kind: "all-down", message: `${service.key}: no real server takes new connections (all down or weight 0)` });
      }
    }
  }
  // A VIP on two live directors answers ARP from both, whatever VRRP says (a keepalived killed with -9
  // leaves its VIP behind); when those are the two MASTERs, the split-brain banner above already says it.
  const splitMasters = new Set(groups.filter((g) => g.problem === "split-brain").flatMap((g) => g.liveMasters.map((m) => `${g.key}:${m.view.id}`)));
  const holders = new Map<string, string[]>();
  for (const view of cluster.directors) {
    if (directorFreshness(view, cluster.staleAfterTicks, now).stale) continue;
    for (const vip of (view.snapshot?.vipsPresent ?? []).map(normalizeVip)) holders.set(vip, [...(holders.get(vip) ?? []), view.id]);
  }
  for (const [vip, ids] of holders) {
    if (ids.length < 2) continue;
    const group = groups.find((g) => g.vips.includes(vip));
    if (group !== undefined && ids.every((id) => splitMasters.has(`${group.key}:${id}`))) continue;
    banners.push({ key: `vip-${vip}`, kind: "split-brain", message: `Split brain: VIP ${vip} is on ${ids.join(" and ")} at the same time` });
  }
  const stale = cluster.directors
    .map((view) => ({ view, f: directorFreshness(view, cluster.staleAfterTicks, now) }))
    .filter(({ f }) => f.stale);
  if (stale.length > 0) {
    const list = stale.map(({ view, f }) => `${view.id} (${f.reason === null ? "stale" : staleReasonText[f.reason]})`).join(", ");
    banners.push({ key: "stale", kind: "stale", message: `Stale data from ${list}` });
  }
  return banners;
}
