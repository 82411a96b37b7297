import { useState } from "react";

/** How long "Copied" shows before the button reads its label again. */
const COPIED_MS = 2_000;

/** Copies `text` to the clipboard; says so, or says to copy by hand where the browser refuses (plain http). */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState("copied");
    } catch {
      setState("failed");
    }
    setTimeout(() => setState("idle"), COPIED_MS);
  };
  return (
    <button type="button" onClick={() => void copy()} aria-label={label}>
      {state === "copied" ? "Copied" : state === "failed" ? "Select and copy by hand" : "Copy"}
    </button>
  );
}
