import { normalizeVip } from "@lvsdeck/cluster";
import type { ClusterResponse } from "@lvsdeck/protocol";
import { hrefWith } from "../../lib/router";
import type { ConnectionsParams } from "../../api/moreQueries";

/** Rows per page of the connection browser. */
export const PAGE_SIZE = 100;

/** The browser's query, as the URL of /connections holds it. */
export interface ConnectionsForm {
  director: string;
  client: string;
  vip: string;
  realServer: string;
  state: string;
  offset: number;
}

export function parseConnectionsForm(search: string): ConnectionsForm {
  const q = new URLSearchParams(search);
  const offset = Number(q.get("offset"));
  return {
    director: q.get("director") ?? "",
    client: q.get("client") ?? "",
    vip: q.get("vip") ?? "",
    realServer: q.get("realServer") ?? "",
    state: (q.get("state") ?? "").toUpperCase(),
    offset: Number.isInteger(offset) && offset > 0 ? offset : 0,
  };
}

export function connectionsHref(form: ConnectionsForm): string {
  return hrefWith("/connections", { ...form, offset: form.offset === 0 ? null : form.offset });
}

/** The API parameters of a form, leaving out empty filters. */
export function toParams(form: ConnectionsForm, director: string): ConnectionsParams {
  return {
    director,
    offset: form.offset,
    limit: PAGE_SIZE,
    ...(form.client !== "" && { client: form.client.trim() }),
    ...(form.vip !== "" && { vip: form.vip.trim() }),
    ...(form.realServer !== "" && { realServer: form.realServer.trim() }),
    ...(form.state !== "" && { state: form.state.trim() }),
  };
}

/**
 * Whose table to read when none is chosen: the current MASTER of `vip` when one is given (the director
 * that carries its connections), else the first current MASTER, else the first director.
 */
export function defaultDirector(cluster: ClusterResponse | undefined, vip = ""): string {
  const directors = cluster?.directors ?? [];
  const live = directors.filter((d) => !d.stale && d.connected);
  const wanted = normalizeVip(vip);
  const masterOf = wanted === "" ? undefined : live.find((d) => d.snapshot?.vrrp.some((i) => i.state === "MASTER" && i.vips.some((v) => normalizeVip(v) === wanted)));
  const master = masterOf ?? live.find((d) => d.snapshot?.vrrp.some((i) => i.state === "MASTER"));
  return master?.id ?? directors[0]?.id ?? "";
}

/** The VIP filter when none is chosen: a VIP-scoped user's first VIP (the table is theirs to read), else none. */
export function defaultVip(scope: readonly string[] | null): string {
  return scope?.[0] ?? "";
}

/** "4:05" from seconds; "1:02:03" past an hour. */
export function formatExpiry(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/** "rows 101–200 of 1,234". */
export function pageText(offset: number, rows: number, total: number): string {
  if (total === 0 || rows === 0) return "no rows";
  return `rows ${(offset + 1).toLocaleString("en-US")}–${(offset + rows).toLocaleString("en-US")} of ${total.toLocaleString("en-US")}`;
}
