import type { DirectorSummary, HubEvent, VrrpState } from "@lvsdeck/protocol";
import { DEFAULT_TICK_MS } from "../../lib/freshness";
import type { SummaryEntry, SummaryState } from "../../live/summaries";
import { normalizeVip } from "@lvsdeck/cluster";

/** A MASTER change stays on the wall this long, so a failover in the night is still seen in the morning stand-up. */
export const FAILOVER_NOTICE_MS = 15 * 60_000;

/** A director as one tile lists it. */
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
  master: string | null;
  directors: readonly TileDirector[];
  services: number;
  realServers: number;
  realServersUp: number;
  cps: number;
  /** Summed cps of the tile's services across directors, oldest first. */
  sparkline: readonly number[];
  status: "ok" | "warn" | "bad";
  /** Why the tile is not "ok", in a few words. */
  note: string | null;
}

export type WallBannerKind = "split-brain" | "no-master" | "all-down" | "stale" | "failover";

export interface WallBanner {
  key: string;
  kind: WallBannerKind;
  message: string;
}

interface Member {
  id: string;
  state: VrrpState;
  stale: boolean;
}

function isStale(entry: SummaryEntry, staleAfterTicks: number, now: number): boolean {
  const s = entry.summary;
  if (!s.connected || s.stale || s.receivedAt === null || s.takenAt === null) return true;
  return now - s.receivedAt > staleAfterTicks * (entry.tickMs ?? DEFAULT_TICK_MS);
}

/** "TCP 192.168.50.100:443" → "192.168.50.100"; "FWM 100" stays as it is. */
export function tileKeyOfService(serviceKey: string): string {
  const match = /^(?:TCP|UDP|SCTP) \[?([^\]]+?)\]?:\d+$/.exec(serviceKey);
  return match?.[1] === undefined ? serviceKey : normalizeVip(match[1]);
}

function sumAligned(lists: readonly (readonly number[])[]): number[] {
  const length = Math.max(0, ...lists.map((l) => l.length));
  const sum = new Array<number>(length).fill(0);
  for (const list of lists) {
    const offset = length - list.length;
    list.forEach((v, i) => (sum[offset + i] = (sum[offset + i] ?? 0) + v));
  }
  return sum;
}

interface VridGroup {
  vrid: number;
  members: Member[];
  vips: Set<string>;
}

function collectVrids(entries: readonly SummaryEntry[], stale: ReadonlyMap<string, boolean>): Map<number, VridGroup> {
  const groups = new Map<number, VridGroup>();
  for (const { summary } of entries) {
    for (const instance of summary.vrrp) {
      const group = groups.get(instance.vrid) ?? { vrid: instance.vrid, members: [], vips: new Set<string>() };
      group.members.push({ id: summary.id, state: instance.state, stale: stale.get(summary.id) ?? true });
      for (const vip of instance.vips) group.vips.add(normalizeVip(vip));
      groups.set(instance.vrid, group);
    }
  }
  // A director reporting no instance (keepalived stopped) still belongs to the groups whose VIPs it serves.
  for (const { summary } of entries) {
    if (summary.vrrp.length > 0) continue;
    const served = new Set(summary.services.map((s) => tileKeyOfService(s.key)));
    for (const group of groups.values()) {
      if ([...group.vips].some((v) => served.has(v))) group.members.push({ id: summary.id, state: summary.keepalived?.running === false ? "STOP" : "UNKNOWN", stale: stale.get(summary.id) ?? true });
    }
  }
  return groups;
}

function pickSource(entries: readonly SummaryEntry[], master: string | null, stale: ReadonlyMap<string, boolean>): DirectorSummary | null {
  const byId = new Map(entries.map((e) => [e.summary.id as string, e.summary]));
  if (master !== null) return byId.get(master) ?? null;
  const fresh = entries.filter((e) => !(stale.get(e.summary.id) ?? true));
  const pool = fresh.length > 0 ? fresh : entries;
  return pool.reduce<DirectorSummary | null>((best, e) => (best === null || (e.summary.receivedAt ?? 0) > (best.receivedAt ?? 0) ? e.summary : best), null);
}

function buildTile(key: string, entries: readonly SummaryEntry[], group: VridGroup | undefined, stale: ReadonlyMap<string, boolean>, holders: readonly string[]): WallTile {
  const members = [...(group?.members ?? [])].sort((a, b) => a.id.localeCompare(b.id));
  const masters = members.filter((m) => m.state === "MASTER" && !m.stale);
  const master = masters.length === 1 ? (masters[0]?.id ?? null) : null;
  const carrying = entries.filter((e) => e.summary.services.some((s) => tileKeyOfService(s.key) === key));
  const source = pickSource(carrying, master, stale);
  const services = (source?.services ?? []).filter((s) => tileKeyOfService(s.key) === key);
  const realServers = services.reduce((n, s) => n + s.realServers, 0);
  const realServersUp = services.reduce((n, s) => n + Math.max(0, Math.min(s.realServersUp, s.realServers - s.realServersWeightZero)), 0);
  const sparkline = sumAligned(carrying.filter((e) => !(stale.get(e.summary.id) ?? true)).flatMap((e) => services.map((s) => e.cps[s.key] ?? [])));
  const anyLive = members.some((m) => !m.stale);
  const problems: string[] = [];
  let status: WallTile["status"] = "ok";
  if (group !== undefined && masters.length > 1) problems.push("split brain");
  else if (holders.length > 1) problems.push(`VIP on ${holders.length} directors`);
  if (group !== undefined && masters.length === 0 && anyLive) problems.push("no MASTER");
  if (realServers > 0 && realServersUp === 0) problems.push("no real server up");
  if (problems.length > 0) status = "bad";
  else if (members.some((m) => m.stale) || realServersUp < realServers || (group !== undefined && !anyLive)) {
    status = "warn";
    problems.push(!anyLive && group !== undefined ? "no current data" : members.some((m) => m.stale) ? "stale director" : `${realServers - realServersUp} real server(s) out`);
  }
  return {
    key,
    title: key,
    vrid: group?.vrid ?? null,
    master,
    directors: members.map(({ id, state, stale: s }) => ({ id, state, stale: s })),
    services: services.length,
    realServers,
    realServersUp,
    cps: services.reduce((n, s) => n + s.cps, 0),
    sparkline,
    status,
    note: problems.length > 0 ? problems.join(" · ") : null,
  };
}

/** Which live directors hold each VIP (from `ip addr`), by the VIP's tile key. */
function vipHolders(entries: readonly SummaryEntry[], stale: ReadonlyMap<string, boolean>): Map<string, string[]> {
  const holders = new Map<string, string[]>();
  for (const { summary } of entries) {
    if (stale.get(summary.id) ?? true) continue;
    for (const vip of summary.vipsPresent) {
      const key = normalizeVip(vip);
      holders.set(key, [...(holders.get(key) ?? []), summary.id]);
    }
  }
  return holders;
}

/** Recent MASTER changes from the event log: a director that left MASTER, and who holds it now. */
function failoverBanners(events: readonly HubEvent[], tiles: readonly WallTile[], now: number): WallBanner[] {
  const banners: WallBanner[] = [];
  const seen = new Set<number>();
  for (const e of [...events].reverse()) {
    const ev = e.event;
    if (ev.kind !== "vrrp-transition" || ev.from !== "MASTER" || ev.to === "MASTER") continue;
    const at = e.observedAt ?? e.receivedAt;
    if (now - at > FAILOVER_NOTICE_MS || seen.has(ev.vrid)) continue;
    seen.add(ev.vrid);
    const master = tiles.find((t) => t.vrid === ev.vrid)?.master;
    const time = new Date(at).toTimeString().slice(0, 8);
    const now_ = master === null || master === undefined ? "no MASTER now" : `now MASTER: ${master}`;
    banners.push({ key: `failover-${ev.vrid}`, kind: "failover", message: `VRID ${ev.vrid}: ${e.director} left MASTER (${ev.to}) at ${time} — ${now_}` });
  }
  return banners;
}

/** Tiles per VIP and the banners nobody may miss, from the directors' summaries and recent events. */
export function buildWall(state: SummaryState, events: readonly HubEvent[], now: number): { tiles: WallTile[]; banners: WallBanner[] } {
  const entries = Object.values(state.byDirector).sort((a, b) => a.summary.id.localeCompare(b.summary.id));
  const stale = new Map(entries.map((e) => [e.summary.id as string, isStale(e, state.staleAfterTicks, now)]));
  const groups = collectVrids(entries, stale);
  const vipGroup = new Map<string, VridGroup>();
  for (const g of groups.values()) for (const vip of g.vips) vipGroup.set(vip, g);
  const keys = new Set<string>([...vipGroup.keys()]);
  for (const e of entries) for (const s of e.summary.services) keys.add(tileKeyOfService(s.key));
  // A firewall-mark service has no VIP of its own: it follows the VRRP instance of the directors carrying it.
  const groupOfCarriers = (key: string) => {
    const carriers = new Set(entries.filter((e) => e.summary.services.some((s) => tileKeyOfService(s.key) === key)).map((e) => e.summary.id as string));
    return [...groups.values()].find((g) => g.members.some((m) => carriers.has(m.id)));
  };
  const holders = vipHolders(entries, stale);
  const tiles = [...keys].sort(compareTileKeys).map((key) => buildTile(key, entries, vipGroup.get(key) ?? groupOfCarriers(key), stale, holders.get(key) ?? []));

  const banners: WallBanner[] = [];
  const splitVrids = new Set<number>();
  for (const g of [...groups.values()].sort((a, b) => a.vrid - b.vrid)) {
    const live = g.members.filter((m) => !m.stale);
    const masters = live.filter((m) => m.state === "MASTER");
    if (masters.length > 1) {
      banners.push({ key: `split-${g.vrid}`, kind: "split-brain", message: `VRID ${g.vrid}: ${masters.map((m) => m.id).join(" and ")} are MASTER at once` });
      splitVrids.add(g.vrid);
    } else if (masters.length === 0 && live.length > 0) banners.push({ key: `nomaster-${g.vrid}`, kind: "no-master", message: `VRID ${g.vrid}: no MASTER — VIP ${[...g.vips].join(", ")} may be unreachable` });
  }
  // A VIP configured on two live directors answers ARP from both, whatever VRRP says: a keepalived
  // killed with -9 leaves its VIP behind while the BACKUP takes over.
  for (const [vip, ids] of [...holders].sort(([a], [b]) => compareTileKeys(a, b))) {
    const group = vipGroup.get(vip);
    if (ids.length < 2 || (group !== undefined && splitVrids.has(group.vrid))) continue;
    banners.push({ key: `vip-${vip}`, kind: "split-brain", message: `VIP ${vip} is on ${ids.join(" and ")} at once` });
  }
  for (const t of tiles) {
    if (t.realServers > 0 && t.realServersUp === 0) banners.push({ key: `down-${t.key}`, kind: "all-down", message: `${t.title}: all ${t.realServers} real servers down or drained` });
  }
  const staleIds = entries.filter((e) => stale.get(e.summary.id)).map((e) => e.summary.id);
  if (staleIds.length > 0) banners.push({ key: "stale", kind: "stale", message: `No current data from ${staleIds.join(", ")}` });
  banners.push(...failoverBanners(events, tiles, now));
  return { tiles, banners };
}

/** VIPs before firewall marks, IPv4 before IPv6, then in address order. */
function compareTileKeys(a: string, b: string): number {
  const rank = (k: string) => (k.startsWith("FWM") ? 2 : k.includes(":") ? 1 : 0);
  return rank(a) - rank(b) || a.localeCompare(b, "en", { numeric: true });
}

/** Tiles per page for a screen size: at least 380×260 px each, 1080p fits 3×3 at the wall's type size. */
export function tilesPerPage(width: number, height: number): number {
  const columns = Math.max(1, Math.floor(width / 600));
  const rows = Math.max(1, Math.floor(height / 300));
  return columns * rows;
}

/** Splits tiles into pages for cycling. */
export function pagesOf<T>(items: readonly T[], perPage: number): T[][] {
  const pages: T[][] = [];
  for (let i = 0; i < items.length; i += perPage) pages.push(items.slice(i, i + perPage));
  return pages.length === 0 ? [[]] : pages;
}
