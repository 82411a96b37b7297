import type { ReactNode } from "react";
import { useQuery } from "@tanstack/react-query";
import { LoginPage } from "./LoginPage";
import { sessionQuery } from "./sessionQuery";
import { currentBearerToken } from "../../api/http";
import { useLiveStatus } from "../../live/useLive";

/** Why the sign-in form is back, when the hub told us. */
function signInNotice(accessEnded: boolean): string | null {
  if (currentBearerToken() !== null) return "The wall token in this address is not valid any more (revoked?). Ask an admin for a new kiosk URL, or sign in.";
  if (accessEnded) return "The hub ended this session: the account was disabled, its password changed, or it signed out elsewhere. Sign in again.";
  return null;
}

/** Shows the sign-in form until the hub knows who this is; then the app. */
export function SessionGate({ children }: { children: ReactNode }) {
  const session = useQuery(sessionQuery);
  const { accessEnded } = useLiveStatus();
  // A failed re-check (hub offline) keeps the signed-in page: its banners say the hub is gone.
  if (session.data) return <>{children}</>;
  if (session.isPending) return <p className="loading" role="status">Connecting to the hub…</p>;
  if (session.isError) {
    return (
      <main className="login">
        <p className="login-form login-error" role="alert">
          The hub did not answer: {session.error.message}
        </p>
      </main>
    );
  }
  return <LoginPage notice={signInNotice(accessEnded)} />;
}
