import { queryOptions, skipToken } from "@tanstack/react-query";
import {
  alertsResponseSchema,
  clusterResponseSchema,
  eventsResponseSchema,
  type ClusterResponse,
  type DirectorId,
} from "@lvsdeck/protocol";
import { getJson } from "./http";
import { mergeCluster, type RecentWeightChanges } from "../live/applyUpdate";
import { applyClockSample } from "../live/serverClock";
import { initialLiveStatus, type LiveStatus } from "../live/liveStatus";
import type { DirectorSeries } from "../live/series";
import { applyHealth, type HealthState } from "../live/health";

/** Events fetched on load and kept while live frames append to them. */
export const EVENT_LIMIT = 200;
/** Weight changes remembered for the rows' status lines. */
export const RECENT_WEIGHT_CHANGES = 50;
/** How often the cluster is polled while the live socket is down. */
export const FALLBACK_POLL_MS = 5_000;

/** Query keys, hierarchical so a whole family can be invalidated at once. */
export const clusterKeys = { all: ["cluster"] as const, current: () => [...clusterKeys.all, "current"] as const };
export const eventsKeys = { all: ["events"] as const, list: (limit: number) => [...eventsKeys.all, "list", { limit }] as const };
export const alertKeys = { all: ["alerts"] as const, active: () => [...alertKeys.all, "active"] as const };
export const weightKeys = { all: ["weights"] as const, recent: () => [...weightKeys.all, "recent"] as const };
export const liveKeys = {
  all: ["live"] as const,
  status: () => [...liveKeys.all, "status"] as const,
  seriesAll: () => [...liveKeys.all, "series"] as const,
  series: (director: DirectorId) => [...liveKeys.seriesAll(), director] as const,
  health: () => [...liveKeys.all, "health"] as const,
};

/** The live model of every director; the live bridge keeps it current between fetches. */
export const clusterQuery = () =>
  queryOptions({
    queryKey: clusterKeys.current(),
    queryFn: async ({ signal, client }): Promise<ClusterResponse> => {
      const cluster = await getJson("/api/cluster", clusterResponseSchema, signal);
      const receivedAt = Date.now();
      client.setQueryData(healthQuery().queryKey, (old) => applyHealth(old, cluster.serverTime, cluster.health));
      client.setQueryData(liveStatusQuery().queryKey, (status) => {
        const s = status ?? initialLiveStatus;
        return { ...s, clock: applyClockSample(s.clock, cluster.serverTime, receivedAt) };
      });
      return cluster;
    },
    // Frames keep it fresh; the bridge refetches after every (re)connect.
    staleTime: Infinity,
    // A fetch that a frame overtook must not roll a director back.
    structuralSharing: (old, fetched) => mergeCluster(old as ClusterResponse | undefined, fetched as ClusterResponse),
  });

/** The newest events, newest last; live `event` frames append to it. */
export const eventsQuery = (limit: number = EVENT_LIMIT) =>
  queryOptions({
    queryKey: eventsKeys.list(limit),
    queryFn: ({ signal }) => getJson(`/api/events?limit=${limit}`, eventsResponseSchema, signal),
    staleTime: Infinity,
  });

/** The hub's active alerts; `alerts` frames replace them whole. */
export const alertsQuery = () =>
  queryOptions({
    queryKey: alertKeys.active(),
    queryFn: ({ signal }) => getJson("/api/alerts", alertsResponseSchema, signal),
    staleTime: Infinity,
    retry: false,
  });

/** Weight changes seen on the socket or answered to this page, newest last. Written only by the bridge and mutations. */
export const recentWeightChangesQuery = () =>
  queryOptions({
    queryKey: weightKeys.recent(),
    queryFn: skipToken,
    initialData: [] as RecentWeightChanges,
    staleTime: Infinity,
    gcTime: Infinity,
  });

/** The live feed's own state: connection, hub clock offset, protocol errors. */
export const liveStatusQuery = () =>
  queryOptions({
    queryKey: liveKeys.status(),
    queryFn: skipToken,
    initialData: initialLiveStatus as LiveStatus,
    staleTime: Infinity,
    gcTime: Infinity,
  });

/**
 * The hub's VRRP groups and health verdicts: written by every GET /api/cluster and by `health` frames,
 * the newer answer winning. Pages show these; they derive no health of their own.
 */
export const healthQuery = () =>
  queryOptions({
    queryKey: liveKeys.health(),
    queryFn: skipToken as typeof skipToken | (() => HealthState),
    staleTime: Infinity,
    gcTime: Infinity,
  });

/** A director's bounded traffic history, written by the live bridge. */
export const seriesQuery = (director: DirectorId) =>
  queryOptions({
    queryKey: liveKeys.series(director),
    queryFn: skipToken as typeof skipToken | (() => DirectorSeries),
    staleTime: Infinity,
    gcTime: Infinity,
  });
