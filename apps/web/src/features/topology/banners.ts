import type { ClusterHealth, Verdict } from "@lvsdeck/protocol";

/** The conditions that get a banner across the top of the page. */
export type BannerKind = "split-brain" | "no-master" | "stale" | "all-down" | "degraded" | "hub-offline";

export interface Banner {
  key: string;
  kind: BannerKind;
  message: string;
}

/** The banner kind of each verdict kind; the wall's banners use the same. */
export const bannerKindOfVerdict: Record<Verdict["kind"], Exclude<BannerKind, "hub-offline">> = {
  "split-brain": "split-brain",
  "vip-on-two-directors": "split-brain",
  "no-master": "no-master",
  "stale-director": "stale",
  "all-real-servers-down": "all-down",
  "tables-differ": "degraded",
  flapping: "degraded",
  "drain-stuck": "degraded",
  "checker-silent": "degraded",
  "quorum-lost": "degraded",
  "half-open-connections": "degraded",
  "syn-flood": "degraded",
  "time-wait-pileup": "degraded",
  "sync-stopped": "degraded",
};

/**
 * One banner per verdict of the hub, in its order (critical first). `health` null means the live feed is
 * lost: the verdicts held are no longer current, so the page says the hub is unreachable and nothing else.
 */
export function buildBanners(health: ClusterHealth | null): Banner[] {
  if (health === null) {
    return [{ key: "hub-offline", kind: "hub-offline", message: "Lost the live connection to the hub; reconnecting. What is shown may be out of date." }];
  }
  return health.verdicts.map((v) => ({ key: v.id, kind: bannerKindOfVerdict[v.kind], message: v.message }));
}
