import {
  directorIdSchema,
  FAILOVER_HOLD_VALUE,
  MAX_WEIGHT,
  type AgentEvent,
  type ConnectionSync,
  type DirectorId,
  type DirectorSnapshot,
  type KeepalivedStatus,
  type RealServerKey,
  type ServiceKey,
  type SimFaultCommand,
  type SyncDaemon,
} from "@lvsdeck/protocol";
import type { SyncMessage, VrrpAdvert } from "./advert";
import type { SimClusterConfig } from "./clusterConfig";
import { applyWeight, createServices, findRealServer, serviceKeyOfConfig } from "./ipvsTable";
import { createIpvsRuntime } from "./ipvsRuntime";
import { createPrng, hashString } from "./prng";
import { applyHealth, failedCheckKey, resolveCheckTargets, type FailedCheckKey } from "./realServerFaults";
import { seedCluster } from "./seedCluster";
import type { SimConnection } from "./simConnection";
import { SimError } from "./simError";
import { buildSnapshot } from "./snapshot";
import { createVrrpInstance, type SimVrrpInstance } from "./vrrpInstance";
import { validateCluster } from "./validateCluster";

/** How a simulated director is created; `now` is ms since the epoch, `seed` fixes all randomness. */
export interface SimDirectorOptions {
  director: string;
  seed: number;
  now: number;
  cluster?: SimClusterConfig;
}

/** One simulated LVS director: keepalived's VRRP, the kernel's IPVS table and synthetic client traffic. */
export interface SimDirector {
  readonly director: string;
  /** Runs VRRP timers and traffic up to `now`; big jumps are simulated coarsely, backwards time is ignored. */
  advance(now: number): void;
  /** The director's state at `now` (advancing to it first). */
  snapshot(now: number): DirectorSnapshot;
  /** Sets a real server's weight as `ipvsadm -e` would; returns the weight now in effect. */
  setWeight(service: ServiceKey, realServer: RealServerKey, weight: number, now: number): number;
  /** Injects a fault; returns a human description of what happened. */
  injectFault(cmd: SimFaultCommand, now: number): string;
  /** Delivers a VRRP advert from a peer. */
  receiveAdvert(a: VrrpAdvert, now: number): void;
  /** Writes lvsdeck's failover track file: held, every instance drops to priority 1 and a preempting BACKUP takes over; released, back to its base. */
  holdFailover(hold: boolean, now: number): string;
  /** Delivers a peer's connection sync message. */
  receiveSync(m: SyncMessage, now: number): void;
  /** The sync message to multicast now, at most one a {@link SYNC_SEND_MS}, while a master sync daemon runs. */
  drainSync(now: number): SyncMessage | null;
  /** Adverts to send to the peers since the last call. */
  drainAdverts(): VrrpAdvert[];
  /** Events since the last call, oldest first. */
  drainEvents(): AgentEvent[];
  /** The connection table (with persistence templates) as `ipvsadm -Lnc` shows it. */
  connections(now: number): SimConnection[];
}

/** Traffic and timers advance in steps of at most this, so schedulers see connection counts move. */
const STEP_MS = 100;
/** Spoofed SYNs a second of a simulated SYN flood: about 6,000 half-open entries at the 60 s SYN_RECV timeout, within the table's bound. */
export const SYN_FLOOD_CPS = 100;
/** After a longer gap (a suspended laptop) only the last minute is simulated in detail. */
const MAX_DETAILED_CATCHUP_MS = 60_000;
/** A master sync daemon sends at least this often (ms); the kernel sends as connections change, in bursts. */
export const SYNC_SEND_MS = 1000;
/** Undrained events beyond this are dropped oldest first, so a forgotten director cannot grow. */
const MAX_PENDING_EVENTS = 10_000;
/** Undrained adverts beyond this are dropped oldest first; only the latest ever matter. */
const MAX_PENDING_ADVERTS = 32;

function pushBounded<T>(queue: T[], item: T, max: number): void {
  queue.push(item);
  if (queue.length > max) queue.splice(0, queue.length - max);
}

/** Creates a simulated director; keepalived is running and every VRRP instance starts in BACKUP. */
export function createSimDirector(o: SimDirectorOptions): SimDirector {
  const parsedName = directorIdSchema.safeParse(o.director);
  if (!parsedName.success) throw new SimError(`invalid director name ${JSON.stringify(o.director)}`);
  const name: DirectorId = parsedName.data;
  const cluster = o.cluster ?? seedCluster;
  validateCluster(cluster);
  const prng = createPrng((o.seed ^ hashString(name)) >>> 0);
  const runtime = createIpvsRuntime(cluster, o.seed, prng, o.now);
  const failed = new Set<FailedCheckKey>();
  const isFailed = (s: ServiceKey, r: RealServerKey): boolean => failed.has(failedCheckKey(s, r));
  const events: AgentEvent[] = [];
  const adverts: VrrpAdvert[] = [];
  const emit = (e: AgentEvent): void => pushBounded(events, e, MAX_PENDING_EVENTS);
  const newPid = (): number => prng.int(1000, 65000);
  let keepalived: KeepalivedStatus = { running: true, pid: newPid(), since: o.now };
  let linkCut = false;
  let last = o.now;

  const priorities = cluster.directors.find((d) => d.name === name)?.priorities ?? {};
  const instances: SimVrrpInstance[] = cluster.vrrp.map((config) =>
    createVrrpInstance(name, config, priorities[config.name] ?? cluster.defaultPriority, {
      send: (a) => {
        if (!linkCut) pushBounded(adverts, a, MAX_PENDING_ADVERTS);
      },
      emit,
      // Without a connection sync daemon the new MASTER starts with an empty table, so the old one's goes too.
      transitioned: (from, to) => {
        if (from === "MASTER" && to !== "MASTER") runtime.flush((s) => s.config.instance === config.name);
      },
    }),
  );
  runtime.services = createServices(cluster.services, o.now, isFailed);
  for (const i of instances) i.start(o.now);

  // Connection sync as keepalived's lvs_sync_daemon runs it: the daemon's role follows one instance's state.
  const syncConfig = cluster.connectionSync ?? null;
  /** Stopped by hand (`ipvsadm --stop-daemon`), until started again. */
  let syncStopped = false;
  /** What the last sync message from a MASTER said, kept until its entries would have expired. */
  let syncedFromPeer: { entries: number; at: number } | null = null;
  let lastSyncSent = -Infinity;
  const syncDaemons = (): SyncDaemon[] => {
    if (syncConfig === null || syncStopped || !keepalived.running) return [];
    const instance = instances.find((i) => i.config.name === syncConfig.instance);
    if (instance === undefined) return [];
    return [{ role: instance.state === "MASTER" ? "master" : "backup", interface: syncConfig.interface, syncId: syncConfig.syncId, maxlen: null, group: null, port: null, ttl: null }];
  };
  const connectionSync = (now: number): ConnectionSync => {
    const daemons = syncDaemons();
    if (daemons.length === 0) return { daemons, entries: null };
    const held = syncedFromPeer !== null && now - syncedFromPeer.at <= cluster.timeouts.tcp * 1000 ? syncedFromPeer.entries : 0;
    return { daemons, entries: { local: runtime.counts().connections, synced: held, countedAt: now } };
  };

  const carries = (service: { config: { instance: string } }): boolean =>
    keepalived.running && instances.some((i) => i.config.name === service.config.instance && i.state === "MASTER");

  const stepTo = (t: number, withTraffic: boolean): void => {
    if (keepalived.running) for (const i of instances) i.advance(t);
    runtime.step(t, withTraffic ? carries : () => false);
  };
  const advance = (now: number): void => {
    if (!(now > last)) return;
    if (now - last > MAX_DETAILED_CATCHUP_MS) stepTo(now - MAX_DETAILED_CATCHUP_MS, false);
    for (let t = Math.max(last, now - MAX_DETAILED_CATCHUP_MS) + STEP_MS; t < now; t += STEP_MS) stepTo(t, true);
    stepTo(now, true);
    last = now;
  };

  const stopKeepalived = (now: number): string => {
    if (!keepalived.running) return `keepalived is already stopped on ${name}`;
    for (const i of instances) i.stop(now);
    // keepalived removes the virtual servers it created when it exits.
    runtime.flush(() => true);
    runtime.services = [];
    keepalived = { running: false, pid: null, since: now };
    emit({ kind: "keepalived", running: false, detail: "keepalived stopped: VIPs released, virtual servers removed", at: now });
    return `keepalived stopped on ${name}: VIPs released, virtual servers removed`;
  };
  const startKeepalived = (now: number): string => {
    if (keepalived.running) return `keepalived is already running on ${name}`;
    keepalived = { running: true, pid: newPid(), since: now };
    runtime.services = createServices(cluster.services, now, isFailed);
    applySilence();
    applyFlood();
    emit({ kind: "keepalived", running: true, detail: `keepalived started (pid ${keepalived.pid})`, at: now });
    for (const i of instances) i.start(now);
    return `keepalived started on ${name}: virtual servers programmed, VRRP instances in BACKUP`;
  };
  const flipHealth = (cmd: SimFaultCommand, up: boolean, now: number): string => {
    const targets = resolveCheckTargets(cluster, cmd.fault, cmd.service, cmd.realServer);
    let changed = 0;
    for (const target of targets) {
      const key = failedCheckKey(target.service, target.realServer);
      if (up) failed.delete(key);
      else failed.add(key);
      if (applyHealth(runtime.services, target, up, now, emit)) changed++;
    }
    const what = `${cmd.realServer} in ${targets.map((t) => t.service).join(", ")}`;
    if (!keepalived.running) return `health check of ${what} will report ${up ? "up" : "down"} when keepalived starts`;
    if (changed === 0) return `${what} was already ${up ? "up" : "down"}`;
    if (up) return `health check up: ${what} back at its configured weight`;
    const inhibited = targets.every((t) => cluster.services.find((c) => serviceKeyOfConfig(c) === t.service)?.inhibitOnFailure === true);
    return `health check down: ${what} ${inhibited ? "set to weight 0 (inhibit_on_failure)" : "deleted from the table by keepalived (no inhibit_on_failure)"}`;
  };

  /** Real servers (by service|real server) that pass their check but do not answer clients on the VIP. */
  const silenced = new Set<string>();
  /** Real servers (by service|real server) that close every connection after one request. */
  const churning = new Set<string>();
  const applySilence = () => {
    for (const service of runtime.services) {
      for (const rs of service.realServers) {
        rs.silent = silenced.has(failedCheckKey(service.key, rs.key));
        rs.churn = churning.has(failedCheckKey(service.key, rs.key));
      }
    }
  };
  /** Adds the named real servers to (or takes them from) one of the sets above; says which they were. */
  const mark = (set: Set<string>, cmd: SimFaultCommand, on: boolean): string => {
    const targets = resolveCheckTargets(cluster, cmd.fault, cmd.service, cmd.realServer);
    for (const t of targets) {
      if (on) set.add(failedCheckKey(t.service, t.realServer));
      else set.delete(failedCheckKey(t.service, t.realServer));
    }
    applySilence();
    return `${cmd.realServer} in ${targets.map((t) => t.service).join(", ")}`;
  };
  const churn = (cmd: SimFaultCommand, on: boolean): string =>
    `${mark(churning, cmd, on)} ${on ? "closes every connection after one request (keep-alive off): its clients reconnect again and again, and TIME_WAIT entries pile up" : "keeps connections open again"}`;
  const silence = (cmd: SimFaultCommand, on: boolean): string =>
    `${mark(silenced, cmd, on)} ${on ? "stops answering clients on the VIP (its health check still passes): their connections stay half-open" : "answers clients again"}`;

  /** Services (by key) under a simulated SYN flood: kept across keepalived restarts, like the silenced servers. */
  const flooded = new Set<string>();
  const applyFlood = () => {
    for (const service of runtime.services) service.floodCps = flooded.has(service.key) ? SYN_FLOOD_CPS : 0;
  };
  const flood = (cmd: SimFaultCommand, on: boolean): string => {
    const service = cmd.service;
    if (service === undefined || !cluster.services.some((c) => serviceKeyOfConfig(c) === service)) {
      throw new SimError(`${cmd.fault} needs the service of a VIP on ${name}${service === undefined ? "" : `; there is no ${service}`}`);
    }
    if (on) flooded.add(service);
    else flooded.delete(service);
    applyFlood();
    return on
      ? `${service} flooded with ${SYN_FLOOD_CPS} spoofed SYNs a second: every real server holds half-open entries until they time out (60 s)`
      : `the SYN flood toward ${service} stops; its half-open entries time out within 60 s`;
  };

  const applyFault = (cmd: SimFaultCommand, now: number): string => {
    switch (cmd.fault) {
      case "stop-director":
        return stopKeepalived(now);
      case "start-director":
        return startKeepalived(now);
      case "fail-real-server":
        return flipHealth(cmd, false, now);
      case "restore-real-server": {
        const named = (set: Set<string>) => cmd.realServer !== undefined && [...set].some((k) => k.endsWith(`|${cmd.realServer}`));
        const done = [...(named(silenced) ? [silence(cmd, false)] : []), ...(named(churning) ? [churn(cmd, false)] : [])];
        return [...done, flipHealth(cmd, true, now)].join("; ");
      }
      case "time-wait-pileup":
        return churn(cmd, true);
      case "silence-real-server":
        return silence(cmd, true);
      case "syn-flood":
        return flood(cmd, true);
      case "end-syn-flood":
        return flood(cmd, false);
      case "cut-link":
        linkCut = true;
        return `VRRP link cut on ${name}: adverts neither sent nor received`;
      case "restore-link":
        linkCut = false;
        return `VRRP link restored on ${name}`;
      case "stop-sync":
        if (syncConfig === null) throw new SimError(`${name} runs no connection sync daemon (no lvs_sync_daemon in its configuration)`);
        syncStopped = true;
        return `connection sync daemons stopped on ${name} (ipvsadm --stop-daemon): its peer no longer gets its connections, or it no longer takes its peer's`;
      case "start-sync":
        if (syncConfig === null) throw new SimError(`${name} runs no connection sync daemon (no lvs_sync_daemon in its configuration)`);
        syncStopped = false;
        return `connection sync daemon started again on ${name} (sync id ${syncConfig.syncId} on ${syncConfig.interface})`;
      default:
        throw new SimError(`unknown fault ${JSON.stringify((cmd as { fault: unknown }).fault)}`);
    }
  };

  return {
    director: name,
    advance,
    snapshot(now) {
      advance(now);
      return { ...buildSnapshot({ director: name, now, keepalived, instances, services: runtime.services, timeouts: cluster.timeouts }), ...(syncConfig !== null && { connectionSync: connectionSync(now) }) };
    },
    setWeight(service, realServer, weight, now) {
      advance(now);
      if (!Number.isInteger(weight) || weight < 0 || weight > MAX_WEIGHT) {
        throw new SimError(`weight must be an integer 0..${MAX_WEIGHT}, got ${weight}`);
      }
      if (!keepalived.running) throw new SimError(`keepalived is stopped on ${name}: it has no virtual service ${service}`);
      const found = findRealServer(runtime.services, service, realServer);
      const from = found.realServer.weight;
      applyWeight(found.service, found.realServer, weight, "operator");
      emit({ kind: "weight", service: found.service.key, realServer: found.realServer.key, from, to: weight, cause: "operator", commandId: null, at: now });
      return found.realServer.weight;
    },
    injectFault(cmd, now) {
      advance(now);
      const mark = events.length;
      const detail = applyFault(cmd, now);
      // The fault itself comes first on the timeline, then what it caused.
      events.splice(Math.min(mark, events.length), 0, { kind: "sim-fault", fault: cmd.fault, detail, at: now });
      if (events.length > MAX_PENDING_EVENTS) events.splice(0, events.length - MAX_PENDING_EVENTS);
      return detail;
    },
    receiveAdvert(a, now) {
      advance(now);
      if (!keepalived.running || linkCut) return;
      for (const i of instances) i.receive(a, now);
    },
    holdFailover(hold, now) {
      advance(now);
      const value = hold ? FAILOVER_HOLD_VALUE : 0;
      for (const i of instances) i.setFailoverFile(value, now);
      return `wrote ${value} to the failover file of ${name}: ${hold ? "its VRRP instances drop to priority 1, so a BACKUP that preempts takes over" : "its VRRP instances are back at their own priority; one that preempts takes MASTER back"}`;
    },
    receiveSync(m, now) {
      advance(now);
      if (linkCut || m.director === name) return;
      // A backup daemon takes only messages with its own sync id; a master daemon takes none.
      if (syncDaemons().some((d) => d.role === "backup" && d.syncId === m.syncId)) syncedFromPeer = { entries: m.entries, at: now };
    },
    drainSync(now) {
      const master = syncDaemons().find((d) => d.role === "master");
      if (master === undefined || linkCut || now - lastSyncSent < SYNC_SEND_MS) return null;
      lastSyncSent = now;
      // The kernel syncs a connection once it passes sync_threshold packets, and again as it closes
      // (FIN_WAIT, TIME_WAIT…); a half-open one (SYN_RECV) has not, so it stays local.
      return { sync: true, director: name, syncId: master.syncId, entries: runtime.counts().handshaken };
    },
    drainAdverts: () => adverts.splice(0),
    drainEvents: () => events.splice(0),
    connections(now) {
      advance(now);
      return runtime.connections(now);
    },
  };
}
