import { queryOptions } from "@tanstack/react-query";
import type { Role, SessionResponse } from "@lvsdeck/protocol";
import { sessionResponseSchema } from "@lvsdeck/protocol";
import { ApiRequestError, getJson } from "../../api/http";

/** Query keys of the signed-in session. */
export const sessionKeys = { all: ["session"] as const };

/** Who is signed in; resolves to null (not an error) when nobody is. */
export const sessionQuery = queryOptions({
  queryKey: sessionKeys.all,
  queryFn: async (): Promise<SessionResponse | null> => {
    try {
      return await getJson("/api/session", sessionResponseSchema);
    } catch (err) {
      if (err instanceof ApiRequestError && err.status === 401) return null;
      throw err;
    }
  },
  staleTime: 60_000,
  retry: false,
});

const rank: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Whether the session may do what `role` may; wall tokens may only look. */
export function sessionCan(session: SessionResponse | null | undefined, role: Role): boolean {
  return session?.kind === "user" && session.user !== null && rank[session.user.role] >= rank[role];
}
