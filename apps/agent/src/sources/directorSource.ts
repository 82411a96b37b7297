import { serviceFolder } from "@lvsdeck/ipvs";
import type { ServiceKeyOf } from "@lvsdeck/ipvs";
import type { AgentEvent, Capability, ConnectionQuery, DirectorId, DirectorSnapshot, VirtualService, WeightMode } from "@lvsdeck/protocol";
import { answerConnectionQuery } from "../connectionQuery";
import { stateTableFromScan, stateTableFromSummary, type StateTable } from "../stateCounting";
import type { Logger } from "@lvsdeck/log";
import type { DirectorSource } from "./source";
import type { DirectorDetails, IpvsPart, KeepalivedPart } from "./parts";
import { createWeightBook } from "./weightBook";
import { mergeCheckerView } from "./checkerMerge";
import type { WeightsFile } from "./weightsFile";
import { createSyncReader } from "./syncReader";

/** Options for {@link createDirectorSource}. */
export interface DirectorSourceOptions {
  director: DirectorId;
  /** `ipvsadm` and/or `procfs`; with both, ipvsadm reads the table and /proc the connection table. */
  ipvs: readonly IpvsPart[];
  keepalived: KeepalivedPart | null;
  weightMode: WeightMode;
  /** Required in weight mode `keepalived`. */
  weightsFile: WeightsFile | null;
  /** Makes keepalived re-read its configuration (SIGHUP) after the weights file changed. */
  reloadKeepalived: () => Promise<void>;
  /** lvsdeck's failover track file (`--failover-file`); null without planned failover. */
  failoverFile?: { hold(hold: boolean): Promise<string> } | null;
  log: Logger;
}

const NO_KEEPALIVED = { running: false, pid: null, since: null } as const;

/**
 * Maps connections of fwmark services (which show the VIP they hit) to their `FWM n` service, by the real
 * server they went to. Made with `serviceFolder`, so the aggregator folds each service and real server
 * once and caches the key, instead of building an entry per connection to call it.
 */
export function fwmarkFolder(services: readonly VirtualService[]): ServiceKeyOf {
  const known = new Set<string>(services.map((s) => s.key));
  const fwmarkByRealServer = new Map<string, string>();
  for (const s of services) if (s.fwmark !== null) for (const rs of s.realServers) fwmarkByRealServer.set(rs.address, s.key);
  return serviceFolder((serviceKey, _realServerKey, destination) => (known.has(serviceKey) ? serviceKey : (fwmarkByRealServer.get(destination.address) ?? serviceKey)));
}

/** Combines IPVS and keepalived parts into one director source; `kinds` lists the parts behind it. */
export function createDirectorSource(options: DirectorSourceOptions): DirectorSource & { readDetails(): Promise<DirectorDetails> } {
  const { ipvs, keepalived, log } = options;
  const ipvsadm = ipvs.find((p) => p.kind === "ipvsadm");
  const procfs = ipvs.find((p) => p.kind === "procfs");
  const table = ipvsadm ?? procfs;
  const listeners: Array<(event: AgentEvent) => void> = [];
  const emit = (event: AgentEvent) => listeners.forEach((l) => l(event));
  keepalived?.onEvent(emit);
  const book = createWeightBook();
  let lastServices: VirtualService[] = [];
  if (options.weightMode === "keepalived" && options.weightsFile === null) throw new Error("--weight-mode keepalived needs --keepalived-weights-file");

  const managed = async (): Promise<ReadonlySet<string> | null> => {
    if (options.weightMode !== "keepalived" || options.weightsFile === null) return null;
    return options.weightsFile.managed().catch((err: Error) => {
      log.warn("cannot read the keepalived weights file", { error: err.message });
      return new Set<string>();
    });
  };

  const connectionsPart = procfs ?? ipvsadm;
  const sync = createSyncReader({
    ...(ipvsadm?.readSyncDaemons !== undefined && { daemons: () => ipvsadm.readSyncDaemons!() }),
    ...(procfs?.countSyncOrigins !== undefined && { origins: () => procfs.countSyncOrigins!() }),
    log,
  });
  const capabilities: Capability[] = [
    ...(ipvsadm?.setWeight !== undefined ? (["set-weight"] as const) : []),
    ...(connectionsPart !== undefined ? (["connections-query"] as const) : []),
    ...(options.failoverFile != null ? (["planned-failover"] as const) : []),
  ];
  return {
    kinds: [...ipvs.map((p) => p.kind), ...(keepalived === null ? [] : ["keepalived"])],
    capabilities,
    weightMode: options.weightMode,
    async read(): Promise<DirectorSnapshot> {
      // Sync is asked once the table was read: a missing ipvsadm fails the read with one clear error, not two.
      const tableThenSync = async () => {
        const reading = await table?.readTable();
        return { reading, connectionSync: await sync.read() };
      };
      const [{ reading, connectionSync }, vrrp, managedKeys] = await Promise.all([tableThenSync(), keepalived?.read(), managed()]);
      const takenAt = Date.now();
      const services = mergeCheckerView(reading?.services ?? [], vrrp?.checker ?? null);
      const annotated = book.annotate(services, vrrp?.health ?? new Map(), managedKeys, takenAt);
      lastServices = annotated.services;
      for (const event of annotated.events) emit(event);
      return {
        director: options.director,
        takenAt,
        keepalived: vrrp?.keepalived ?? NO_KEEPALIVED,
        vrrp: vrrp?.vrrp ?? [],
        syncGroups: vrrp?.syncGroups ?? [],
        vipsPresent: vrrp?.vipsPresent ?? [],
        services: annotated.services,
        timeouts: reading?.timeouts ?? null,
        ...(connectionSync !== undefined && { connectionSync }),
      };
    },
    async setWeight(service, realServer, weight) {
      if (ipvsadm?.setWeight === undefined) throw new Error("setting weights needs ipvsadm (add ipvsadm to --source)");
      const file = options.weightMode === "keepalived" ? options.weightsFile : null;
      const written = await file?.write(service, realServer, weight);
      let observed: number;
      try {
        observed = await ipvsadm.setWeight(service, realServer, weight);
      } catch (err) {
        await written?.undo();
        throw err;
      }
      book.recordOperator(service, realServer, observed);
      if (file !== null) {
        await options.reloadKeepalived().catch((err: Error) => log.error("the weight is applied but keepalived was not reloaded", { error: err.message }));
      }
      return observed;
    },
    // /proc is preferred for the table: readable without root and cheaper than ipvsadm's reformatting.
    ...(connectionsPart !== undefined && {
      queryConnections: (query: ConnectionQuery) => answerConnectionQuery((onChunk) => connectionsPart.streamConnections(onChunk), query, Date.now()),
    }),
    ...(options.failoverFile != null && { holdFailover: (hold: boolean) => options.failoverFile!.hold(hold) }),
    onEvent: (listener) => void listeners.push(listener),
    onChange: (listener) => keepalived?.onChange(listener),
    // /proc through the byte scanner where it is read, else ipvsadm -Lnc through the aggregator.
    ...(connectionsPart !== undefined && {
      async countStates(): Promise<StateTable> {
        if (lastServices.length === 0 && table !== undefined) lastServices = (await table.readTable()).services;
        const fold = fwmarkFolder(lastServices);
        if (procfs?.countStates !== undefined) return stateTableFromScan(await procfs.countStates(fold));
        return stateTableFromSummary(await connectionsPart.readConnections(fold));
      },
    }),
    async readDetails(): Promise<DirectorDetails> {
      if (lastServices.length === 0 && table !== undefined) lastServices = (await table.readTable()).services;
      const [connections, totals] = await Promise.all([connectionsPart?.readConnections(fwmarkFolder(lastServices)) ?? null, procfs?.readTotals?.() ?? null]);
      return { connections, totals };
    },
    async close() {
      await keepalived?.close();
    },
  };
}
