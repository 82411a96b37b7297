import type { DirectorView, Health, RealServer, VirtualService } from "@lvsdeck/protocol";
import { isFresh, isOut } from "@lvsdeck/cluster";

/** The documented codes of `lvsdeck_real_server_health`. */
export const healthCode = { up: 1, down: 0, unknown: -1 } as const satisfies Record<Health, number>;

/**
 * Series written between two yields to the event loop. The service and real server families are the
 * bulk of a scrape (200 directors x 100 real servers: 115,000 lines, 13 MB); written in one go they held
 * the hub's loop for a second, and every agent's frames waited behind the scrape. The chunks go to the
 * scraper as they are made: joined into one 13 MB body, its concatenation and UTF-8 encoding alone held
 * the loop for 300 ms on a 2-core machine.
 */
const LINES_PER_SLICE = 2_000;

interface Family<T> {
  name: string;
  help: string;
  type: "gauge" | "counter";
  value: (item: T) => number;
}

type ServiceItem = VirtualService;
type RealServerItem = RealServer;

const sum = (svc: VirtualService, pick: (rs: RealServer) => number) => svc.realServers.reduce((n, rs) => n + pick(rs), 0);
/** An agent-reported cumulative total, as a counter: a reset of IPVS's counters reads as a Prometheus counter reset. */
const total = (n: number) => Math.max(0, n);

const serviceFamilies: Family<ServiceItem>[] = [
  { name: "active_connections", type: "gauge", help: "Active (established) connections, summed over the service's real servers.", value: (s) => sum(s, (rs) => rs.activeConns) },
  { name: "inactive_connections", type: "gauge", help: "Inactive connections (FIN_WAIT, TIME_WAIT, …), summed over the real servers.", value: (s) => sum(s, (rs) => rs.inactiveConns) },
  { name: "connections_per_second", type: "gauge", help: "New connections per second, as ipvsadm --rate reports.", value: (s) => s.rates.cps },
  { name: "in_packets_per_second", type: "gauge", help: "Incoming packets per second.", value: (s) => s.rates.inPps },
  { name: "out_packets_per_second", type: "gauge", help: "Outgoing packets per second (0 in DR and TUN: replies bypass the director).", value: (s) => s.rates.outPps },
  { name: "in_bytes_per_second", type: "gauge", help: "Incoming bytes per second.", value: (s) => s.rates.inBps },
  { name: "out_bytes_per_second", type: "gauge", help: "Outgoing bytes per second (0 in DR and TUN).", value: (s) => s.rates.outBps },
  { name: "real_servers", type: "gauge", help: "Real servers in the service's IPVS table.", value: (s) => s.realServers.filter((rs) => rs.inKernel !== false).length },
  { name: "real_servers_taking_connections", type: "gauge", help: "Real servers taking new connections: up (or not checked), weight above 0, in the kernel's table.", value: (s) => s.realServers.filter((rs) => !isOut(rs)).length },
  { name: "connections_total", type: "counter", help: "Connections scheduled since the service was created, as the director counts them.", value: (s) => total(s.stats.conns) },
  { name: "in_packets_total", type: "counter", help: "Incoming packets since the service was created.", value: (s) => total(s.stats.inPkts) },
  { name: "out_packets_total", type: "counter", help: "Outgoing packets since the service was created.", value: (s) => total(s.stats.outPkts) },
  { name: "in_bytes_total", type: "counter", help: "Incoming bytes since the service was created.", value: (s) => total(s.stats.inBytes) },
  { name: "out_bytes_total", type: "counter", help: "Outgoing bytes since the service was created.", value: (s) => total(s.stats.outBytes) },
];

const realServerFamilies: Family<RealServerItem>[] = [
  { name: "weight", type: "gauge", help: "The real server's IPVS weight in effect (0 = drained or quiesced).", value: (rs) => rs.weight },
  { name: "active_connections", type: "gauge", help: "Active connections to the real server.", value: (rs) => rs.activeConns },
  { name: "inactive_connections", type: "gauge", help: "Inactive connections to the real server.", value: (rs) => rs.inactiveConns },
  { name: "health", type: "gauge", help: "Health-check state: 1 up, 0 down, -1 unknown.", value: (rs) => healthCode[rs.health] },
  { name: "connections_per_second", type: "gauge", help: "New connections per second to the real server.", value: (rs) => rs.rates.cps },
];

/** A label value as the exposition format wants it: backslash, double quote and newline escaped. */
const label = (value: string) => value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
/** A value as prom-client writes one. */
const number = (n: number) => (Number.isNaN(n) ? "Nan" : n === Infinity ? "+Inf" : n === -Infinity ? "-Inf" : String(n));
const header = (name: string, family: Family<never>) => `# HELP ${name} ${family.help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}\n# TYPE ${name} ${family.type}`;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The per-virtual-service series (`lvsdeck_service_*`) and, unless left out, the per-real-server ones
 * (`lvsdeck_real_server_*`) of the fresh directors, as Prometheus text in chunks of at most
 * LINES_PER_SLICE lines (a family's HELP and TYPE before its first series), each ending in a newline.
 * Written straight from the live model, with a turn of the event loop between chunks, so agents and
 * browsers are served while a scrape is written. Stale directors export none: their last numbers are not current.
 */
export async function* serviceExposition(directors: readonly DirectorView[], options: { realServers: boolean }): AsyncGenerator<string> {
  const fresh = directors.flatMap((view) => (isFresh(view) ? [{ director: label(view.id), services: view.snapshot.services }] : []));
  let lines: string[] = [];
  const chunk = () => {
    const text = `${lines.join("\n")}\n`;
    lines = [];
    return text;
  };
  for (const family of serviceFamilies) {
    const name = `lvsdeck_service_${family.name}`;
    lines.push(header(name, family as Family<never>));
    for (const { director, services } of fresh) {
      for (const svc of services) lines.push(`${name}{director="${director}",service="${label(svc.key)}"} ${number(family.value(svc))}`);
      if (lines.length >= LINES_PER_SLICE) {
        yield chunk();
        await yieldToLoop();
      }
    }
  }
  if (options.realServers) {
    for (const family of realServerFamilies) {
      const name = `lvsdeck_real_server_${family.name}`;
      lines.push(header(name, family as Family<never>));
      for (const { director, services } of fresh) {
        for (const svc of services) {
          const prefix = `${name}{director="${director}",service="${label(svc.key)}",real_server="`;
          for (const rs of svc.realServers) lines.push(`${prefix}${label(rs.key)}"} ${number(family.value(rs))}`);
        }
        if (lines.length >= LINES_PER_SLICE) {
          yield chunk();
          await yieldToLoop();
        }
      }
    }
  }
  if (lines.length > 0) yield chunk();
}
