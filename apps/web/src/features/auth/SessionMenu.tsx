import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { SessionResponse } from "@lvsdeck/protocol";
import { sendJson } from "../../api/http";
import { sessionKeys } from "./sessionQuery";
import { describeSession } from "./permissions";

/** `DELETE /api/session` answers 204 with no body. */
const noBody = () => ({ ok: true as const, value: undefined });

/** Who is signed in, their role, and Sign out (a wall display has nothing to sign out of). */
export function SessionMenu({ session }: { session: SessionResponse }) {
  const client = useQueryClient();
  const signOut = useMutation({
    mutationFn: () => sendJson("DELETE", "/api/session", undefined, noBody),
    onSuccess: () => {
      // Nothing of this user's view may outlive the session: the next user starts from an empty cache.
      client.setQueryData(sessionKeys.all, null);
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionKeys.all[0] });
    },
  });
  const { name, role } = describeSession(session);
  return (
    <div className="session" data-testid="session" data-user={session.user?.name ?? ""} data-role={session.user?.role ?? "wall"}>
      <span className="session-user">{name}</span>
      <span className="session-role">{role}</span>
      {session.kind === "user" && (
        <button type="button" className="sign-out" disabled={signOut.isPending} onClick={() => signOut.mutate()}>
          Sign out
        </button>
      )}
      {signOut.isError && (
        <span className="session-error" role="alert">
          sign-out failed: {signOut.error.message}
        </span>
      )}
    </div>
  );
}
