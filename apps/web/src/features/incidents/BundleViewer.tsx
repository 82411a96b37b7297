import { useState, type ChangeEvent } from "react";
import { incidentBundleSchema, type IncidentBundle } from "@lvsdeck/protocol";
import { Link } from "../../lib/router";
import { formatDateTime } from "../../lib/time";
import { IncidentRecord } from "./IncidentRecord";
import { incidentMarkdown } from "./incidentMarkdown";
import { download } from "./downloads";

/** Largest bundle file this page reads (bytes): a long incident of a large fleet, with its series. */
export const MAX_BUNDLE_BYTES = 50 * 1024 * 1024;

/** Reads a bundle file's text: the bundle, or what is wrong with it in words. */
export function readBundle(text: string): { bundle: IncidentBundle } | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { error: "this file is not JSON" };
  }
  const parsed = incidentBundleSchema.safeParse(json);
  if (parsed.success) return { bundle: parsed.data };
  const issue = parsed.error.issues[0];
  return { error: `not an lvsdeck incident bundle (version 1): ${issue === undefined ? "unreadable" : `${issue.path.join(".") || "file"}: ${issue.message}`}` };
}

/** An exported incident opened from a file: shown read-only, from the file alone (nothing is sent to the hub). */
export function BundleViewer() {
  const [result, setResult] = useState<{ name: string; bundle: IncidentBundle } | { name: string; error: string } | null>(null);
  const open = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.currentTarget.files?.[0];
    if (file === undefined) return;
    if (file.size > MAX_BUNDLE_BYTES) return setResult({ name: file.name, error: `larger than ${MAX_BUNDLE_BYTES / 1024 / 1024} MB` });
    setResult({ name: file.name, ...readBundle(await file.text()) });
  };
  return (
    <section className="panel incident" aria-labelledby="bundle-title">
      <p>
        <Link href="/incidents">← All incidents</Link>
      </p>
      <h2 id="bundle-title">{result !== null && "bundle" in result ? result.bundle.incident.title : "Open an exported incident"}</h2>
      <label className="bundle-file">
        Bundle file (.json)
        <input type="file" accept="application/json,.json" onChange={(e) => void open(e)} />
      </label>
      {result !== null && "error" in result && (
        <p className="load-error" role="alert">
          {result.name}: {result.error}
        </p>
      )}
      {result !== null && "bundle" in result && (
        <>
          <p className="read-only-note" data-testid="bundle-source">
            Read-only, from {result.name}: exported {formatDateTime(result.bundle.exportedAt)} by {result.bundle.exportedBy} (hub {result.bundle.hubVersion}).
          </p>
          <div className="incident-exports">
            <button type="button" onClick={() => download(`lvsdeck-incident-${result.bundle.incident.id}.md`, "text/markdown", incidentMarkdown(result.bundle))}>
              Export summary (Markdown)
            </button>
          </div>
          <IncidentRecord content={result.bundle} live={false} />
        </>
      )}
    </section>
  );
}
