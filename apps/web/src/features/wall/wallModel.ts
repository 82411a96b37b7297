import type { ClusterGroup, ClusterHealth, DirectorSummary, HubEvent, Verdict, VrrpState } from "@lvsdeck/protocol";
import { recentIncidents, statusOf, verdictsOfGroup, verdictsOfVip, vipOfServiceKey, type HealthStatus, type Incident, type IncidentList } from "@lvsdeck/cluster";
import type { SummaryEntry, SummaryState } from "../../live/summaries";
import { bannerKindOfVerdict } from "../topology/banners";

/** A MASTER change stays on the wall this long, so a failover in the night is still seen in the morning stand-up. */
export const FAILOVER_NOTICE_MS = 15 * 60_000;

/** A tile's one state: the hub's verdicts about its VIP, or unknown while the hub cannot say. */
export type TileState = HealthStatus | "unknown";

/** The words a tile and a banner use for a state; both say the same. */
export const stateLabel: Record<TileState, string> = {
  "split-brain": "SPLIT BRAIN",
  "no-master": "NO MASTER",
  degraded: "DEGRADED",
  stale: "STALE",
  ok: "OK",
  unknown: "UNKNOWN",
};

/** A director as one tile lists it, as the hub grouped it. */
export interface TileDirector {
  id: string;
  state: VrrpState;
  stale: boolean;
}

/** One VIP (or firewall mark) on the wall. */
export interface WallTile {
  key: string;
  /** "192.168.50.100" or "FWM 100". */
  title: string;
  vrid: number | null;
  state: TileState;
  /** ok, warn (warning verdicts), bad (a critical one) or unknown: the tile's colour. */
  status: "ok" | "warn" | "bad" | "unknown";
  /** The one current MASTER, by the hub's grouping; null when there is none or several. */
  master: string | null;
  directors: readonly TileDirector[];
  /** The hub's verdicts about this tile, worst first. */
  verdicts: readonly Verdict[];
  services: number;
  realServers: number;
  realServersUp: number;
  cps: number;
  /** Summed cps of the tile's services across current directors, oldest first. */
  sparkline: readonly number[];
  /** How old the numbers shown are: the age of the data of the director they come from; null before any. */
  ageMs: number | null;
}

export type WallBannerKind = (typeof bannerKindOfVerdict)[Verdict["kind"]] | "failover";

/** What the wall shows: tiles, banners, and the last hour's incidents. */
export interface Wall {
  tiles: WallTile[];
  banners: WallBanner[];
  incidents: IncidentList;
}

export interface WallBanner {
  key: string;
  kind: WallBannerKind;
  /** The state the banner speaks of, in the tiles' words. */
  title: string;
  message: string;
}

/** "TCP 192.168.50.100:443" → "192.168.50.100"; "FWM 100" stays as it is. */
const tileKeyOf = (serviceKey: string) => vipOfServiceKey(serviceKey) ?? serviceKey;

function sumAligned(lists: readonly (readonly number[])[]): number[] {
  const length = Math.max(0, ...lists.map((l) => l.length));
  const sum = new Array<number>(length).fill(0);
  for (const list of lists) {
    const offset = length - list.length;
    list.forEach((v, i) => (sum[offset + i] = (sum[offset + i] ?? 0) + v));
  }
  return sum;
}

const isCurrent = (s: DirectorSummary) => s.connected && !s.stale;

function pickSource(carrying: readonly SummaryEntry[], master: string | null): DirectorSummary | null {
  const own = carrying.find((e) => e.summary.id === master);
  if (own !== undefined) return own.summary;
  const current = carrying.filter((e) => isCurrent(e.summary));
  const pool = current.length > 0 ? current : carrying;
  return pool.reduce<DirectorSummary | null>((best, e) => (best === null || (e.summary.receivedAt ?? 0) > (best.receivedAt ?? 0) ? e.summary : best), null);
}

function tileStatus(state: TileState, verdicts: readonly Verdict[]): WallTile["status"] {
  if (state === "unknown") return "unknown";
  return verdicts.some((v) => v.severity === "critical") ? "bad" : verdicts.length > 0 ? "warn" : "ok";
}

function buildTile(key: string, group: ClusterGroup | undefined, verdicts: readonly Verdict[] | null, entries: readonly SummaryEntry[], now: number): WallTile {
  const directors = (group?.members ?? []).map((m) => ({ id: m.director as string, state: m.state, stale: !m.fresh }));
  const masters = directors.filter((d) => d.state === "MASTER" && !d.stale);
  const master = masters.length === 1 ? (masters[0]?.id ?? null) : null;
  const carrying = entries.filter((e) => e.summary.services.some((s) => tileKeyOf(s.key) === key));
  const source = pickSource(carrying, master);
  const services = (source?.services ?? []).filter((s) => tileKeyOf(s.key) === key);
  const realServers = services.reduce((n, s) => n + s.realServers, 0);
  const realServersUp = services.reduce((n, s) => n + Math.max(0, Math.min(s.realServersUp, s.realServers - s.realServersWeightZero)), 0);
  const sparkline = sumAligned(carrying.filter((e) => isCurrent(e.summary)).flatMap((e) => services.map((s) => e.cps[s.key] ?? [])));
  const state: TileState = verdicts === null ? "unknown" : statusOf(verdicts);
  return {
    key,
    title: key,
    vrid: group?.vrid ?? null,
    state,
    status: tileStatus(state, verdicts ?? []),
    master,
    directors,
    verdicts: verdicts ?? [],
    services: services.length,
    realServers,
    realServersUp,
    cps: services.reduce((n, s) => n + s.cps, 0),
    sparkline,
    ageMs: source?.receivedAt == null ? null : Math.max(0, now - source.receivedAt),
  };
}

/** The hub's verdicts about one tile: those of its VIP, or for a firewall mark those of its service and of the groups carrying it. */
function verdictsOfTile(health: ClusterHealth, key: string, group: ClusterGroup | undefined): Verdict[] {
  if (group !== undefined && group.vips.includes(key)) return verdictsOfVip(health, key);
  const ids = new Set([...(group === undefined ? [] : verdictsOfGroup(health, group)), ...verdictsOfVip(health, key)].map((v) => v.id));
  return health.verdicts.filter((v) => ids.has(v.id) || v.scope.service === key);
}

/** The latest MASTER move of each group within FAILOVER_NOTICE_MS, as a banner; the incident list keeps them all. */
function failoverBanners(incidents: readonly Incident[], now: number): WallBanner[] {
  const seen = new Set<string>();
  const banners: WallBanner[] = [];
  for (const incident of incidents) {
    if (incident.kind !== "failover" || incident.endedAt === null || now - incident.endedAt > FAILOVER_NOTICE_MS) continue;
    const group = incident.group ?? incident.key;
    if (seen.has(group)) continue;
    seen.add(group);
    banners.push({ key: incident.key, kind: "failover", title: "FAILOVER", message: incident.message });
  }
  return banners;
}

/**
 * Tiles per VIP and banners. Grouping and every state come from the hub's `health` (null while it cannot
 * be trusted: hub unreachable or not heard yet, and every tile is unknown); summaries give the traffic.
 */
export function buildWall(state: SummaryState, health: ClusterHealth | null, events: readonly HubEvent[], now: number): Wall {
  const entries = Object.values(state.byDirector).sort((a, b) => a.summary.id.localeCompare(b.summary.id));
  const groups = health?.groups ?? [];
  const keys = new Set<string>(groups.flatMap((g) => g.vips));
  for (const e of entries) for (const s of e.summary.services) keys.add(tileKeyOf(s.key));
  const groupOf = (key: string) => {
    const own = groups.find((g) => g.vips.includes(key));
    if (own !== undefined) return own;
    // A firewall mark (or a VIP outside every instance) follows the group of the directors carrying it.
    const carriers = new Set<string>(entries.filter((e) => e.summary.services.some((s) => tileKeyOf(s.key) === key)).map((e) => e.summary.id));
    return groups.find((g) => g.vrid !== null && g.members.some((m) => carriers.has(m.director)));
  };
  const tiles = [...keys].sort(compareTileKeys).map((key) => {
    const group = groupOf(key);
    return buildTile(key, group, health === null ? null : verdictsOfTile(health, key, group), entries, now);
  });
  // The event log is the hub's record: its incidents stay true while the hub is unreachable.
  const incidents = recentIncidents(events, groups, now);
  if (health === null) return { tiles, banners: [], incidents };
  const banners: WallBanner[] = health.verdicts.map((v) => ({ key: v.id, kind: bannerKindOfVerdict[v.kind], title: stateLabel[statusOf([v])], message: v.message }));
  return { tiles, banners: [...banners, ...failoverBanners(incidents.incidents, now)], incidents };
}

/** VIPs before firewall marks, IPv4 before IPv6, then in address order. */
function compareTileKeys(a: string, b: string): number {
  const rank = (k: string) => (k.startsWith("FWM") ? 2 : k.includes(":") ? 1 : 0);
  return rank(a) - rank(b) || a.localeCompare(b, "en", { numeric: true });
}

/** Tiles that fit a grid of `width` × `height` px: columns of at least `minColumn` px (the grid's minimum), rows of `tileHeight`; at least one. */
export function tilesPerPage(width: number, height: number, tileHeight: number, gap: number, minColumn: number): number {
  const columns = Math.max(1, Math.floor((width + gap) / (minColumn + gap)));
  const rows = Math.max(1, Math.floor((height + gap) / (tileHeight + gap)));
  return columns * rows;
}

/** Splits tiles into pages for cycling. */
export function pagesOf<T>(items: readonly T[], perPage: number): T[][] {
  const pages: T[][] = [];
  for (let i = 0; i < items.length; i += perPage) pages.push(items.slice(i, i + perPage));
  return pages.length === 0 ? [[]] : pages;
}
