import type { IpvsTimeouts } from "@lvsdeck/protocol";
import type { FlowCounters } from "./estimator";
import { changeFlow, type FlowRates } from "./flowMeter";
import { refreshOverload, type SimRealServer, type SimService } from "./ipvsTable";
import type { PersistenceTemplate } from "./persistence";
import type { Prng } from "./prng";

/** Connection states the simulator produces, spelled as `ipvsadm -Lnc` prints them. */
export type ConnState = "SYN_RECV" | "ESTABLISHED" | "FIN_WAIT" | "CLOSE_WAIT" | "TIME_WAIT" | "UDP";

/** One entry of the simulated IPVS connection table. */
export interface SimConn {
  readonly service: SimService;
  readonly dest: SimRealServer;
  readonly template: PersistenceTemplate | null;
  readonly client: string;
  readonly clientPort: number;
  readonly vaddr: string;
  readonly vport: number;
  state: ConnState;
  /** Counted in the destination's activeconns (only TCP ESTABLISHED, as in the kernel). */
  active: boolean;
  /** Whether the connection is still sending packets (until `flowingUntil`). */
  flowing: boolean;
  readonly flowingUntil: number;
  /** On a server that closes after each request: when the client's session ends (it reconnects until then). */
  readonly sessionUntil?: number;
  /** When the entry next changes: its flow ends, its state moves on, or it expires. */
  due: number;
  readonly rates: FlowRates;
}

// Kernel defaults that `ipvsadm --set` cannot change (ip_vs_proto_tcp.c tcp_timeouts).
const SYN_RECV_TIMEOUT_MS = 60_000;
const TIME_WAIT_TIMEOUT_MS = 120_000;
const CLOSE_WAIT_TIMEOUT_MS = 60_000;
// FIN_WAIT (or CLOSE_WAIT) lasts until the other side's FIN or last ACK, usually a round trip or two.
const FIN_WAIT_DWELL_MS: readonly [number, number] = [100, 1500];
// A server with keep-alive off closes each connection after one request, this long after it opened.
export const CHURN_CONNECTION_MS = 500;
// A handshake or close segment is a bare header.
const SEGMENT_BYTES = 60;

/** Whether replies pass through the director, so its outbound counters move (NAT only). */
export function repliesPassDirector(service: SimService): boolean {
  return service.config.forwarding === "Masq" || service.config.forwarding === "FullNat";
}

function count(conn: Pick<SimConn, "service" | "dest">, field: keyof FlowCounters, amount: number): void {
  conn.service.stats[field] += amount;
  conn.dest.stats[field] += amount;
}

function setFlow(conn: SimConn, sign: 1 | -1, at: number): void {
  changeFlow(conn.service.meter, conn.service.stats, conn.rates, sign, at);
  changeFlow(conn.dest.meter, conn.dest.stats, conn.rates, sign, at);
  conn.flowing = sign === 1;
}

/** Opens a connection placed on `dest` at `time`, with a random lifetime drawn from the traffic profile. */
export function openConnection(
  init: Pick<SimConn, "service" | "dest" | "template" | "client" | "clientPort" | "vaddr" | "vport"> & { spoofed?: boolean; sessionUntil?: number },
  time: number,
  timeouts: IpvsTimeouts,
  prng: Prng,
): SimConn {
  const { service, dest } = init;
  const profile = service.config.traffic;
  const udp = service.config.protocol === "UDP";
  // A down server, or one that passes its check but ignores clients on the VIP, never answers the SYN;
  // a spoofed SYN's answer goes to an address that never replies. Both stay half-open.
  const alive = dest.health !== "down" && dest.silent !== true && init.spoofed !== true;
  // A squared uniform draw: many short connections, a few that last up to the longest lifetime.
  const [minLife, maxLife] = profile.lifetimeSec;
  const lifeMs = 1000 * (minLife + (maxLife - minLife) * prng.next() ** 2);
  const jitter = prng.range(0.5, 1.5);
  const nat = repliesPassDirector(service);
  const rates: FlowRates = {
    inPkts: profile.inPps * jitter,
    inBytes: profile.inPps * profile.inPacketBytes * jitter,
    outPkts: nat ? profile.outPps * jitter : 0,
    outBytes: nat ? profile.outPps * profile.outPacketBytes * jitter : 0,
  };
  // A reconnecting client's session ends where it did; a server closing after each request cuts it short.
  const sessionUntil = init.sessionUntil ?? time + lifeMs;
  const flowingUntil = !alive ? time : dest.churn === true ? Math.min(sessionUntil, time + CHURN_CONNECTION_MS) : sessionUntil;
  // A dead server never answers the SYN: the entry sits in SYN_RECV until it times out.
  const state: ConnState = udp ? "UDP" : alive ? "ESTABLISHED" : "SYN_RECV";
  const { spoofed: _spoofed, sessionUntil: _session, ...entry } = init;
  const conn: SimConn = { ...entry, ...(dest.churn === true && alive && { sessionUntil }), state, active: state === "ESTABLISHED", flowing: false, flowingUntil, due: flowingUntil, rates };
  if (state === "SYN_RECV") conn.due = time + SYN_RECV_TIMEOUT_MS;
  else if (flowingUntil > time) setFlow(conn, 1, time);
  else conn.due = time + timeouts.udp * 1000;
  count(conn, "conns", 1);
  count(conn, "inPkts", 1);
  count(conn, "inBytes", SEGMENT_BYTES);
  if (conn.active) dest.activeConns++;
  else dest.inactiveConns++;
  if (init.template) init.template.controlled++;
  refreshOverload(dest);
  return conn;
}

/** Handles a connection's due time: its flow ends, its state moves on, or it expires (returns false). */
export function fireConnection(conn: SimConn, time: number, timeouts: IpvsTimeouts, prng: Prng): boolean {
  if (conn.flowing) {
    setFlow(conn, -1, time);
    if (conn.state === "UDP") {
      conn.due = time + timeouts.udp * 1000;
      return true;
    }
  }
  if (conn.state === "ESTABLISHED") {
    // Where the director sees both directions (NAT), the side that closes first decides the state, as in
    // the kernel's TCP state table: the client's FIN first gives CLOSE_WAIT, the server's FIN_WAIT. With
    // direct routing or tunnelling only the client's packets pass, and any close reads as FIN_WAIT. A
    // server closing after each request closes first; otherwise about half the clients do (by port parity,
    // so the random sequence, and every other figure, stays what it was).
    const clientFirst = repliesPassDirector(conn.service) && conn.dest.churn !== true && conn.clientPort % 2 === 0;
    conn.state = clientFirst ? "CLOSE_WAIT" : "FIN_WAIT";
    conn.active = false;
    conn.dest.activeConns--;
    conn.dest.inactiveConns++;
    count(conn, "inPkts", 2);
    count(conn, "inBytes", 2 * SEGMENT_BYTES);
    conn.due = time + prng.range(FIN_WAIT_DWELL_MS[0], FIN_WAIT_DWELL_MS[1]);
    return true;
  }
  if (conn.state === "FIN_WAIT" || conn.state === "CLOSE_WAIT") {
    conn.state = "TIME_WAIT";
    conn.due = time + TIME_WAIT_TIMEOUT_MS;
    return true;
  }
  releaseConnection(conn, time);
  return false;
}

/** Takes a connection off its destination's counters, flows and template. */
export function releaseConnection(conn: SimConn, time: number): void {
  if (conn.flowing) setFlow(conn, -1, time);
  if (conn.active) conn.dest.activeConns--;
  else conn.dest.inactiveConns--;
  if (conn.template) conn.template.controlled--;
  refreshOverload(conn.dest);
}

/** Seconds until the entry expires, as the `expire` column of `ipvsadm -Lnc` shows it. */
export function expiresInSec(conn: SimConn, now: number, timeouts: IpvsTimeouts): number {
  const lastPacket = Math.min(now, conn.flowingUntil);
  let expiresAt = conn.due;
  if (conn.state === "ESTABLISHED") expiresAt = lastPacket + timeouts.tcp * 1000;
  else if (conn.state === "FIN_WAIT") expiresAt = conn.flowingUntil + timeouts.tcpFin * 1000;
  else if (conn.state === "CLOSE_WAIT") expiresAt = conn.flowingUntil + CLOSE_WAIT_TIMEOUT_MS;
  else if (conn.state === "UDP") expiresAt = lastPacket + timeouts.udp * 1000;
  return Math.max(0, Math.ceil((expiresAt - now) / 1000));
}
