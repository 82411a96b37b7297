import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Token } from "@lvsdeck/protocol";
import { adminKeys, createToken, revokeToken, tokensQuery, type NewToken } from "./adminQueries";
import { formatVipList, parseVipList } from "./vipList";
import { formatDateTime } from "../../lib/time";
import { useCluster } from "../topology/useCluster";
import { CopyButton } from "./CopyButton";
import { AdminTable } from "./AdminTable";

type Created = Token & { secret: string };

/** The kiosk URL of a wall token: the only link that carries a token. */
export function kioskUrl(origin: string, secret: string): string {
  return `${origin}/wall?token=${encodeURIComponent(secret)}`;
}

/** The one moment a token's secret is visible: copy it now or create another. */
function CreatedSecret({ token, onDone }: { token: Created; onDone: () => void }) {
  const url = token.kind === "wall" ? kioskUrl(window.location.origin, token.secret) : null;
  return (
    <div className="secret-once" role="status" data-testid="token-secret">
      <p>
        <strong>{token.kind === "wall" ? "Wall" : "Agent"} token {token.name} created.</strong> Copy it now: the hub keeps only its hash and will
        not show it again.
      </p>
      <div className="secret-line">
        <code data-testid="secret">{token.secret}</code>
        <CopyButton text={token.secret} label="Copy secret" />
      </div>
      {url !== null && (
        <div className="secret-line">
          <span>Kiosk URL</span>
          <code data-testid="kiosk-url">{url}</code>
          <CopyButton text={url} label="Copy kiosk URL" />
        </div>
      )}
      {token.kind === "agent" && (
        <p className="field-hint">
          Start the agent with <code>--director {token.director} --token …</code>.
        </p>
      )}
      <button type="button" onClick={onDone}>
        Done
      </button>
    </div>
  );
}

function NewTokenForm({ onCreated }: { onCreated: (token: Created) => void }) {
  const client = useQueryClient();
  const directors = (useCluster().data?.directors ?? []).map((d) => d.id);
  const [kind, setKind] = useState<NewToken["kind"]>("wall");
  const [name, setName] = useState("");
  const [director, setDirector] = useState("");
  const [vips, setVips] = useState("");
  const [error, setError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: createToken,
    onSuccess: (token) => {
      void client.invalidateQueries({ queryKey: adminKeys.tokens() });
      setName("");
      setDirector("");
      setVips("");
      setError(null);
      onCreated(token);
    },
    onError: (err) => setError(err.message),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (kind === "agent") return create.mutate({ kind, director: director.trim() });
    const parsed = parseVipList(vips);
    if (!parsed.ok) return setError(parsed.error);
    create.mutate({ kind, name: name.trim(), vips: parsed.value });
  };
  return (
    <form className="admin-form" onSubmit={submit} aria-labelledby="new-token-title">
      <h3 id="new-token-title">New token</h3>
      <fieldset className="kind-choice">
        <legend>Kind</legend>
        <label>
          <input type="radio" name="token-kind" checked={kind === "wall"} onChange={() => setKind("wall")} /> Wall display (read-only)
        </label>
        <label>
          <input type="radio" name="token-kind" checked={kind === "agent"} onChange={() => setKind("agent")} /> Agent of one director
        </label>
      </fieldset>
      {kind === "wall" ? (
        <>
          <label>
            Name
            <input value={name} onChange={(e) => setName(e.currentTarget.value)} required maxLength={64} placeholder="noc-tv" />
          </label>
          <label>
            VIPs <span className="field-hint">(empty: all)</span>
            <input value={vips} onChange={(e) => setVips(e.currentTarget.value)} placeholder="192.168.50.100, …" />
          </label>
        </>
      ) : (
        <label>
          Director
          <input value={director} onChange={(e) => setDirector(e.currentTarget.value)} required list="known-directors" placeholder="lvs-dir-01" />
          <datalist id="known-directors">
            {directors.map((d) => (
              <option key={d} value={d} />
            ))}
          </datalist>
        </label>
      )}
      <button type="submit" className="primary" disabled={create.isPending}>
        Create token
      </button>
      {error !== null && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

function TokenRow({ token }: { token: Token }) {
  const client = useQueryClient();
  const revoke = useMutation({ mutationFn: () => revokeToken(token.id), onSuccess: () => client.invalidateQueries({ queryKey: adminKeys.tokens() }) });
  return (
    <tr data-testid="token-row" data-token={token.name} data-kind={token.kind} data-revoked={token.revokedAt !== null} className={token.revokedAt !== null ? "disabled" : undefined}>
      <th scope="row">{token.name}</th>
      <td>{token.kind === "wall" ? "wall (read-only)" : "agent"}</td>
      <td>{token.kind === "agent" ? (token.director ?? "") : formatVipList(token.vips)}</td>
      <td>{formatDateTime(token.createdAt)}</td>
      <td>{token.revokedAt === null ? "active" : `revoked ${formatDateTime(token.revokedAt)}`}</td>
      <td className="actions">
        {token.revokedAt === null && (
          <button type="button" disabled={revoke.isPending} onClick={() => revoke.mutate()} aria-label={`Revoke ${token.kind} token ${token.name}`}>
            Revoke
          </button>
        )}
        {revoke.isError && (
          <span className="form-error" role="alert">
            {revoke.error.message}
          </span>
        )}
      </td>
    </tr>
  );
}

/** Tokens: one per director's agent, and read-only wall tokens for kiosks; create (secret shown once) and revoke. */
export function TokensPanel() {
  const tokens = useQuery(tokensQuery());
  const [created, setCreated] = useState<Created | null>(null);
  return (
    <section className="panel admin-panel" aria-labelledby="tokens-title">
      <h2 id="tokens-title">Tokens</h2>
      {created !== null && <CreatedSecret token={created} onDone={() => setCreated(null)} />}
      <AdminTable query={tokens} what="tokens" columns={["Name", "Kind", "Director or VIPs", "Created", "Status", "Actions"]} empty="No tokens yet: create one per director's agent below.">
        {(rows) => rows.map((t) => <TokenRow key={t.id} token={t} />)}
      </AdminTable>
      <NewTokenForm onCreated={setCreated} />
    </section>
  );
}
