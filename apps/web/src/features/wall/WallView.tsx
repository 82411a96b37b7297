import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { summariesQuery } from "../../api/moreQueries";
import { eventsQuery } from "../../api/queries";
import { useHealth, useLiveStatus, useServerNow } from "../../live/useLive";
import { feedLoss, retryText } from "../../live/feedLoss";
import { useNow } from "../../lib/useNow";
import { formatRate } from "../../lib/format";
import { formatHm, formatHms, useZoneMode, zoneLabel, zoneTag } from "../../lib/time";
import type { IncidentList as IncidentListData } from "@lvsdeck/cluster";
import { buildWall, pagesOf, stateLabel, tilesPerPage, type WallTile } from "./wallModel";
import { Sparkline } from "./Sparkline";

/** With more VIPs than fit, the wall shows the next page this often. */
export const WALL_CYCLE_MS = 10_000;

/** Tile height before one has been measured, in em of the wall's type. */
const TILE_HEIGHT_GUESS_EM = 16;
/** A tile column's narrowest width and the gap between tiles, in em: the grid's values in styles.css. */
const TILE_MIN_COLUMN_EM = 25.5;
const TILE_GAP_EM = 0.8;

/**
 * The space the tile grid really has (the page is one screen: header, banners and incidents take what
 * they need), the natural height of the tallest tile (rows stretch to fill the screen, so their drawn
 * height says nothing), and the column width and gap in px at the wall's type size, so paging follows
 * the screen instead of a guess: a page is added only when the tiles really do not fit.
 */
interface GridSpace {
  width: number;
  height: number;
  tileHeight: number;
  minColumn: number;
  gap: number;
}

/** A tile's height without the stretch: its children, the gaps between them, padding and border. */
function naturalHeight(tile: Element): number {
  const style = getComputedStyle(tile);
  const children = [...tile.children];
  const content = children.reduce((h, child) => h + child.getBoundingClientRect().height, 0) + Math.max(0, children.length - 1) * (parseFloat(style.rowGap) || 0);
  return content + ["paddingTop", "paddingBottom", "borderTopWidth", "borderBottomWidth"].reduce((h, key) => h + (parseFloat(style.getPropertyValue(key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`))) || 0), 0);
}

function useGridSpace(): [GridSpace, (element: HTMLDivElement | null) => void] {
  const [space, setSpace] = useState<GridSpace>({ width: window.innerWidth, height: window.innerHeight * 0.75, tileHeight: 16 * 22, minColumn: TILE_MIN_COLUMN_EM * 22, gap: TILE_GAP_EM * 22 });
  const observer = useRef<ResizeObserver | null>(null);
  const attach = useCallback((element: HTMLDivElement | null) => {
    observer.current?.disconnect();
    if (element === null) return;
    const measure = () => {
      const em = parseFloat(getComputedStyle(element).fontSize) || 22;
      const tallest = Math.max(0, ...[...element.children].map(naturalHeight));
      setSpace({ width: element.clientWidth, height: element.clientHeight, tileHeight: tallest > 0 ? tallest : TILE_HEIGHT_GUESS_EM * em, minColumn: TILE_MIN_COLUMN_EM * em, gap: TILE_GAP_EM * em });
    };
    observer.current = new ResizeObserver(measure);
    observer.current.observe(element);
    measure();
  }, []);
  return [space, attach];
}

/** A tile's data older than this is printed in the warning colour (three default agent ticks). */
const STALE_AGE_MS = 3_000;
/** Most incidents the wall lists (one on screens under 900 px high); the rest are counted. */
const MAX_INCIDENTS_SHOWN = 3;
const SHORT_SCREEN_PX = 900;

/** "42 s", "3 min", "1 h 5 min". */
function span(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  return min < 60 ? `${min} min` : `${Math.floor(min / 60)} h ${min % 60} min`;
}

/** The last hour's incidents: what, when, how long; the ones still holding first in the hub's order. */
function IncidentList({ list, now }: { list: IncidentListData; now: number }) {
  if (list.incidents.length === 0) return null;
  const shown = list.incidents.slice(0, window.innerHeight < SHORT_SCREEN_PX ? 1 : MAX_INCIDENTS_SHOWN);
  const covered = now - list.coveredFrom < 60 * 60_000 - 60_000 ? ` (the log reaches back to ${hhmm(list.coveredFrom)})` : "";
  return (
    <section className="wall-incidents" data-testid="wall-incidents" aria-label="Incidents in the last hour">
      <h2>Last hour{covered}</h2>
      <ol>
        {shown.map((i) => (
          <li key={i.key} className={`wall-incident wall-incident-${i.severity}`} data-testid="wall-incident" data-kind={i.kind} data-ongoing={i.endedAt === null}>
            <time>{hhmm(i.startedAt)}</time> {i.message}{" "}
            <span className="wall-incident-span">{i.endedAt === null ? `ongoing for ${span(now - i.startedAt)}` : i.kind === "failover" ? "" : `lasted ${span(i.endedAt - i.startedAt)}`}</span>
          </li>
        ))}
      </ol>
      {list.incidents.length > shown.length && <p className="wall-incidents-more">and {list.incidents.length - shown.length} more in the timeline</p>}
    </section>
  );
}

/** "hh:mm" in the zone the page shows. */
const hhmm = (t: number) => formatHm(t);

function Tile({ tile, unknownWhy }: { tile: WallTile; unknownWhy: string }) {
  const others = tile.directors.filter((d) => d.id !== tile.master || tile.state === "split-brain");
  return (
    <section className={`wall-tile wall-${tile.status}`} data-testid="wall-tile" data-vip={tile.key} data-master={tile.master ?? ""} data-status={tile.status} data-state={tile.state} aria-label={`VIP ${tile.title}`}>
      <header className="wall-tile-head">
        <h2>{tile.title}</h2>
        <span className="wall-vrid">
          {tile.vrid !== null && `VRID ${tile.vrid} · `}
          <span className={tile.ageMs !== null && tile.ageMs > STALE_AGE_MS ? "wall-tile-age-old" : undefined} data-testid="wall-tile-age">
            {tile.ageMs === null ? "no data yet" : `data ${Math.round(tile.ageMs / 1000)} s old`}
          </span>
        </span>
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
  useZoneMode();
  const state = useQuery(summariesQuery()).data;
  const events = useQuery(eventsQuery()).data?.events;
  const now = useServerNow();
  const lost = feedLoss(useLiveStatus(), useNow());
  const received = useHealth()?.health;
  // The hub's verdicts are only shown while it is reachable: otherwise every tile is unknown.
  const health = lost === null ? (received ?? null) : null;
  const unknownWhy = lost !== null ? `hub unreachable since ${hhmm(lost.since)}` : "waiting for the hub";
  const [grid, attachGrid] = useGridSpace();
  const wall = useMemo(() => (state === undefined ? null : buildWall(state, health, events ?? [], now)), [state, health, events, now]);
  const pages = pagesOf(wall?.tiles ?? [], tilesPerPage(grid.width, grid.height, grid.tileHeight, grid.gap, grid.minColumn));
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
        <time className="wall-clock" title={zoneLabel(now)}>
          {formatHms(now)} <span className="wall-zone">{zoneTag(now)}</span>
        </time>
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
      {wall === null ? <p className="wall-loading">Loading…</p> : <div className="wall-grid" ref={attachGrid}>{shown.map((t) => <Tile key={t.key} tile={t} unknownWhy={unknownWhy} />)}</div>}
      {wall !== null && <IncidentList list={wall.incidents} now={now} />}
    </main>
  );
}
