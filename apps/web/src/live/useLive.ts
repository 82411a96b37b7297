import { useEffect } from "react";
import type { UiSubscribe } from "@lvsdeck/protocol";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { healthQuery, liveStatusQuery } from "../api/queries";
import type { HealthState } from "./health";
import { useNow } from "../lib/useNow";
import { createLiveBridge } from "./liveBridge";
import { currentBearerToken } from "../api/http";
import { sessionKeys } from "../features/auth/sessionQuery";
import { initialLiveStatus, type LiveStatus } from "./liveStatus";

/**
 * Connects the page to /ws/ui for as long as the calling component is mounted (once, at the root), with
 * the wall token REST calls carry, if any. A refused upgrade re-checks the session, so a 401 there
 * brings back the sign-in form like a 401 on REST does.
 */
export function useLiveBridge(detail: UiSubscribe["detail"] = "full"): void {
  const client = useQueryClient();
  useEffect(() => {
    const bridge = createLiveBridge(client, {
      detail,
      token: currentBearerToken(),
      onUpgradeFailed: () => void client.invalidateQueries({ queryKey: sessionKeys.all }),
    });
    return () => bridge.close();
  }, [client, detail]);
}

/** The live feed's state (connection, protocol errors). */
export function useLiveStatus(): LiveStatus {
  return useQuery(liveStatusQuery()).data ?? initialLiveStatus;
}

/** The hub's clock now, corrected for this browser's clock skew; re-rendered every second. */
export function useServerNow(active = true): number {
  const offset = useQuery({ ...liveStatusQuery(), select: (s) => s.clock.offsetMs }).data;
  return useNow(active) + (offset ?? 0);
}

/** The hub's groups and verdicts as last received; undefined until the first answer. */
export function useHealth(): HealthState | undefined {
  return useQuery(healthQuery()).data;
}
