import { useEffect } from "react";
import type { UiSubscribe } from "@lvsdeck/protocol";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { liveStatusQuery } from "../api/queries";
import { useNow } from "../lib/useNow";
import { createLiveBridge } from "./liveBridge";
import { initialLiveStatus, type LiveStatus } from "./liveStatus";

/** Connects the page to /ws/ui for as long as the calling component is mounted (once, at the root). */
export function useLiveBridge(detail: UiSubscribe["detail"] = "full"): void {
  const client = useQueryClient();
  useEffect(() => {
    const bridge = createLiveBridge(client, { detail });
    return () => bridge.close();
  }, [client, detail]);
}

/** The live feed's state (connection, protocol errors). */
export function useLiveStatus(): LiveStatus {
  return useQuery(liveStatusQuery()).data ?? initialLiveStatus;
}

/** The hub's clock now, corrected for this browser's clock skew; re-rendered every second. */
export function useServerNow(): number {
  const offset = useQuery({ ...liveStatusQuery(), select: (s) => s.clock.offsetMs }).data;
  return useNow() + (offset ?? 0);
}
