import { useId, useState, type KeyboardEvent } from "react";
import { MAX_WEIGHT, type RealServerKey, type ServiceKey, type WeightMode } from "@lvsdeck/protocol";
import { useWeightChange } from "./useWeightChange";
import type { WeightRequestState } from "./weightRequest";
import { ChangeOutcome } from "./ChangeOutcome";
import { ForceDialog } from "./ForceDialog";
import { draftText, keyIntent } from "./weightDraft";

/** The slider reaches at least this far, so small weights can still be raised. */
export const MIN_SLIDER_MAX = 10;

/** The number box's narrowest width (ch): room for the usual weights and the browser's spinner. */
const MIN_NUMBER_WIDTH_CH = 8;

/** The 4× rule stops here, so the slider keeps a usable step; typing reaches any weight up to MAX_WEIGHT. */
export const PRACTICAL_SLIDER_MAX = 65535;

/**
 * The slider's upper end: 4× the confirmed weight (at least 10, at most PRACTICAL_SLIDER_MAX), and
 * always at or past the confirmed and shown weights, so a weight above that range is never clamped.
 */
export function sliderMax(confirmed: number, shown: number): number {
  return Math.min(MAX_WEIGHT, Math.max(MIN_SLIDER_MAX, Math.min(PRACTICAL_SLIDER_MAX, confirmed * 4), confirmed, shown));
}

function parseWeight(text: string): number | null {
  if (!/^\d{1,10}$/.test(text.trim())) return null;
  const n = Number(text);
  return n <= MAX_WEIGHT ? n : null;
}

interface Props {
  service: ServiceKey;
  realServer: RealServerKey;
  /** The weight in the shown director's table. */
  confirmed: number;
  /** How the agent applies weights to this server: `runtime` ones do not survive keepalived's next health transition. */
  weightMode: WeightMode;
  /** Why the weight cannot be changed, or null. */
  disabledReason: string | null;
  /** The value being chosen (null when none), for the expected-share preview. */
  onDraft: (weight: number | null) => void;
  /** What Restore puts back, and whether the hub remembers it from its own drain. */
  restoreTo: { weight: number; hubDrain: boolean };
  /** Directors a change goes to, named in the draft. */
  targets: readonly string[];
}

const verb = { set: "weight", drain: "drain", restore: "restore" } as const;

/** Said next to the control, not in a tooltip, once a runtime weight was sent: it does not last. */
export const RUNTIME_WEIGHT_NOTE =
  "Runtime weight: keepalived puts its configured weight back at this server's next health transition or reload. Weight mode keepalived (agent --weight-mode keepalived) keeps it.";

function RequestStatus({ state, label }: { state: WeightRequestState; label: string }) {
  switch (state.kind) {
    case "idle":
      return null;
    case "pending":
      return (
        <span className="weight-status pending" data-testid="weight-pending" role="status">
          pending: {state.intent.action === "set" ? `weight ${state.intent.weight}` : verb[state.intent.action]}…
        </span>
      );
    case "answered":
      return <ChangeOutcome answered={state.change} label={label} />;
    case "conflict":
      return (
        <span className="weight-status failed" data-testid="weight-result" data-state="conflict" role="alert">
          changed meanwhile to {state.currentWeight}: your {state.intent.weight} was not sent
        </span>
      );
    case "needs-force":
      return (
        <span className="weight-status pending" data-testid="weight-result" data-state="needs-force" role="status">
          {state.intent.action === "set" ? `weight ${state.intent.weight}` : verb[state.intent.action]} needs force and a reason
        </span>
      );
    case "error":
      return (
        <span className="weight-status failed" data-testid="weight-result" data-state="error" role="alert">
          {state.intent.action === "set" ? `weight ${state.intent.weight}` : verb[state.intent.action]} refused: {state.message}
        </span>
      );
  }
}

/**
 * A real server's weight: a slider and a number field that make a draft ("2 → 5 on lvs-dir-01,
 * lvs-dir-02"), applied with Apply or Enter and dropped with Escape; keys never send on their own.
 * Drain and Restore; Undo for 30 s after a change.
 */
export function WeightControl({ service, realServer, confirmed, weightMode, disabledReason, onDraft, restoreTo, targets }: Props) {
  const edit = useWeightChange(service, realServer, confirmed, onDraft);
  const [typed, setTyped] = useState<string | null>(null);
  const label = `${realServer} in ${service}`;
  const draftId = useId();

  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    const intent = keyIntent(e.key);
    if (intent === null) return;
    e.preventDefault();
    setTyped(null);
    if (intent === "apply") edit.apply();
    else edit.discard();
  };

  const disabled = disabledReason !== null;
  const { state, draft } = edit;
  return (
    <div className="weight-control" title={disabledReason ?? undefined}>
      <div className="weight-inputs">
        <input
          type="range"
          min={0}
          max={sliderMax(confirmed, edit.weight)}
          step={1}
          value={edit.weight}
          disabled={disabled}
          aria-label={`Weight of ${label}`}
          aria-valuetext={`weight ${edit.weight}`}
          {...(draft !== null && { "aria-describedby": draftId })}
          onChange={(e) => edit.move(Number(e.currentTarget.value))}
          onKeyDown={onKey}
        />
        <input
          type="number"
          className="weight-number"
          // Wide enough for the whole weight, so one above the usual range is never shown cut.
          style={{ width: `${Math.max(MIN_NUMBER_WIDTH_CH, (typed ?? String(edit.weight)).length + 4)}ch` }}
          min={0}
          max={MAX_WEIGHT}
          step={1}
          inputMode="numeric"
          value={typed ?? String(edit.weight)}
          disabled={disabled}
          aria-label={`Set weight for ${label}`}
          {...(draft !== null && { "aria-describedby": draftId })}
          onChange={(e) => {
            setTyped(e.currentTarget.value);
            const weight = parseWeight(e.currentTarget.value);
            if (weight !== null) edit.move(weight);
          }}
          onKeyDown={onKey}
          onBlur={() => setTyped(null)}
        />
      </div>
      {draft !== null && !edit.pending && (
        <div className="weight-draft" data-testid="weight-draft">
          <span id={draftId} role="status" data-testid="weight-draft-text">
            {draftText(draft.from, draft.to, targets)}
          </span>
          {edit.confirmingDrain ? (
            <span className="weight-draft-confirm" role="alert">
              Weight 0 drains {realServer}: no new connections; existing ones finish.{" "}
              <button type="button" className="danger" aria-label={`Confirm drain of ${label}`} onClick={() => edit.confirmDrain()}>
                Drain
              </button>{" "}
              <button type="button" onClick={() => edit.discard()}>
                Keep {draft.from}
              </button>
            </span>
          ) : (
            <span className="weight-draft-buttons">
              <button type="button" className="primary" disabled={disabled} aria-label={`Apply weight ${draft.to} to ${label}`} onClick={() => edit.apply()}>
                Apply
              </button>{" "}
              <button type="button" aria-label={`Discard weight ${draft.to} for ${label}`} onClick={() => edit.discard()}>
                Discard
              </button>
            </span>
          )}
        </div>
      )}
      <div className="drain-buttons">
        {confirmed > 0 ? (
          <button type="button" disabled={disabled || edit.pending} aria-label={`Drain ${label}`} onClick={() => edit.drain()}>
            Drain
          </button>
        ) : (
          <button type="button" disabled={disabled || edit.pending} aria-label={`Restore ${label} to weight ${restoreTo.weight}`} onClick={() => edit.restore(restoreTo)}>
            Restore to {restoreTo.weight}
          </button>
        )}
        {edit.undoSecondsLeft !== null && (
          <button type="button" data-testid="weight-undo" disabled={disabled || edit.pending} aria-label={`Undo the last weight change of ${label}`} onClick={() => edit.undo()}>
            Undo ({edit.undoSecondsLeft} s)
          </button>
        )}
      </div>
      {/* Not while dragging: the row would grow under the pointer. */}
      {weightMode === "runtime" && state.kind !== "idle" && (
        <p className="weight-mode-note" data-testid="weight-mode-note">
          {RUNTIME_WEIGHT_NOTE}
        </p>
      )}
      <RequestStatus state={state} label={label} />
      {state.kind === "needs-force" && (
        <ForceDialog
          title={state.intent.action === "drain" ? `Drain ${label}?` : `Set the weight of ${label} to ${state.intent.weight}?`}
          message={state.message}
          onForce={(reason) => edit.force(reason)}
          onCancel={() => edit.dismissForce()}
        />
      )}
    </div>
  );
}
