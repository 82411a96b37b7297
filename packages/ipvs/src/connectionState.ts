/** TCP connection states as the kernel names them (ip_vs_proto_tcp.c). */
export const tcpStates = ["NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "SYNACK"] as const;

/** SCTP connection states (ip_vs_proto_sctp.c). */
export const sctpStates = ["NONE", "INIT1", "INIT", "C-SENT", "C-REPLIED", "C-WAIT", "COOKIE", "C-ECHOED", "ESTABLISHED", "S-SENT", "S-RECEIVED", "S-ACK-SENT", "REJECTED", "CLOSED"] as const;

/** Every state name the kernel can print, including templates' `ASSURED` and its fallbacks. */
export const connectionStates = [...new Set([...tcpStates, ...sctpStates, "UDP", "ASSURED", "ERR!", "?", "BUG!"])] as readonly string[];

/** How a connection counts toward ActiveConn / InActConn, or as a persistence template (counted in neither). */
export const connectionActivities = ["active", "inactive", "template"] as const;
export type ConnectionActivity = (typeof connectionActivities)[number];

// Mainline's tcp_state_active_table (Linux ≥ 5.9 or so); older kernels counted only ESTABLISHED.
const ACTIVE_TCP: ReadonlySet<string> = new Set(["ESTABLISHED", "SYN_SENT", "SYN_RECV", "SYNACK"]);

/** True for a persistence template: client port 0 in state NONE/ASSURED, or any protocol-IP (fwmark) entry. */
export function isTemplate(protocol: string, clientPort: number, state: string): boolean {
  return protocol === "IP" || (clientPort === 0 && (state === "NONE" || state === "ASSURED"));
}

/** Classifies a connection the way the kernel counts it in ActiveConn / InActConn. */
export function connectionActivity(protocol: string, state: string, template: boolean): ConnectionActivity {
  if (template) return "template";
  if (protocol === "TCP") return ACTIVE_TCP.has(state) ? "active" : "inactive";
  // SCTP counts only ESTABLISHED as active; UDP never leaves the INACTIVE flag.
  if (protocol === "SCTP") return state === "ESTABLISHED" ? "active" : "inactive";
  return "inactive";
}
