import type { IpvsTimeouts } from "@lvsdeck/protocol";
import type { SimClusterConfig } from "./clusterConfig";
import { fireConnection, openConnection, releaseConnection, type SimConn } from "./connectionTable";
import { integrateFlow } from "./flowMeter";
import type { SimRealServer, SimService } from "./ipvsTable";
import { createTemplateTable, type PersistenceTemplate } from "./persistence";
import type { Prng } from "./prng";
import { connectionRow, templateRow, type SimConnection } from "./simConnection";
import { createTimerQueue } from "./timerQueue";
import { createClientPools, generateArrivals, generateFloodArrivals, type Arrival } from "./traffic";

/** Bound on the connection table; arrivals beyond it are dropped, keeping memory flat for weeks. */
export const MAX_CONNECTIONS = 20_000;

/** The kernel side of one director: virtual services, connection table, templates and traffic. */
export interface IpvsRuntime {
  /** The services as keepalived programmed them (empty while keepalived is stopped). */
  services: SimService[];
  /** Runs connection timers and, for services `carries` accepts, new traffic over (last, to]. */
  step(to: number, carries: (service: SimService) => boolean): void;
  /** Drops every connection and template of the services matching `predicate`. */
  flush(predicate: (service: SimService) => boolean): void;
  /** The connection table with persistence templates, as `ipvsadm -Lnc` lists it. */
  connections(now: number): SimConnection[];
  /** Connections in the table (templates apart), and how many of them are past the handshake (not SYN_RECV). */
  counts(): { connections: number; handshaken: number };
}

/** Creates the runtime; `now` is where time starts for connection timers and estimators. */
export function createIpvsRuntime(cluster: SimClusterConfig, seed: number, prng: Prng, now: number): IpvsRuntime {
  const timeouts: IpvsTimeouts = cluster.timeouts;
  const pools = createClientPools(seed);
  const conns = new Set<SimConn>();
  const timers = createTimerQueue<SimConn>();
  const templates = createTemplateTable();
  let last = now;

  // Connections change in time order, interleaved with arrivals, so schedulers see exact counts.
  const runTimers = (until: number): void => {
    while (timers.peekTime() <= until) {
      const { at, item: conn } = timers.pop() as { at: number; item: SimConn };
      const closing = conn.state === "ESTABLISHED";
      if (fireConnection(conn, at, timeouts, prng)) timers.push(conn.due, conn);
      else conns.delete(conn);
      // The server closed after one request; the client, not done, opens the next connection to it.
      if (closing && conn.sessionUntil !== undefined && conn.sessionUntil > at && conns.size < MAX_CONNECTIONS) {
        const { service, dest, template, client, vaddr, vport, sessionUntil } = conn;
        const next = openConnection({ service, dest, template, client, clientPort: 1024 + ((conn.clientPort - 1023) % 64_000), vaddr, vport, sessionUntil }, at, timeouts, prng);
        conns.add(next);
        timers.push(next.due, next);
      }
    }
  };

  const fallbackVip = (service: SimService): string => {
    const vips = cluster.vrrp.find((v) => v.name === service.config.instance)?.vips ?? [];
    return vips.find((v) => !v.includes(":")) ?? vips[0] ?? "0.0.0.0";
  };

  const choose = (service: SimService, a: Arrival): { dest: SimRealServer; template: PersistenceTemplate | null } | null => {
    // A flood's spoofed sources get no persistence templates here: thousands of one-off clients would
    // only grow the template table (the kernel's grows too; its timeout cleans it).
    const persistent = service.config.persistence !== null && a.spoofed !== true;
    const existing = persistent ? templates.lookup(service, a.client, a.time) : null;
    if (existing) return { dest: existing.dest, template: existing };
    const index = service.scheduler.schedule(service.realServers, { source: a.client, sourcePort: a.clientPort, destination: a.vaddr });
    const dest = index === null ? undefined : service.realServers[index];
    if (!dest) return null;
    return { dest, template: persistent ? templates.create(service, dest, a.client, a.time) : null };
  };

  const place = (a: Arrival): void => {
    const service = runtime.services[a.serviceIndex];
    if (!service || conns.size >= MAX_CONNECTIONS) return;
    const placed = choose(service, a);
    if (!placed) return; // no destination available: the kernel drops the packet
    const conn = openConnection({ service, ...placed, client: a.client, clientPort: a.clientPort, vaddr: a.vaddr, vport: a.vport, spoofed: a.spoofed === true }, a.time, timeouts, prng);
    conns.add(conn);
    timers.push(conn.due, conn);
  };

  const runtime: IpvsRuntime = {
    services: [],
    step(to, carries) {
      if (to <= last) return;
      const from = last;
      const arrivals: Arrival[] = [];
      runtime.services.forEach((service, i) => {
        if (!carries(service)) return;
        arrivals.push(...generateArrivals(service.config, i, fallbackVip(service), from, to, pools, prng));
        const flood = service.floodCps ?? 0;
        if (flood > 0) arrivals.push(...generateFloodArrivals(i, service.config.address ?? fallbackVip(service), service.config.port ?? 80, flood, from, to, prng));
      });
      arrivals.sort((a, b) => a.time - b.time || a.serviceIndex - b.serviceIndex);
      for (const a of arrivals) {
        runTimers(a.time);
        place(a);
      }
      runTimers(to);
      templates.expire(to);
      for (const service of runtime.services) {
        integrateFlow(service.meter, service.stats, to);
        service.estimator.advance(to, service.stats);
        for (const rs of service.realServers) {
          integrateFlow(rs.meter, rs.stats, to);
          rs.estimator.advance(to, rs.stats);
        }
      }
      last = to;
    },
    flush(predicate) {
      for (const conn of conns) {
        if (!predicate(conn.service)) continue;
        releaseConnection(conn, last);
        conns.delete(conn);
      }
      timers.retain((conn) => conns.has(conn));
      templates.drop((t) => predicate(t.service));
    },
    connections(at) {
      const rows: SimConnection[] = [];
      for (const t of templates.all()) rows.push(templateRow(t, at));
      for (const conn of conns.values()) rows.push(connectionRow(conn, at, timeouts));
      return rows;
    },
    counts() {
      let halfOpen = 0;
      for (const conn of conns) if (conn.state === "SYN_RECV") halfOpen++;
      return { connections: conns.size, handshaken: conns.size - halfOpen };
    },
  };
  return runtime;
}
