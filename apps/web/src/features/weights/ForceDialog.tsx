import { useEffect, useId, useRef, useState } from "react";

interface Props {
  /** What would be forced, as a question: "Drain 192.168.50.32:53 in UDP 192.168.50.102:53?". */
  title: string;
  /** Why the hub refused, in its own words. */
  message: string;
  onForce: (reason: string) => void;
  onCancel: () => void;
}

/** The hub's own hint for API clients; the dialog says it in the operator's words instead. */
const API_HINT = /;\s*send force with a reason to do it anyway\.?$/;

/**
 * Asks an operator to confirm a change the hub called unsafe, with a reason for the audit log. A modal
 * `<dialog>`: the rest of the page is inert while it is open, so keyboard focus stays inside; Escape cancels.
 */
export function ForceDialog({ title, message, onForce, onCancel }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const [reason, setReason] = useState("");
  const titleId = useId();
  const messageId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    if (!dialog.open) dialog.showModal();
    reasonRef.current?.focus();
    return () => dialog.close();
  }, []);

  const trimmed = reason.trim();
  const why = message.replace(API_HINT, "");
  return (
    <dialog
      ref={ref}
      className="force-dialog"
      aria-labelledby={titleId}
      aria-describedby={messageId}
      data-testid="force-dialog"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (trimmed !== "") onForce(trimmed);
        }}
      >
        <h2 id={titleId}>{title}</h2>
        <div id={messageId}>
          <p className="force-why">
            {why.charAt(0).toUpperCase()}
            {why.slice(1)}.
          </p>
          <p>The hub only does this when forced. Your reason goes into the audit log with your name.</p>
        </div>
        <label className="force-reason">
          Reason
          <textarea ref={reasonRef} value={reason} rows={3} maxLength={500} required onChange={(e) => setReason(e.currentTarget.value)} />
        </label>
        <div className="dialog-buttons">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="danger" disabled={trimmed === ""}>
            Force
          </button>
        </div>
      </form>
    </dialog>
  );
}
