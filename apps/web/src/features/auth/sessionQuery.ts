import { queryOptions, useQuery } from "@tanstack/react-query";
import type { SessionResponse } from "@lvsdeck/protocol";
import { sessionResponseSchema } from "@lvsdeck/protocol";
import { getJson, isUnauthorized } from "../../api/http";

/** Query keys of the signed-in session. */
export const sessionKeys = { all: ["session"] as const };

/** Who is signed in; resolves to null (not an error) when nobody is. */
export const sessionQuery = queryOptions({
  queryKey: sessionKeys.all,
  queryFn: async (): Promise<SessionResponse | null> => {
    try {
      return await getJson("/api/session", sessionResponseSchema);
    } catch (err) {
      if (isUnauthorized(err)) return null;
      throw err;
    }
  },
  staleTime: 60_000,
  retry: false,
});

/** Who is signed in; inside {@link SessionGate} this is never null (the gate shows the sign-in form instead). */
export function useSession(): SessionResponse | null {
  return useQuery(sessionQuery).data ?? null;
}
