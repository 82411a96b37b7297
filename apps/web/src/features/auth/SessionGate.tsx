import type { ReactNode } from "react";
import { useQuery } from "@tanstack/react-query";
import { LoginPage } from "./LoginPage";
import { sessionQuery } from "./sessionQuery";

/** Shows the sign-in form until the hub knows who this is; then the app. */
export function SessionGate({ children }: { children: ReactNode }) {
  const session = useQuery(sessionQuery);
  if (session.isPending) return <p className="loading" role="status">Connecting to the hub…</p>;
  if (session.isError) {
    return (
      <main className="login">
        <p role="alert">The hub did not answer: {session.error.message}</p>
      </main>
    );
  }
  if (session.data === null) return <LoginPage />;
  return <>{children}</>;
}
