import type { KeepalivedRealServer, KeepalivedVirtualServer } from "@lvsdeck/keepalived";
import type { Forwarding, RealServer, VirtualService } from "@lvsdeck/protocol";
import { zeroCounters, zeroRates } from "@lvsdeck/protocol";
import type { CheckerView } from "./parts";
import { healthKey } from "./parts";

// keepalived's names for the forwarding methods (check_data.c format_forwarding()) → ipvsadm's.
const forwardingOfKeepalived: Readonly<Record<string, Forwarding>> = { NAT: "Masq", DR: "Route", TUN: "Tunnel" };

function checkerOf(serviceKey: string, rs: KeepalivedRealServer, view: CheckerView): NonNullable<RealServer["checker"]> {
  const verdict = view.verdicts.get(healthKey(serviceKey, rs.key));
  return {
    types: [...new Set(rs.checkers.flatMap((c) => (c.method === null ? [] : [c.method])))],
    // an RS FIFO line that came after the last dump is keepalived's newer word
    alive: verdict === "up" ? true : verdict === "down" ? false : rs.alive,
    failedCheckers: rs.failedCheckers,
    lastChangeAt: view.lastChange.get(healthKey(serviceKey, rs.key)) ?? null,
  };
}

// A configured real server keepalived took out of the kernel table: shown with the weight it is
// configured with, no traffic, and `inKernel: false`, so that it is counted and never silently omitted.
function missingRow(service: VirtualService, rs: KeepalivedRealServer, view: CheckerView): RealServer {
  const checker = checkerOf(service.key, rs, view);
  return {
    key: rs.key,
    address: rs.address,
    port: rs.port,
    forwarding: forwardingOfKeepalived[rs.forwarding ?? ""] ?? service.realServers[0]?.forwarding ?? "Route",
    weight: rs.effectiveWeight ?? rs.weight,
    upperThreshold: 0,
    lowerThreshold: 0,
    activeConns: 0,
    inactiveConns: 0,
    persistConns: 0,
    stats: zeroCounters,
    rates: zeroRates,
    health: checker.alive ? "up" : "down",
    weightSource: "config",
    weightMode: "runtime",
    inKernel: false,
    checker,
  };
}

function mergeService(service: VirtualService, vs: KeepalivedVirtualServer, view: CheckerView): VirtualService {
  const configured = new Map(vs.realServers.map((rs) => [rs.key as string, rs]));
  const inTable = new Set<string>(service.realServers.map((rs) => rs.key));
  const present = service.realServers.map((row): RealServer => {
    const rs = configured.get(row.key);
    return rs === undefined ? row : { ...row, inKernel: true, checker: checkerOf(service.key, rs, view) };
  });
  const missing = vs.realServers.filter((rs) => !inTable.has(rs.key)).map((rs) => missingRow(service, rs, view));
  const sorry = vs.sorryServer;
  return {
    ...service,
    realServers: [...present, ...missing],
    checker: {
      quorum: vs.quorum,
      quorumUp: vs.quorumUp,
      sorryServer: sorry,
      sorryServerInUse: sorry !== null && inTable.has(sorry) && !configured.has(sorry),
    },
  };
}

/**
 * Adds keepalived's checker view to the kernel's services: each configured real server gets its checker
 * verdict, and one missing from the kernel table is added as a row with `inKernel: false`; services
 * keepalived does not configure are left as they are.
 */
export function mergeCheckerView(services: readonly VirtualService[], view: CheckerView | null): VirtualService[] {
  if (view === null) return [...services];
  const byKey = new Map<string, KeepalivedVirtualServer>();
  for (const vs of view.virtualServers) if (vs.serviceKey !== null) byKey.set(vs.serviceKey, vs);
  return services.map((service) => {
    const vs = byKey.get(service.key);
    return vs === undefined ? service : mergeService(service, vs, view);
  });
}
