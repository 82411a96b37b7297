import { useEffect, useEffectEvent, useRef, useState } from "react";
import { MAX_WEIGHT, type RealServerKey, type ServiceKey } from "@lvsdeck/protocol";
import { useWeightChange, type WeightRequestState } from "./useWeightChange";
import { describeWeightChange } from "./describeWeightChange";

/** The slider reaches at least this far, so small weights can still be raised. */
export const MIN_SLIDER_MAX = 10;

/** The slider's upper end: 4× the confirmed weight (at least 10), and always past the value shown. */
export function sliderMax(confirmed: number, shown: number): number {
  return Math.min(MAX_WEIGHT, Math.max(MIN_SLIDER_MAX, confirmed * 4, shown));
}

function parseWeight(text: string): number | null {
  if (!/^\d{1,5}$/.test(text.trim())) return null;
  const n = Number(text);
  return n <= MAX_WEIGHT ? n : null;
}

interface Props {
  service: ServiceKey;
  realServer: RealServerKey;
  /** The weight in the shown director's table. */
  confirmed: number;
  /** Why the weight cannot be changed, or null. */
  disabledReason: string | null;
  /** The value being chosen (null when none), for the expected-share preview. */
  onDraft: (weight: number | null) => void;
  /** What Restore puts back. */
  restoreTo: number;
  /** Draining this server leaves the service with no server taking new connections: ask twice. */
  lastReceiver: boolean;
  /** Called when the operator drains, with the weight it replaces. */
  onDrain: (previousWeight: number) => void;
  onRestore: () => void;
}

function RequestStatus({ state }: { state: WeightRequestState }) {
  switch (state.kind) {
    case "idle":
      return null;
    case "pending":
      return (
        <span className="weight-status pending" data-testid="weight-pending" role="status">
          pending: weight {state.weight}…
        </span>
      );
    case "answered":
      return (
        <span className={`weight-status ${state.change.state}`} data-testid="weight-result" data-state={state.change.state} role="status">
          {describeWeightChange(state.change)}
        </span>
      );
    case "error":
      return (
        <span className="weight-status failed" data-testid="weight-result" data-state="error" role="alert">
          weight {state.weight} refused: {state.message}
        </span>
      );
  }
}

/** A real server's weight: a slider and a number field, sent to the hub on release. */
export function WeightControl({ service, realServer, confirmed, disabledReason, onDraft, restoreTo, lastReceiver, onDrain, onRestore }: Props) {
  const edit = useWeightChange(service, realServer, confirmed, onDraft);
  const [typed, setTyped] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const rangeRef = useRef<HTMLInputElement>(null);
  const label = `${realServer} in ${service}`;

  // The native `change` event fires on release (pointer up, key step, or a programmatic fill);
  // React's onChange fires on every movement instead.
  const onRelease = useEffectEvent((value: number) => edit.commit(value));
  useEffect(() => {
    const range = rangeRef.current;
    if (range === null) return;
    const listener = () => onRelease(Number(range.value));
    range.addEventListener("change", listener);
    return () => range.removeEventListener("change", listener);
  }, []);

  const submitTyped = () => {
    if (typed === null) return;
    const weight = parseWeight(typed);
    setTyped(null);
    if (weight === null || weight === confirmed) edit.cancel();
    else edit.commit(weight);
  };

  const disabled = disabledReason !== null;
  return (
    <div className="weight-control" title={disabledReason ?? undefined}>
      <div className="weight-inputs">
        <input
          ref={rangeRef}
          type="range"
          min={0}
          max={sliderMax(confirmed, edit.weight)}
          step={1}
          value={edit.weight}
          disabled={disabled}
          aria-label={`Weight of ${label}`}
          aria-valuetext={`weight ${edit.weight}`}
          onChange={(e) => edit.drag(Number(e.currentTarget.value))}
        />
        <input
          type="number"
          className="weight-number"
          min={0}
          max={MAX_WEIGHT}
          step={1}
          inputMode="numeric"
          value={typed ?? String(edit.weight)}
          disabled={disabled}
          aria-label={`Set weight for ${label}`}
          onChange={(e) => {
            setTyped(e.currentTarget.value);
            const weight = parseWeight(e.currentTarget.value);
            if (weight !== null) edit.drag(weight);
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter") submitTyped();
            if (e.key === "Escape") {
              setTyped(null);
              edit.cancel();
            }
          }}
          onBlur={submitTyped}
        />
      </div>
      <div className="drain-buttons">
        {confirmed > 0 ? (
          <button
            type="button"
            className={confirming ? "danger" : undefined}
            disabled={disabled || edit.pending}
            aria-label={confirming ? `Confirm drain of ${label}: no other server takes new connections` : `Drain ${label}`}
            onClick={() => {
              if (lastReceiver && !confirming) return setConfirming(true);
              setConfirming(false);
              onDrain(confirmed);
              edit.commit(0);
            }}
            onBlur={() => setConfirming(false)}
          >
            {confirming ? "Confirm drain (last server!)" : "Drain"}
          </button>
        ) : (
          <button
            type="button"
            disabled={disabled || edit.pending}
            aria-label={`Restore ${label} to weight ${restoreTo}`}
            onClick={() => {
              onRestore();
              edit.commit(restoreTo);
            }}
          >
            Restore to {restoreTo}
          </button>
        )}
      </div>
      <RequestStatus state={edit.state} />
    </div>
  );
}
