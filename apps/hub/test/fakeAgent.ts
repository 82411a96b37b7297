import WebSocket from "ws";
import { PROTOCOL_VERSION, agentCommandSchema, type AgentCommand, type DirectorSnapshot } from "@lvsdeck/protocol";
import { sampleSnapshot } from "@lvsdeck/protocol/testFixtures";
import { TOKEN } from "./harness";

/** The service and real server every fake agent carries (from the protocol's sample snapshot). */
export const FAKE_SERVICE = "TCP 192.0.2.10:443";
export const FAKE_REAL_SERVER = "192.0.2.11:443";

/** An agent speaking the real protocol over a real socket, whose table is a sample snapshot it edits on set-weight. */
export interface FakeAgent {
  /** Commands received so far, in order. */
  readonly commands: AgentCommand[];
  /** The weight of FAKE_REAL_SERVER in its table now. */
  weight(): number;
  close(): Promise<void>;
}

/**
 * Connects a fake agent for `director` whose FAKE_REAL_SERVER starts at `weight`; resolves once its snapshot
 * is sent. With `hangUpOnSetWeight` it closes its socket on the first set-weight instead of answering.
 */
export function connectFakeAgent(hubUrl: string, director: string, weight: number, options: { hangUpOnSetWeight?: boolean } = {}): Promise<FakeAgent> {
  const snapshot: DirectorSnapshot = sampleSnapshot(director, Date.now());
  const setWeight = (w: number) => {
    for (const rs of snapshot.services[0]?.realServers ?? []) if (rs.key === FAKE_REAL_SERVER) rs.weight = w;
  };
  setWeight(weight);
  const commands: AgentCommand[] = [];
  const ws = new WebSocket(`${hubUrl.replace("http", "ws")}/ws/agent`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const sendSnapshot = () => ws.send(JSON.stringify({ type: "snapshot", snapshot: { ...snapshot, takenAt: Date.now() } }));
  const agent: FakeAgent = {
    commands,
    weight: () => snapshot.services[0]?.realServers.find((r) => r.key === FAKE_REAL_SERVER)?.weight ?? -1,
    close: () =>
      new Promise((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once("close", () => resolve());
        ws.close();
      }),
  };
  return new Promise((resolve, reject) => {
    ws.on("message", (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; id?: string; command?: unknown };
      if (frame.type === "welcome") {
        sendSnapshot();
        resolve(agent);
      }
      if (frame.type !== "command") return;
      const command = agentCommandSchema.parse(frame.command);
      commands.push(command);
      if (command.kind !== "set-weight") return;
      if (options.hangUpOnSetWeight) return ws.close();
      setWeight(command.weight);
      ws.send(JSON.stringify({ type: "command-result", commandId: frame.id, ok: true, observedWeight: command.weight, error: null, detail: null }));
      sendSnapshot();
    });
    ws.once("open", () =>
      ws.send(JSON.stringify({ type: "hello", protocolVersion: PROTOCOL_VERSION, director, agentVersion: "fake", sources: ["fake"], capabilities: ["set-weight"], weightMode: "runtime", tickMs: 1000 })),
    );
    ws.once("error", reject);
  });
}
