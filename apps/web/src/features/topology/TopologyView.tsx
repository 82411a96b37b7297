import { useMemo } from "react";
import { useCluster } from "./useCluster";
import { buildTopology } from "./topologyModel";
import { buildBanners } from "./banners";
import { BannerList } from "./BannerList";
import { VrrpGroupCard } from "./VrrpGroupCard";
import { useLiveStatus, useServerNow } from "../../live/useLive";

/** The main page: banners, then every VRRP instance with its directors and virtual services. */
export function TopologyView() {
  const cluster = useCluster();
  const now = useServerNow();
  const feedLost = useLiveStatus().connection === "closed";
  const data = cluster.data;
  const groups = useMemo(() => (data === undefined ? [] : buildTopology(data, now)), [data, now]);
  const banners = useMemo(() => (data === undefined ? [] : buildBanners(data, groups, now, feedLost)), [data, groups, now, feedLost]);

  if (data === undefined) {
    return (
      <main className="topology">
        {cluster.isError ? (
          <p className="load-error" role="alert">
            Cannot load the cluster: {cluster.error.message}. Retrying…
          </p>
        ) : (
          <p className="loading">Loading cluster…</p>
        )}
      </main>
    );
  }
  return (
    <main className="topology">
      <BannerList banners={banners} />
      {data.directors.length === 0 && <p className="empty">No director has connected to the hub yet.</p>}
      {groups.map((g) => (
        <VrrpGroupCard key={g.key} group={g} />
      ))}
    </main>
  );
}
