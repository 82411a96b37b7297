import { useQuery } from "@tanstack/react-query";
import { FALLBACK_POLL_MS, clusterQuery } from "../../api/queries";
import { useLiveStatus } from "../../live/useLive";

/** The live cluster; polled only while the socket is down, otherwise kept current by the live bridge. */
export function useCluster() {
  const live = useLiveStatus();
  return useQuery({ ...clusterQuery(), refetchInterval: live.connection === "open" ? false : FALLBACK_POLL_MS });
}
