import { QueryClient } from "@tanstack/react-query";
import { liveKeys, weightKeys } from "./queries";

/** The page's one QueryClient; live data lives in it and never expires while the page is open. */
export function createQueryClient(): QueryClient {
  const client = new QueryClient({
    defaultOptions: {
      queries: { retry: 2, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
  // Written by the bridge before anything observes them: must not be garbage-collected meanwhile.
  client.setQueryDefaults(liveKeys.all, { gcTime: Infinity, staleTime: Infinity });
  client.setQueryDefaults(weightKeys.all, { gcTime: Infinity, staleTime: Infinity });
  return client;
}
