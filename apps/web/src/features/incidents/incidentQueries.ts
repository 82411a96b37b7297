import { queryOptions } from "@tanstack/react-query";
import { incidentBundleSchema, incidentResponseSchema, incidentsResponseSchema } from "@lvsdeck/protocol";
import { getJson } from "../../api/http";

/** The incident list is re-read this often while open: a failover in progress grows its incident. */
export const INCIDENTS_REFRESH_MS = 10_000;

export const incidentKeys = {
  all: ["incidents"] as const,
  list: () => [...incidentKeys.all, "list"] as const,
  one: (id: number) => [...incidentKeys.all, "one", id] as const,
};

/** Incidents of the last day, newest first. */
export const incidentsQuery = () =>
  queryOptions({
    queryKey: incidentKeys.list(),
    queryFn: ({ signal }) => getJson("/api/incidents", incidentsResponseSchema, signal),
    refetchInterval: INCIDENTS_REFRESH_MS,
  });

/** One incident with its events and notes. */
export const incidentQuery = (id: number) =>
  queryOptions({
    queryKey: incidentKeys.one(id),
    queryFn: ({ signal }) => getJson(`/api/incidents/${id}`, incidentResponseSchema, signal),
    refetchInterval: INCIDENTS_REFRESH_MS,
  });

/** The export of one incident: what a bundle file holds. */
export const fetchIncidentBundle = (id: number) => getJson(`/api/incidents/${id}/bundle`, incidentBundleSchema);
