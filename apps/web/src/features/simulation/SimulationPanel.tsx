import { useState } from "react";
import type { DirectorView, RealServerKey, ServiceKey, SimFault } from "@lvsdeck/protocol";
import { useCluster } from "../topology/useCluster";
import { useSimFault, useVrrpLinkFault } from "./useSimFault";
import { useSession } from "../auth/sessionQuery";
import { actingScope, mayInjectFaults } from "../auth/permissions";

/** True when the director's agent accepts injected faults (simulated directors only). */
export function canSimulate(view: DirectorView): boolean {
  return view.agent?.capabilities.includes("sim-faults") === true;
}

function realServerOptions(view: DirectorView): { value: string; service: ServiceKey; realServer: RealServerKey }[] {
  return (view.snapshot?.services ?? []).flatMap((s) =>
    s.realServers.map((rs) => ({ value: `${s.key}|${rs.key}`, service: s.key, realServer: rs.key })),
  );
}

/** Said instead of the director-wide buttons to a VIP-scoped operator; the hub refuses them too. */
const SCOPED_NOTE = "Your VIP scope is limited: stopping a director or cutting the VRRP link would touch VIPs outside it, so only real-server faults of your services are offered.";

function SimDirector({ view, scoped }: { view: DirectorView; scoped: boolean }) {
  const fault = useSimFault();
  const options = realServerOptions(view);
  const [chosen, setChosen] = useState("");
  const target = options.find((o) => o.value === chosen) ?? options[0];
  const send = (kind: SimFault) => fault.mutate({ director: view.id, fault: kind });
  const sendRealServer = (kind: SimFault) => {
    if (target !== undefined) fault.mutate({ director: view.id, fault: kind, service: target.service, realServer: target.realServer });
  };
  // A disconnected agent cannot take a fault; its buttons stay visible so the panel does not jump.
  const busy = fault.isPending || !view.connected;
  return (
    <div className="sim-director" role="group" aria-label={`Simulation of ${view.id}`} data-testid="sim-director" data-director={view.id}>
      <h3>{view.id}</h3>
      {!scoped && (
        <div className="sim-buttons">
          <button type="button" disabled={busy} onClick={() => send("stop-director")}>
            Stop {view.id}
          </button>
          <button type="button" disabled={busy} onClick={() => send("start-director")}>
            Start {view.id}
          </button>
          {view.snapshot?.connectionSync !== undefined && (
            <>
              <button type="button" disabled={busy} onClick={() => send("stop-sync")} title="ipvsadm --stop-daemon: its connections no longer reach its peer, or its peer's no longer reach it">
                Stop connection sync
              </button>
              <button type="button" disabled={busy} onClick={() => send("start-sync")}>
                Start connection sync
              </button>
            </>
          )}
        </div>
      )}
      {options.length > 0 && (
        <div className="sim-buttons">
          <select aria-label={`Real server to fail on ${view.id}`} value={target?.value ?? ""} onChange={(e) => setChosen(e.currentTarget.value)}>
            {options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.realServer} ({o.service})
              </option>
            ))}
          </select>
          <button type="button" disabled={busy} onClick={() => sendRealServer("fail-real-server")}>
            Fail real server
          </button>
          <button type="button" disabled={busy} onClick={() => sendRealServer("silence-real-server")} title="It passes its health check but stops answering clients on the VIP (direct routing with the VIP missing on its loopback)">
            Silence real server
          </button>
          <button type="button" disabled={busy} onClick={() => sendRealServer("time-wait-pileup")} title="It closes every connection after one request (keep-alive off): its clients reconnect again and again">
            Close after each request
          </button>
          <button type="button" disabled={busy} onClick={() => sendRealServer("restore-real-server")}>
            Restore real server
          </button>
        </div>
      )}
      {options.length > 0 && !scoped && (
        <div className="sim-buttons">
          <button type="button" disabled={busy} onClick={() => target !== undefined && fault.mutate({ director: view.id, fault: "syn-flood", service: target.service })} title="Spoofed SYNs to the chosen real server's VIP and port, on every real server of its service">
            SYN flood its service
          </button>
          <button type="button" disabled={busy} onClick={() => target !== undefined && fault.mutate({ director: view.id, fault: "end-syn-flood", service: target.service })}>
            End SYN flood
          </button>
        </div>
      )}
      <p className="sim-result" role="status" data-testid="sim-result">
        {!view.connected ? "agent disconnected" : fault.isPending ? "sending…" : fault.isError ? <span className="failed">failed: {fault.error.message}</span> : fault.isSuccess ? fault.data.detail || "done" : ""}
      </p>
    </div>
  );
}

/** Cuts or restores the VRRP link between the simulated directors: every one stops hearing the others. */
function VrrpLinkControls({ directors }: { directors: readonly DirectorView[] }) {
  const link = useVrrpLinkFault(directors);
  return (
    <div className="sim-link" role="group" aria-label="VRRP link between directors" data-testid="sim-link">
      <h3>VRRP link between directors</h3>
      <div className="sim-buttons">
        <button type="button" disabled={link.isPending} onClick={() => link.mutate("cut-link")}>
          Cut link
        </button>
        <button type="button" disabled={link.isPending} onClick={() => link.mutate("restore-link")}>
          Restore link
        </button>
      </div>
      <p className="sim-result" role="status">
        {link.isPending ? "sending…" : link.isError ? <span className="failed">failed: {link.error.message}</span> : link.isSuccess ? link.data || "done" : ""}
      </p>
    </div>
  );
}

/** Fault injection for simulated directors; absent when no director's agent supports it or the user may not change anything. */
export function SimulationPanel() {
  const directors = (useCluster().data?.directors ?? []).filter(canSimulate);
  const session = useSession();
  const allowed = mayInjectFaults(session);
  const scoped = actingScope(session) !== null;
  if (directors.length === 0 || !allowed) return null;
  return (
    <section className="panel simulation" aria-labelledby="sim-title">
      <h2 id="sim-title">Simulation</h2>
      <p className="hint">Faults for simulated directors (demo and tests).</p>
      {scoped ? (
        <p className="hint" data-testid="sim-scoped">
          {SCOPED_NOTE}
        </p>
      ) : (
        <VrrpLinkControls directors={directors} />
      )}
      {directors.map((view) => (
        <SimDirector key={view.id} view={view} scoped={scoped} />
      ))}
    </section>
  );
}
