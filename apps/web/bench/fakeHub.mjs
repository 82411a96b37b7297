// A bench-only stand-in for the hub: serves the built SPA and pushes protocol-valid `director` frames
// for N real servers (20 per virtual service) on two directors every second. Not for anything but benches.
import { createServer } from "node:http";
import { readFileSync, existsSync } from "node:fs";
import { dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { WebSocketServer } from "ws";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "../dist");
const PROTOCOL_VERSION = Number(/PROTOCOL_VERSION = (\d+)/.exec(readFileSync(join(here, "../../../packages/protocol/src/index.ts"), "utf8"))?.[1] ?? 1);
/** Real servers per virtual service. */
const PER_SERVICE = 20;
const types = { ".js": "text/javascript", ".css": "text/css", ".html": "text/html", ".svg": "image/svg+xml" };
const zero = { conns: 0, inPkts: 0, outPkts: 0, inBytes: 0, outBytes: 0 };

function rates(cps) {
  return { cps, inPps: cps * 10, outPps: cps * 12, inBps: cps * 2000, outBps: cps * 15000 };
}

function makeView(id, master, realServers, t, tick) {
  const services = [];
  for (let s = 0; s * PER_SERVICE < realServers; s++) {
    const address = `10.${Math.floor(s / 250)}.${s % 250}.1`;
    const rs = [];
    for (let r = 0; r < Math.min(PER_SERVICE, realServers - s * PER_SERVICE); r++) {
      const wave = Math.round(20 + 10 * Math.sin((tick + r + s) / 7));
      const rsAddress = `172.16.${s % 250}.${r + 10}`;
      rs.push({
        key: `${rsAddress}:443`, address: rsAddress, port: 443, forwarding: "Route", weight: 1 + (r % 3), upperThreshold: 0, lowerThreshold: 0,
        activeConns: master ? wave : 0, inactiveConns: master ? Math.round(wave / 3) : 0, persistConns: 0, stats: zero, rates: rates(master ? wave / 10 : 0),
        health: r === 7 && s % 5 === 0 ? "down" : "up", weightSource: "config", weightMode: "runtime",
      });
    }
    services.push({ key: `TCP ${address}:443`, family: "inet", protocol: "TCP", address, port: 443, fwmark: null, scheduler: "wrr", schedulerFlags: [], persistence: null, onePacket: false, pe: null, stats: zero, rates: rates(master ? 30 : 0), realServers: rs });
  }
  const vips = services.map((s) => s.address);
  return {
    id, connected: true, receivedAt: t, stale: false,
    agent: { version: "bench", sources: ["bench"], capabilities: ["set-weight"], weightMode: "runtime", tickMs: 1000 },
    snapshot: {
      director: id, takenAt: t, keepalived: { running: true, pid: 1, since: 0 },
      vrrp: [{ name: "VI_1", vrid: 51, interface: "eth0", state: master ? "MASTER" : "BACKUP", basePriority: master ? 200 : 100, effectivePriority: master ? 200 : 100, advertIntervalMs: 1000, preempt: true, vips, lastTransitionAt: 0, masterRouter: null, syncGroup: null }],
      syncGroups: [], vipsPresent: master ? vips : [], services, timeouts: { tcp: 900, tcpFin: 120, udp: 300 },
    },
  };
}

/** What the real hub would decide for this healthy pair: one VRRP group, no verdict. */
function healthOf(views) {
  const vips = [...new Set(views.flatMap((v) => v.snapshot.vrrp[0].vips))].sort();
  const members = views.map((v) => ({ director: v.id, instance: "VI_1", state: v.snapshot.vrrp[0].state, fresh: true }));
  return { groups: [{ key: `51/${vips.join(",")}`, vrid: 51, vips, names: ["VI_1"], label: `VRID 51 (${vips[0]} +${vips.length - 1})`, members }], verdicts: [] };
}

/** Starts the fake hub on `port` (0: any); returns its URL and `close()`. */
export async function startFakeHub({ realServers, port = 0, intervalMs = 1000 }) {
  let tick = 0;
  const views = () => [makeView("bench-dir-01", true, realServers, Date.now(), tick), makeView("bench-dir-02", false, realServers, Date.now(), tick)];
  const json = (res, body) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    if (url.pathname === "/api/cluster") {
      const directors = views();
      return json(res, { serverTime: Date.now(), staleAfterTicks: 3, directors, health: healthOf(directors) });
    }
    if (url.pathname === "/api/events") return json(res, { events: [] });
    if (url.pathname === "/api/alerts") return json(res, { alerts: [] });
    // Signed in as an admin, so the page shows every control it would for a real operator.
    if (url.pathname === "/api/session") return json(res, { kind: "user", user: { name: "bench", role: "admin", vips: null, createdAt: 0, disabled: false }, vips: null });
    if (url.pathname === "/api/drains") return json(res, { drains: [] });
    if (url.pathname === "/api/series") return json(res, { service: url.searchParams.get("service"), realServer: url.searchParams.get("realServer"), resolution: "1s", points: [] });
    if (url.pathname.startsWith("/api/")) {
      res.writeHead(404, { "content-type": "application/json" });
      return res.end(JSON.stringify({ error: "not in the bench hub" }));
    }
    const file = join(dist, url.pathname);
    const path = url.pathname !== "/" && existsSync(file) ? file : join(dist, "index.html");
    res.writeHead(200, { "content-type": types[extname(path)] ?? "application/octet-stream" });
    res.end(readFileSync(path));
  });
  const wss = new WebSocketServer({ server, path: "/ws/ui" });
  wss.on("connection", (socket) => socket.send(JSON.stringify({ type: "hello", protocolVersion: PROTOCOL_VERSION, serverTime: Date.now() })));
  const timer = setInterval(() => {
    tick++;
    const frames = views().map((director) => JSON.stringify({ type: "director", serverTime: Date.now(), director }));
    for (const client of wss.clients) for (const frame of frames) client.send(frame);
  }, intervalMs);
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => {
      clearInterval(timer);
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.close(resolve);
    }),
  };
}
