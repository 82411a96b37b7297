import { useDeferredValue, useMemo, useState } from "react";
import type { ClusterHealth, ClusterResponse } from "@lvsdeck/protocol";
import { useCluster } from "./useCluster";
import { buildTopology, type VrrpGroup } from "./topologyModel";
import { buildBanners } from "./banners";
import { BannerList } from "./BannerList";
import { VrrpGroupCard } from "./VrrpGroupCard";
import { TopologyGraph } from "./TopologyGraph";
import { filterGroups } from "./filterGroups";
import { WINDOW_ROWS_ABOVE } from "./RowWindow";
import { useHealth, useLiveStatus, useServerNow } from "../../live/useLive";

/** Services fold by default when the cluster has more real servers than this on screen. */
export const FOLD_CARDS_ABOVE_REAL_SERVERS = 120;

interface BoardProps {
  cluster: ClusterResponse;
  /** The hub's groups and verdicts to show; null while the live feed is lost (they are not current). */
  health: ClusterHealth | null;
  now: number;
}

/** Banners, search, the graph and every VRRP instance's cards for one cluster (live or as it was). */
export function TopologyBoard({ cluster, health, now }: BoardProps) {
  const [query, setQuery] = useState("");
  const deferredQuery = useDeferredValue(query);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const [showGraph, setShowGraph] = useState(true);
  const groups = useMemo(() => buildTopology(cluster, health, now), [cluster, health, now]);
  const banners = useMemo(() => buildBanners(health), [health]);
  const visible: VrrpGroup[] = useMemo(() => filterGroups(groups, deferredQuery), [groups, deferredQuery]);
  const totalRs = groups.reduce((n, g) => n + g.services.reduce((m, s) => m + s.realServers.length, 0), 0);
  const foldByDefault = totalRs > FOLD_CARDS_ABOVE_REAL_SERVERS;
  const toggle = (service: string, fold: boolean) => {
    const without = (set: ReadonlySet<string>) => new Set([...set].filter((s) => s !== service));
    setExpanded((old) => (fold ? without(old) : new Set([...old, service])));
    setCollapsed((old) => (fold ? new Set([...old, service]) : without(old)));
  };
  const setAll = (fold: boolean) => {
    const all = groups.flatMap((g) => g.services.map((s) => s.key as string));
    setExpanded(fold ? new Set() : new Set(all));
    setCollapsed(fold ? new Set(all) : new Set());
  };
  const isFolded = (service: string) => collapsed.has(service) || (foldByDefault && !expanded.has(service) && deferredQuery === "");
  const openRows = visible.reduce((n, g) => n + g.services.reduce((m, s) => m + (isFolded(s.key) ? 0 : (g.shownRealServers?.get(s.key)?.size ?? s.realServers.length)), 0), 0);
  const windowRows = openRows > WINDOW_ROWS_ABOVE;

  return (
    <>
      <BannerList banners={banners} />
      <div className="toolbar" role="search">
        <label>
          Find <input type="search" value={query} onChange={(e) => setQuery(e.currentTarget.value)} placeholder="VIP, service, real server, director" aria-label="Find a VIP, virtual service, real server or director" />
        </label>
        <button type="button" onClick={() => setAll(false)}>
          Expand all
        </button>
        <button type="button" onClick={() => setAll(true)}>
          Collapse all
        </button>
        <label className="toggle">
          <input type="checkbox" checked={showGraph} onChange={(e) => setShowGraph(e.currentTarget.checked)} /> Graph
        </label>
        <span className="toolbar-count">
          {groups.length} VRRP instance{groups.length === 1 ? "" : "s"} · {groups.reduce((n, g) => n + g.services.length, 0)} services · {totalRs} real servers
        </span>
      </div>
      {showGraph && <TopologyGraph groups={visible} query={deferredQuery} expanded={expanded} collapsed={collapsed} onToggleService={toggle} />}
      {cluster.directors.length === 0 && <p className="empty">No director has connected to the hub yet.</p>}
      {deferredQuery.trim() !== "" && visible.length === 0 && groups.length > 0 && (
        <p className="empty" role="status" data-testid="no-match">
          No match for “{deferredQuery.trim()}”.{" "}
          <button type="button" onClick={() => setQuery("")}>
            Clear the search
          </button>
        </p>
      )}
      {visible.map((g) => (
        <VrrpGroupCard key={g.key} group={g} isFolded={isFolded} onToggleService={toggle} windowRows={windowRows} />
      ))}
    </>
  );
}

/** The main page: the live cluster. */
export function TopologyView() {
  const cluster = useCluster();
  const now = useServerNow();
  const feedLost = useLiveStatus().connection === "closed";
  const live = useHealth()?.health;
  const data = cluster.data;
  return (
    <main className="topology" aria-label="Topology">
      {data === undefined ? (
        cluster.isError ? (
          <p className="load-error" role="alert">
            Cannot load the cluster: {cluster.error.message}. Retrying…
          </p>
        ) : (
          <p className="loading">Loading cluster…</p>
        )
      ) : (
        <TopologyBoard cluster={data} health={feedLost ? null : (live ?? data.health)} now={now} />
      )}
    </main>
  );
}
