// Bench load: N browser sockets on /ws/ui. `full` of them subscribe to full views of a few directors,
// the rest to summaries (an overview or wall). Each records now - takenAt for every director it receives.
import WebSocket from "ws";

const [hubUrl = "", clients, fullClients, directors, warmupMs, durationMs, cookie = ""] = process.argv.slice(2);
const TAKEN_AT = '"takenAt":';
const MAX_SAMPLES = 200_000;

/** Bounded latency samples, kept by reservoir sampling so memory does not grow with the frame count. */
function createReservoir() {
  const samples: number[] = [];
  let seen = 0;
  return {
    add(latency: number) {
      seen++;
      if (samples.length < MAX_SAMPLES) samples.push(latency);
      else {
        const j = Math.floor(Math.random() * seen);
        if (j < MAX_SAMPLES) samples[j] = latency;
      }
    },
    count: () => seen,
    quantiles() {
      samples.sort((a, b) => a - b);
      const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))] ?? null;
      return { p50: q(0.5), p95: q(0.95), p99: q(0.99), max: samples.at(-1) ?? null };
    },
  };
}
const ticks = createReservoir();
const transitions = createReservoir();
let frames = 0;
let bytes = 0;
let disconnects = 0;
let measuring = false;
const sockets: WebSocket[] = [];
for (let c = 0; c < Number(clients); c++) {
  // A real browser validates UTF-8 natively; here it would only make the load generator the bottleneck.
  const ws = new WebSocket(`${hubUrl.replace("http", "ws")}/ws/ui`, { headers: { cookie, origin: hubUrl }, skipUTF8Validation: true });
  sockets.push(ws);
  ws.on("open", () => {
    if (c < Number(fullClients)) {
      const picks = Array.from({ length: 4 }, (_, i) => `bench-${String((c * 4 + i) % Number(directors)).padStart(3, "0")}`);
      ws.send(JSON.stringify({ type: "subscribe", detail: "full", directors: picks }));
    } else ws.send(JSON.stringify({ type: "subscribe", detail: "summary" }));
  });
  ws.on("message", (data: Buffer) => {
    if (!measuring) return;
    const now = Date.now();
    frames++;
    bytes += data.length;
    // VRRP transitions arrive as small event frames: parse those. For director frames read only the first
    // takenAt (its oldest director): 500 sockets' worth of JSON cannot be parsed on the same two cores as the hub.
    if (data.subarray(0, 16).toString("latin1") === '{"type":"event",') {
      const frame = JSON.parse(data.toString()) as { event: { observedAt: number | null; event: { kind: string } } };
      if (frame.event.event.kind === "vrrp-transition" && frame.event.observedAt !== null) transitions.add(now - frame.event.observedAt);
      return;
    }
    const at = data.indexOf(TAKEN_AT);
    if (at >= 0) ticks.add(now - Number(data.toString("latin1", at + TAKEN_AT.length, at + TAKEN_AT.length + 13)));
  });
  ws.on("close", () => void disconnects++);
  ws.on("error", () => undefined);
}
setTimeout(() => (measuring = true), Number(warmupMs));
setTimeout(() => {
  process.stdout.write(
    `${JSON.stringify({ frames, bytes, disconnects, transitionsReceived: transitions.count(), transition: transitions.quantiles(), ticksReceived: ticks.count(), tick: ticks.quantiles() })}\n`,
  );
  for (const ws of sockets) ws.terminate();
  process.exit(0);
}, Number(warmupMs) + Number(durationMs));
