import { useEffect, useState } from "react";
import { UI_PROTOCOL_VERSION } from "@lvsdeck/protocol";
import { useNow } from "../lib/useNow";
import { formatHms } from "../lib/time";
import { useLiveStatus } from "./useLive";
import { PROTOCOL_RELOAD_STORAGE_KEY, parseProtocolReloadRecord, planProtocolReload, type ProtocolReloadPlan } from "./protocolReload";

function readRecord() {
  try {
    return parseProtocolReloadRecord(window.sessionStorage.getItem(PROTOCOL_RELOAD_STORAGE_KEY));
  } catch {
    return null; // storage disabled: no record, and the guard below cannot hold either
  }
}

function reloadFor(hubProtocolVersion: number) {
  try {
    window.sessionStorage.setItem(PROTOCOL_RELOAD_STORAGE_KEY, JSON.stringify({ hubProtocolVersion, at: Date.now() }));
  } catch {
    // Without storage a reload loop cannot be detected; reloading is still the right first step.
  }
  window.location.reload();
}

/**
 * When the hub speaks another protocol (it was upgraded or rolled back under an open page), the page
 * reloads itself after a short notice, so a wall nobody touches does not freeze on old data. A second
 * mismatch right after such a reload is shown and not reloaded again.
 */
export function ProtocolReloadNotice() {
  const status = useLiveStatus();
  const hubVersion = status.connection === "incompatible" ? status.hubProtocolVersion : null;
  return hubVersion === null ? null : <ProtocolMismatch key={hubVersion} hubVersion={hubVersion} />;
}

function ProtocolMismatch({ hubVersion }: { hubVersion: number }) {
  const now = useNow();
  // Decided once per hub version: the record read here is the one an earlier reload of this tab left.
  const [plan] = useState<ProtocolReloadPlan>(() => planProtocolReload(readRecord(), hubVersion, Date.now()));

  useEffect(() => {
    if (plan.kind !== "reload") return;
    const timer = setTimeout(() => reloadFor(hubVersion), Math.max(0, plan.at - Date.now()));
    return () => clearTimeout(timer);
  }, [plan, hubVersion]);

  const versions = `the hub speaks protocol ${hubVersion}, this page ${UI_PROTOCOL_VERSION}`;
  return (
    <div className="protocol-reload" data-testid="protocol-reload" data-plan={plan.kind} role="alert">
      {plan.kind === "reload" ? (
        <>
          <strong>The hub was upgraded.</strong> {versions}; reloading this page in {Math.max(0, Math.ceil((plan.at - now) / 1000))} s.
        </>
      ) : (
        <>
          <strong>This page cannot follow the hub.</strong> {versions}, still, after a reload at {formatHms(plan.reloadedAt)}. What
          is shown is not live; a cache or proxy may be serving an old copy of the web app.
        </>
      )}
    </div>
  );
}
