import { createSocket } from "node:dgram";
import type { AgentEvent, DirectorId, VirtualService } from "@lvsdeck/protocol";
import { createSimDirector, decodeAdvert, decodeSync, encodeAdvert, encodeSync, renderIpvsadmConnections, scaledCluster, seedCluster } from "@lvsdeck/sim";
import { answerConnectionQuery } from "../connectionQuery";
import { createConnectionAggregator } from "@lvsdeck/ipvs";
import { stateTableFromSummary } from "../stateCounting";
import { fwmarkFolder } from "./directorSource";
import type { DirectorSource } from "./source";
import type { Logger } from "@lvsdeck/log";
import { SIM_STEP_MS } from "../limits";

/** A UDP endpoint on which simulated directors exchange VRRP adverts (loopback in the demo and tests). */
export interface UdpEndpoint {
  host: string;
  port: number;
}

/** Options for {@link createSimSource}. */
export interface SimSourceOptions {
  director: DirectorId;
  seed: number;
  /** Where this director receives adverts; omit for a director with no peers. */
  vrrpListen?: UdpEndpoint;
  /** Where its peers receive adverts. */
  vrrpPeers: UdpEndpoint[];
  /** Stop and start this director's keepalived every this many ms: a flapping director (demo and tests). */
  flapEveryMs?: number;
  /** More services beside the seed's, and real servers in each: the demo at the size of a large site. */
  scale?: { services: number; realServers: number };
  log: Logger;
}

/** Parses `host:port` (IPv4 or bracketed IPv6). */
export function parseEndpoint(text: string): UdpEndpoint {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || port > 65535) throw new Error(`expected host:port, got ${JSON.stringify(text)}`);
  return { host: match[1] ?? match[2] ?? "", port };
}

/**
 * A simulated director: the sim package's pure model, driven by a clock, with VRRP adverts carried
 * as real UDP datagrams so separate agent processes elect a MASTER the way keepalived daemons do.
 */
export async function createSimSource(options: SimSourceOptions): Promise<DirectorSource> {
  const cluster = options.scale === undefined ? seedCluster : scaledCluster(seedCluster, options.scale.services, options.scale.realServers);
  const sim = createSimDirector({ director: options.director, seed: options.seed, now: Date.now(), cluster });
  const listeners: ((event: AgentEvent) => void)[] = [];
  const socket = createSocket({ type: options.vrrpListen?.host.includes(":") ? "udp6" : "udp4" });
  socket.on("message", (message) => {
    const text = message.toString();
    const advert = decodeAdvert(text);
    const sync = advert === null ? decodeSync(text) : null;
    if (advert) sim.receiveAdvert(advert, Date.now());
    else if (sync) sim.receiveSync(sync, Date.now());
    else options.log.warn("ignored a datagram that is neither a VRRP advert nor a sync message", { bytes: message.length });
  });
  socket.on("error", (err) => options.log.error("VRRP socket error", { error: err.message }));
  await new Promise<void>((resolve) => socket.bind(options.vrrpListen?.port ?? 0, options.vrrpListen?.host ?? "127.0.0.1", resolve));

  const flush = () => {
    for (const advert of sim.drainAdverts()) {
      const text = encodeAdvert(advert);
      for (const peer of options.vrrpPeers) socket.send(text, peer.port, peer.host);
    }
    const sync = sim.drainSync(Date.now());
    if (sync !== null) for (const peer of options.vrrpPeers) socket.send(encodeSync(sync), peer.port, peer.host);
    const events = sim.drainEvents();
    for (const event of events) listeners.forEach((l) => l(event));
  };
  const step = () => {
    sim.advance(Date.now());
    flush();
  };
  const timer = setInterval(step, SIM_STEP_MS);
  let flapStopped = false;
  const flapTimer =
    options.flapEveryMs === undefined
      ? null
      : setInterval(() => {
          flapStopped = !flapStopped;
          sim.injectFault({ kind: "sim-fault", fault: flapStopped ? "stop-director" : "start-director" }, Date.now());
          flush();
        }, options.flapEveryMs);

  /** The services of the last snapshot: which fwmark service a connection belongs to. */
  let lastServices: readonly VirtualService[] = [];
  return {
    kinds: ["sim"],
    capabilities: ["set-weight", "sim-faults", "connections-query", "planned-failover"],
    weightMode: "runtime",
    read: async () => {
      step();
      const snapshot = sim.snapshot(Date.now());
      lastServices = snapshot.services;
      return snapshot;
    },
    async setWeight(service, realServer, weight) {
      const observed = sim.setWeight(service, realServer, weight, Date.now());
      flush();
      return observed;
    },
    async holdFailover(hold) {
      const detail = sim.holdFailover(hold, Date.now());
      flush();
      return detail;
    },
    async injectFault(command) {
      const detail = sim.injectFault(command, Date.now());
      flush();
      return detail;
    },
    // The table goes through ipvsadm's text format so the simulated path exercises the real parsers.
    queryConnections: (query) => {
      const now = Date.now();
      return answerConnectionQuery(async (onChunk) => onChunk(renderIpvsadmConnections(sim.connections(now))), query, now);
    },
    // Counted through the same text and aggregator as ipvsadm -Lnc, with fwmark traffic folded as on a real director.
    countStates: async () => {
      const aggregator = createConnectionAggregator({ serviceKeyOf: fwmarkFolder(lastServices) });
      aggregator.push(renderIpvsadmConnections(sim.connections(Date.now())));
      return stateTableFromSummary(aggregator.finish());
    },
    onEvent: (listener) => void listeners.push(listener),
    async close() {
      clearInterval(timer);
      if (flapTimer) clearInterval(flapTimer);
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}
