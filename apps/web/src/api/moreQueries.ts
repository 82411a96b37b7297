import { keepPreviousData, queryOptions } from "@tanstack/react-query";
import {
  clusterResponseSchema,
  connectionsResponseSchema,
  eventsResponseSchema,
  seriesResponseSchema,
  statesResponseSchema,
  type ConnectionQuery,
} from "@lvsdeck/protocol";
import { getJson } from "./http";
import { hrefWith } from "../lib/router";
import { summariesFromCluster, type SummaryState } from "../live/summaries";
import { applyHealth } from "../live/health";
import { healthQuery } from "./queries";

/** The open connection browser re-reads the table this often: entries come and go by the second. */
export const CONNECTIONS_REFRESH_MS = 5_000;
/** Most events the timeline loads for one window. */
export const TIMELINE_EVENT_LIMIT = 1_000;

/** Keys of data that is not the live cluster: history, the connection table, summaries. */
export const historyKeys = {
  all: ["history"] as const,
  clusterAt: (at: number) => [...historyKeys.all, "cluster", at] as const,
  series: (params: SeriesParams) => [...historyKeys.all, "series", params] as const,
  states: (params: SeriesParams & { director: string }) => [...historyKeys.all, "states", params] as const,
  events: (params: EventParams) => [...historyKeys.all, "events", params] as const,
};
export const connectionKeys = { all: ["connections"] as const, page: (q: ConnectionsParams) => [...connectionKeys.all, q] as const };
export const summaryKeys = { all: ["live", "summaries"] as const };

/** The cluster as it was at `at` (hub clock, ms), from the hub's stored snapshots. */
export const clusterAtQuery = (at: number) =>
  queryOptions({
    queryKey: historyKeys.clusterAt(at),
    queryFn: ({ signal }) => getJson(hrefWith("/api/cluster", { at }), clusterResponseSchema, signal),
    // The past does not change.
    staleTime: Infinity,
  });

/** `GET /api/series` parameters; `realServer` null for the service's total. */
export interface SeriesParams {
  service: string;
  realServer: string | null;
  from: number;
  to: number;
}

/** One director's stored connection entries by state over a range (the hub picks the tier). */
export const statesHistoryQuery = (params: SeriesParams & { director: string }, refetchMs: number | false) =>
  queryOptions({
    queryKey: historyKeys.states(params),
    queryFn: ({ signal }) => getJson(hrefWith("/api/states", { ...params }), statesResponseSchema, signal),
    refetchInterval: refetchMs,
    placeholderData: keepPreviousData,
  });

/** A stored series (tier chosen by the hub from the range), summed across directors. */
export const seriesHistoryQuery = (params: SeriesParams, refetchMs: number | false) =>
  queryOptions({
    queryKey: historyKeys.series(params),
    queryFn: ({ signal }) => getJson(hrefWith("/api/series", { ...params }), seriesResponseSchema, signal),
    refetchInterval: refetchMs,
    placeholderData: keepPreviousData,
  });

/** `GET /api/events` filters. */
export interface EventParams {
  from?: number;
  to?: number;
  director?: string;
  kind?: string;
  limit: number;
}

/** Events of one window and filter, oldest first as the hub returns them. */
export const eventsRangeQuery = (params: EventParams, refetchMs: number | false = false) =>
  queryOptions({
    queryKey: historyKeys.events(params),
    queryFn: ({ signal }) => getJson(hrefWith("/api/events", { ...params }), eventsResponseSchema, signal),
    refetchInterval: refetchMs,
    placeholderData: keepPreviousData,
  });

/** A connection-table query of one director, as the browser sends it. */
export type ConnectionsParams = Partial<Omit<ConnectionQuery, "offset" | "limit">> & { director: string; offset: number; limit: number };

/** One page of a director's connection table, answered by its agent. */
export const connectionsQuery = (params: ConnectionsParams) =>
  queryOptions({
    queryKey: connectionKeys.page(params),
    queryFn: ({ signal }) => getJson(hrefWith("/api/connections", { ...params }), connectionsResponseSchema, signal),
    placeholderData: keepPreviousData,
    refetchInterval: CONNECTIONS_REFRESH_MS,
    retry: false,
  });

/** Per-director summaries for the wall: loaded from /api/cluster, then kept current by `summaries` frames. */
export const summariesQuery = () =>
  queryOptions({
    queryKey: summaryKeys.all,
    queryFn: async ({ signal, client }): Promise<SummaryState> => {
      const cluster = await getJson("/api/cluster", clusterResponseSchema, signal);
      client.setQueryData(healthQuery().queryKey, (old) => applyHealth(old, cluster.serverTime, cluster.health));
      return summariesFromCluster(cluster, client.getQueryData<SummaryState>(summaryKeys.all));
    },
    staleTime: Infinity,
  });
