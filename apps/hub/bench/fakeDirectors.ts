// Bench load: N agent connections, each a director with R real servers, sending a delta every tick
// whose takenAt is the send time, so browsers can measure agent-to-browser latency.
// Optional, for the cluster bench: `hubUrl` may list several hubs (comma-separated), director d then
// connects to hub floor(d * hubs / N) (the first N/hubs to the first hub, and so on); a 7th argument
// `times` adds every VRRP transition's send time (observedAt) to the result line. SIGTERM ends the run
// early, with the same result line.
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import WebSocket from "ws";
import type { AgentDelta, AgentToHub, DirectorSnapshot } from "@lvsdeck/protocol";
import { PROTOCOL_VERSION, diffSnapshots } from "@lvsdeck/protocol";
import { benchDirectorId, benchSnapshot, withTraffic } from "./benchFleet";

const [hubUrl = "", token, directors, realServers, tickMs, durationMs, report = ""] = process.argv.slice(2);
const hubUrls = hubUrl.split(",");
/** Each director fails over this often (ms): with 200 directors, 20 VRRP transitions a second fleet-wide. */
const TRANSITION_EVERY_MS = 10_000;
/**
 * Ticks of traffic each director cycles through. Each tick's delta is serialised the first time it is
 * sent and only re-stamped after that (BENCH_DIRECTOR_FRAMES=fresh builds, diffs and serialises every
 * one again, as this generator did before): the hub gets the same frames at the same rate, every counter
 * moving every tick, while this process, which shares the load generators' core with the fake browsers,
 * spends its time sending rather than making frames. Its own delays are in the agent -> hub leg.
 */
const TRAFFIC_CYCLE = 8;
const CACHED_FRAMES = process.env.BENCH_DIRECTOR_FRAMES !== "fresh";

let sent = 0;
/** When each VRRP transition was sent (its observedAt), with `times`. */
const transitionTimes: number[] = [];
// A late timer here is a late send: the agent-to-hub leg includes this generator's own delays.
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
const sockets: WebSocket[] = [];
for (let d = 0; d < Number(directors); d++) {
  const id = benchDirectorId(d);
  const url = hubUrls[Math.floor((d * hubUrls.length) / Number(directors))] ?? "";
  const ws = new WebSocket(`${url.replace("http", "ws")}/ws/agent`, { headers: { authorization: `Bearer ${token}` } });
  sockets.push(ws);
  let snapshot = benchSnapshot(d, Number(realServers), Date.now());
  let tick = 0;
  const send = (frame: AgentToHub) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(frame));
  // A traffic tick's delta as text, around its takenAt, per place in the cycle. The transitions' deltas
  // change only the VRRP instance, so `snapshot` keeps its first services and they upsert none.
  const trafficTexts: [string, string][] = [];
  const trafficFrame = (k: number, takenAt: number) => {
    let parts = trafficTexts[k];
    if (parts === undefined) {
      const delta: AgentDelta = { type: "delta", takenAt: 0, upsertServices: withTraffic(snapshot, k, 0).services, removeServices: [] };
      const text = JSON.stringify(delta);
      const at = text.indexOf('"takenAt":0,') + '"takenAt":'.length;
      parts = trafficTexts[k] = [text.slice(0, at), text.slice(at + 1)];
    }
    return `${parts[0]}${takenAt}${parts[1]}`;
  };
  ws.on("open", () => send({ type: "hello", protocolVersion: PROTOCOL_VERSION, director: id, agentVersion: "bench", sources: ["bench"], capabilities: [], weightMode: "runtime", tickMs: Number(tickMs) }));
  let seq = 0;
  ws.on("message", (data) => {
    const text = String(data);
    if (!text.includes('"welcome"')) return;
    seq = (JSON.parse(text) as { lastSeq: number }).lastSeq + 1;
    send({ type: "snapshot", snapshot });
    // A VRRP transition travels as keepalived's FIFO line would: an event at once, then the new state in the next delta.
    setTimeout(() => {
      setInterval(() => {
        const vrrp = snapshot.vrrp[0]!;
        const to = vrrp.state === "MASTER" ? "BACKUP" : "MASTER";
        const now = Date.now();
        if (ws.readyState === ws.OPEN) transitionTimes.push(now);
        send({ type: "event", seq: seq++, observedAt: now, event: { kind: "vrrp-transition", instance: vrrp.name, vrid: vrrp.vrid, from: vrrp.state, to, priority: 100, at: now } });
        const next = { ...snapshot, takenAt: now, vrrp: [{ ...vrrp, state: to, lastTransitionAt: now }] } as DirectorSnapshot;
        send(diffSnapshots(snapshot, next));
        snapshot = next;
      }, TRANSITION_EVERY_MS);
    }, Math.random() * TRANSITION_EVERY_MS);
    // Stagger directors across the tick like independent agents.
    setTimeout(() => {
      setInterval(() => {
        if (CACHED_FRAMES) {
          if (ws.readyState === ws.OPEN) ws.send(trafficFrame(++tick % TRAFFIC_CYCLE, Date.now()));
        } else {
          const next = withTraffic(snapshot, ++tick, Date.now());
          send(diffSnapshots(snapshot, next));
          snapshot = next;
        }
        sent++;
      }, Number(tickMs));
    }, Math.random() * Number(tickMs));
  });
  ws.on("error", () => undefined);
}
function finish() {
  const elu = performance.eventLoopUtilization().utilization;
  const ms = (ns: number) => Math.round(ns / 1e6);
  process.stdout.write(`${JSON.stringify({ sent, frames: CACHED_FRAMES ? "cached" : "fresh", eventLoopUtilization: Number(elu.toFixed(2)), eventLoopDelayMs: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) }, ...(report === "times" && { transitionTimes }) })}\n`);
  for (const ws of sockets) ws.terminate();
  process.exit(0);
}
setTimeout(finish, Number(durationMs));
process.once("SIGTERM", finish);
