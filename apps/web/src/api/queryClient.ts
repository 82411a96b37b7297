import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { liveKeys, weightKeys } from "./queries";
import { isUnauthorized } from "./http";
import { sessionKeys } from "../features/auth/sessionQuery";

/** The page's one QueryClient; live data lives in it and never expires while the page is open. */
export function createQueryClient(): QueryClient {
  // Any 401 means the session ended (expired, signed out elsewhere, user disabled): ask the hub who we
  // are, which shows the sign-in form when nobody is.
  const onError = (err: unknown) => {
    if (isUnauthorized(err)) void client.invalidateQueries({ queryKey: sessionKeys.all });
  };
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      // A 401 will not turn into a 200 by asking again.
      queries: { retry: (failures, err) => !isUnauthorized(err) && failures < 2, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
  // Written by the bridge before anything observes them: must not be garbage-collected meanwhile.
  client.setQueryDefaults(liveKeys.all, { gcTime: Infinity, staleTime: Infinity });
  client.setQueryDefaults(weightKeys.all, { gcTime: Infinity, staleTime: Infinity });
  return client;
}
