import { useState, type FormEvent } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { authMethodsResponseSchema, sessionResponseSchema } from "@lvsdeck/protocol";
import { ApiRequestError, getJson, postJson } from "../../api/http";
import { sessionKeys } from "./sessionQuery";

/** The sign-in form shown whenever the hub answers 401; `notice` says why when it is not obvious. */
export function LoginPage({ notice = null }: { notice?: string | null }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Single sign-on, when the hub has it; a refused round trip comes back as ?sso_error=…
  const methods = useQuery({ queryKey: ["auth", "methods"], queryFn: ({ signal }) => getJson("/api/auth/methods", authMethodsResponseSchema, signal), staleTime: Infinity });
  const [ssoError] = useState(() => {
    const params = new URLSearchParams(window.location.search);
    const message = params.get("sso_error");
    if (message !== null) {
      params.delete("sso_error");
      const rest = params.toString();
      window.history.replaceState(null, "", `${window.location.pathname}${rest === "" ? "" : `?${rest}`}${window.location.hash}`);
    }
    return message;
  });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await postJson("/api/session", { name, password }, sessionResponseSchema);
      queryClient.setQueryData(sessionKeys.all, session);
      // Everything loaded before sign-in was a 401; load it again as this user.
      await queryClient.invalidateQueries({ predicate: (q) => q.queryKey[0] !== sessionKeys.all[0] });
    } catch (err) {
      setError(err instanceof ApiRequestError ? err.message : "sign-in failed");
    } finally {
      setBusy(false);
      setPassword("");
    }
  };

  return (
    <main className="login">
      <form className="login-form" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <h1 id="login-title">lvsdeck</h1>
        <p className="login-hint">Sign in to the LVS control room.</p>
        {notice !== null && <p className="login-notice">{notice}</p>}
        {ssoError !== null && (
          <p className="login-error" role="alert" data-testid="sso-error">
            {ssoError}
          </p>
        )}
        {methods.data?.sso != null && (
          <>
            <a className="sso-button" href="/api/auth/oidc/login">
              Sign in with {methods.data.sso.label}
            </a>
            <p className="login-or">or with a local account</p>
          </>
        )}
        <label>
          User
          <input name="user" autoComplete="username" value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        {error !== null && (
          <p className="login-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
