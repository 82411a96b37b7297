import { useEffect, useMemo, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { summariesQuery } from "../../api/moreQueries";
import { eventsQuery } from "../../api/queries";
import { useHealth, useLiveStatus, useServerNow } from "../../live/useLive";
import { feedLoss, retryText } from "../../live/feedLoss";
import { useNow } from "../../lib/useNow";
import { formatRate } from "../../lib/format";
import { buildWall, pagesOf, stateLabel, tilesPerPage, type WallTile } from "./wallModel";
import { Sparkline } from "./Sparkline";

/** With more VIPs than fit, the wall shows the next page this often. */
export const WALL_CYCLE_MS = 10_000;

function useViewport(): { width: number; height: number } {
  const [size, setSize] = useState(() => ({ width: window.innerWidth, height: window.innerHeight }));
  useEffect(() => {
    const onResize = () => setSize({ width: window.innerWidth, height: window.innerHeight });
    window.addEventListener("resize", onResize);
    return () => window.removeEventListener("resize", onResize);
  }, []);
  return size;
}

/** "hh:mm" of a local time. */
const hhmm = (t: number) => new Date(t).toTimeString().slice(0, 5);

function Tile({ tile, unknownWhy }: { tile: WallTile; unknownWhy: string }) {
  const others = tile.directors.filter((d) => d.id !== tile.master || tile.state === "split-brain");
  return (
    <section className={`wall-tile wall-${tile.status}`} data-testid="wall-tile" data-vip={tile.key} data-master={tile.master ?? ""} data-status={tile.status} data-state={tile.state} aria-label={`VIP ${tile.title}`}>
      <header className="wall-tile-head">
        <h2>{tile.title}</h2>
        {tile.vrid !== null && <span className="wall-vrid">VRID {tile.vrid}</span>}
      </header>
      <p className={`wall-state wall-state-${tile.state}`} data-testid="wall-tile-state">
        {stateLabel[tile.state]}
        {tile.state === "unknown" && ` (${unknownWhy})`}
      </p>
      {tile.master !== null && tile.state !== "split-brain" && (
        <p className="wall-master">
          MASTER <strong>{tile.master}</strong>
        </p>
      )}
      <p className="wall-directors">{others.map((d) => `${d.id} ${d.stale ? "stale" : d.state}`).join(" · ")}</p>
      <div className="wall-numbers">
        <p>
          <span className="wall-big">
            {tile.realServersUp}/{tile.realServers}
          </span>{" "}
          real servers up
        </p>
        <p>
          <span className="wall-big">{formatRate(tile.cps)}</span> conn/s
        </p>
      </div>
      <Sparkline values={tile.sparkline} label={`connections per second on ${tile.title}, last minutes`} />
      {tile.verdicts[0] !== undefined && <p className="wall-note">{tile.verdicts[0].message}</p>}
    </section>
  );
}

/** The NOC wall: big tiles per VIP, banners for what must not be missed, pages that cycle; nothing to click. */
export function WallView() {
  const state = useQuery(summariesQuery()).data;
  const events = useQuery(eventsQuery()).data?.events;
  const now = useServerNow();
  const lost = feedLoss(useLiveStatus(), useNow());
  const received = useHealth()?.health;
  // The hub's verdicts are only shown while it is reachable: otherwise every tile is unknown.
  const health = lost === null ? (received ?? null) : null;
  const unknownWhy = lost !== null ? `hub unreachable since ${hhmm(lost.since)}` : "waiting for the hub";
  const { width, height } = useViewport();
  const wall = useMemo(() => (state === undefined ? null : buildWall(state, health, events ?? [], now)), [state, health, events, now]);
  const pages = pagesOf(wall?.tiles ?? [], tilesPerPage(width, height - 220));
  const [page, setPage] = useState(0);
  useEffect(() => {
    if (pages.length <= 1) return;
    const timer = setInterval(() => setPage((p) => p + 1), WALL_CYCLE_MS);
    return () => clearInterval(timer);
  }, [pages.length]);
  const shown = pages[page % pages.length] ?? [];
  const newest = state === undefined ? null : Math.max(0, ...Object.values(state.byDirector).map((e) => e.summary.receivedAt ?? 0));

  return (
    <main className="wall" data-testid="wall">
      <header className="wall-head">
        <h1>lvsdeck</h1>
        <span className="wall-age" data-testid="wall-age">
          {newest === null || newest === 0 ? "waiting for data" : `data ${Math.max(0, (now - newest) / 1000).toFixed(0)} s old`}
        </span>
        {pages.length > 1 && (
          <span className="wall-page">
            page {(page % pages.length) + 1} of {pages.length}
          </span>
        )}
        <time className="wall-clock">{new Date(now).toTimeString().slice(0, 8)}</time>
      </header>
      <div className="wall-banners" aria-live="assertive">
        {lost !== null && (
          <div className="wall-banner wall-banner-stale" data-testid="wall-banner" data-kind="hub-offline" role="alert">
            <strong>HUB UNREACHABLE</strong> since {hhmm(lost.since)}: what is shown is not live; {retryText(lost)}
          </div>
        )}
        {wall?.banners.map((b) => (
          <div key={b.key} className={`wall-banner wall-banner-${b.kind}`} data-testid="wall-banner" data-kind={b.kind} role="alert">
            <strong>{b.title}</strong> {b.message}
          </div>
        ))}
      </div>
      {wall === null ? <p className="wall-loading">Loading…</p> : <div className="wall-grid">{shown.map((t) => <Tile key={t.key} tile={t} unknownWhy={unknownWhy} />)}</div>}
    </main>
  );
}
