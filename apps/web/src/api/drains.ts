import { queryOptions } from "@tanstack/react-query";
import { drainsResponseSchema } from "@lvsdeck/protocol";
import { getJson } from "./http";

/** While anything is drained, progress is re-read this often (connections leave by the second). */
export const DRAINS_REFRESH_MS = 2_000;

export const drainKeys = { all: ["drains"] as const };

/** Drains in progress, from the hub (shared by every operator, unlike a browser's memory). */
export const drainsQuery = () =>
  queryOptions({
    queryKey: drainKeys.all,
    queryFn: async ({ signal }) => (await getJson("/api/drains", drainsResponseSchema, signal)).drains,
    refetchInterval: (query) => ((query.state.data?.length ?? 0) > 0 ? DRAINS_REFRESH_MS : DRAINS_REFRESH_MS * 5),
  });
