import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { MAX_INCIDENT_NOTE, MAX_INCIDENT_TITLE, incidentResponseSchema } from "@lvsdeck/protocol";
import { sendJson } from "../../api/http";
import { Link } from "../../lib/router";
import { useSession } from "../auth/sessionQuery";
import { sessionCan } from "../auth/permissions";
import { fetchIncidentBundle, incidentKeys, incidentQuery } from "./incidentQueries";
import { IncidentRecord } from "./IncidentRecord";
import { incidentMarkdown } from "./incidentMarkdown";
import { download } from "./downloads";

function Exports({ id }: { id: number }) {
  const [state, setState] = useState<string | null>(null);
  const save = async (kind: "json" | "md") => {
    setState("Exporting…");
    try {
      const bundle = await fetchIncidentBundle(id);
      if (kind === "json") download(`lvsdeck-incident-${id}.json`, "application/json", JSON.stringify(bundle, null, 1));
      else download(`lvsdeck-incident-${id}.md`, "text/markdown", incidentMarkdown(bundle));
      setState(null);
    } catch (err) {
      setState(`Export failed: ${(err as Error).message}`);
    }
  };
  return (
    <div className="incident-exports">
      <button type="button" onClick={() => void save("json")}>
        Export bundle (JSON)
      </button>
      <button type="button" onClick={() => void save("md")}>
        Export summary (Markdown)
      </button>
      {state !== null && <span role="status">{state}</span>}
    </div>
  );
}

function NoteForm({ id }: { id: number }) {
  const client = useQueryClient();
  const [text, setText] = useState("");
  const add = useMutation({
    mutationFn: (note: string) => sendJson("POST", `/api/incidents/${id}/notes`, { text: note }, incidentResponseSchema),
    onSuccess: (data) => {
      client.setQueryData(incidentKeys.one(id), data);
      setText("");
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim() !== "") add.mutate(text);
  };
  return (
    <form className="incident-note-form" onSubmit={submit}>
      <label>
        Add a note
        <textarea value={text} maxLength={MAX_INCIDENT_NOTE} rows={3} onChange={(e) => setText(e.currentTarget.value)} />
      </label>
      <button type="submit" className="primary" disabled={add.isPending || text.trim() === ""}>
        Add note
      </button>
      {add.isError && <span className="load-error" role="alert">{add.error.message}</span>}
    </form>
  );
}

function TitleEditor({ id, title, onDone }: { id: number; title: string; onDone: () => void }) {
  const client = useQueryClient();
  const [draft, setDraft] = useState(title);
  const save = useMutation({
    mutationFn: (next: string) => sendJson("PUT", `/api/incidents/${id}/title`, { title: next }, incidentResponseSchema),
    onSuccess: (data) => {
      client.setQueryData(incidentKeys.one(id), data);
      void client.invalidateQueries({ queryKey: incidentKeys.list() });
      onDone();
    },
  });
  return (
    <form className="incident-title-form" onSubmit={(e) => (e.preventDefault(), save.mutate(draft))}>
      <label>
        Title
        <input value={draft} maxLength={MAX_INCIDENT_TITLE} onChange={(e) => setDraft(e.currentTarget.value)} />
      </label>
      <button type="submit" className="primary" disabled={save.isPending || draft.trim() === ""}>
        Save title
      </button>
      <button type="button" onClick={onDone}>
        Cancel
      </button>
      {save.isError && <span className="load-error" role="alert">{save.error.message}</span>}
    </form>
  );
}

/** One incident, live from the hub: its record, exports, and for operators a title and notes. */
export function IncidentDetail({ id }: { id: number }) {
  const query = useQuery(incidentQuery(id));
  const mayWrite = sessionCan(useSession(), "operator");
  const [editing, setEditing] = useState(false);
  return (
    <section className="panel incident" aria-labelledby="incident-title">
      <p>
        <Link href="/incidents">← All incidents</Link>
      </p>
      {query.isError && (
        <p className="load-error" role="alert">
          Cannot load incident {id}: {query.error.message}
        </p>
      )}
      {query.isPending && <p className="loading">Loading incident…</p>}
      {query.data && (
        <>
          {editing ? (
            <TitleEditor id={id} title={query.data.incident.title} onDone={() => setEditing(false)} />
          ) : (
            <h2 id="incident-title">
              {query.data.incident.title}{" "}
              {mayWrite && (
                <button type="button" onClick={() => setEditing(true)}>
                  Rename
                </button>
              )}
            </h2>
          )}
          <Exports id={id} />
          <IncidentRecord content={query.data} live />
          {mayWrite && <NoteForm id={id} />}
        </>
      )}
    </section>
  );
}
