import type { Registry } from "prom-client";
import type { Health, VirtualService } from "@lvsdeck/protocol";
import type { Refilled } from "./metricKit";
import { counter, gauge, setTotal } from "./metricKit";
import { isOut } from "@lvsdeck/cluster";

const SERVICE = ["director", "service"] as const;
const REAL_SERVER = ["director", "service", "real_server"] as const;

/** The documented codes of `lvsdeck_real_server_health`. */
export const healthCode = { up: 1, down: 0, unknown: -1 } as const satisfies Record<Health, number>;

/** Per-virtual-service and per-real-server series, refilled from fresh directors on each update. */
export interface ServiceMetrics extends Refilled {
  set(director: string, service: VirtualService): void;
}

/** Registers the virtual service and real server metrics on `registry`. */
export function createServiceMetrics(registry: Registry, options: { realServers: boolean } = { realServers: true }): ServiceMetrics {
  const g = (name: string, help: string) => gauge(registry, `lvsdeck_service_${name}`, help, SERVICE);
  const c = (name: string, help: string) => counter(registry, `lvsdeck_service_${name}_total`, help, SERVICE);
  const r = (name: string, help: string) => gauge(registry, `lvsdeck_real_server_${name}`, help, REAL_SERVER);
  const service = {
    active: g("active_connections", "Active (established) connections, summed over the service's real servers."),
    inactive: g("inactive_connections", "Inactive connections (FIN_WAIT, TIME_WAIT, …), summed over the real servers."),
    cps: g("connections_per_second", "New connections per second, as ipvsadm --rate reports."),
    inPps: g("in_packets_per_second", "Incoming packets per second."),
    outPps: g("out_packets_per_second", "Outgoing packets per second (0 in DR and TUN: replies bypass the director)."),
    inBps: g("in_bytes_per_second", "Incoming bytes per second."),
    outBps: g("out_bytes_per_second", "Outgoing bytes per second (0 in DR and TUN)."),
    realServers: g("real_servers", "Real servers in the service's IPVS table."),
    realServersTaking: g("real_servers_taking_connections", "Real servers taking new connections: up (or not checked), weight above 0, in the kernel's table."),
  };
  const totals = {
    conns: c("connections", "Connections scheduled since the service was created, as the director counts them."),
    inPkts: c("in_packets", "Incoming packets since the service was created."),
    outPkts: c("out_packets", "Outgoing packets since the service was created."),
    inBytes: c("in_bytes", "Incoming bytes since the service was created."),
    outBytes: c("out_bytes", "Outgoing bytes since the service was created."),
  };
  // Per-real-server series are many (directors x services x real servers): `--no-real-server-metrics` leaves them out.
  const server = options.realServers
    ? {
        weight: r("weight", "The real server's IPVS weight in effect (0 = drained or quiesced)."),
        active: r("active_connections", "Active connections to the real server."),
        inactive: r("inactive_connections", "Inactive connections to the real server."),
        health: r("health", "Health-check state: 1 up, 0 down, -1 unknown."),
        cps: r("connections_per_second", "New connections per second to the real server."),
      }
    : null;
  const all = [...Object.values(service), ...Object.values(totals), ...Object.values(server ?? {})];

  return {
    reset: () => all.forEach((m) => m.reset()),
    set(director, svc) {
      const labels = { director, service: svc.key };
      service.active.set(labels, svc.realServers.reduce((sum, rs) => sum + rs.activeConns, 0));
      service.inactive.set(labels, svc.realServers.reduce((sum, rs) => sum + rs.inactiveConns, 0));
      service.cps.set(labels, svc.rates.cps);
      service.inPps.set(labels, svc.rates.inPps);
      service.outPps.set(labels, svc.rates.outPps);
      service.inBps.set(labels, svc.rates.inBps);
      service.outBps.set(labels, svc.rates.outBps);
      for (const key of ["conns", "inPkts", "outPkts", "inBytes", "outBytes"] as const) setTotal(totals[key], labels, svc.stats[key]);
      service.realServers.set(labels, svc.realServers.filter((rs) => rs.inKernel !== false).length);
      service.realServersTaking.set(labels, svc.realServers.filter((rs) => !isOut(rs)).length);
      if (server === null) return;
      for (const rs of svc.realServers) {
        const rsLabels = { ...labels, real_server: rs.key };
        server.weight.set(rsLabels, rs.weight);
        server.active.set(rsLabels, rs.activeConns);
        server.inactive.set(rsLabels, rs.inactiveConns);
        server.health.set(rsLabels, healthCode[rs.health]);
        server.cps.set(rsLabels, rs.rates.cps);
      }
    },
  };
}
