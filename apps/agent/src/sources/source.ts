import type { DirectorDetails } from "./parts";
import type { ConnectionAnswer } from "../connectionQuery";
import type { StateTable } from "../stateCounting";
import type { AgentEvent, Capability, ConnectionQuery, DirectorSnapshot, RealServerKey, ServiceKey, SimFaultCommand, WeightMode } from "@lvsdeck/protocol";

/** Where a director's state comes from: a simulation, ipvsadm, /proc, keepalived, or a combination. */
export interface DirectorSource {
  /** The source kinds behind this instance, e.g. ["ipvsadm", "keepalived"]. */
  readonly kinds: readonly string[];
  readonly capabilities: readonly Capability[];
  readonly weightMode: WeightMode;
  /** Reads the director's whole state now. */
  read(): Promise<DirectorSnapshot>;
  /** Applies a weight and returns the weight then in effect, re-read from the source. */
  setWeight(service: ServiceKey, realServer: RealServerKey, weight: number): Promise<number>;
  /** Writes lvsdeck's failover track file (sources with the planned-failover capability); returns what was done. */
  holdFailover?(hold: boolean): Promise<string>;
  /** Injects a fault (simulated directors only). */
  injectFault?(command: SimFaultCommand): Promise<string>;
  /** Per-state connection counts and director totals (real sources only): what snapshots have no room for. */
  readDetails?(): Promise<DirectorDetails>;
  /** Counts the connection table by state per real server (sources that read it); see `withStateCounts`. */
  countStates?(): Promise<StateTable>;
  /** Answers a filtered, paged query of the connection table (sources with the connections-query capability). */
  queryConnections?(query: ConnectionQuery): Promise<ConnectionAnswer>;
  /** Registers the listener for events as they happen. */
  onEvent(listener: (event: AgentEvent) => void): void;
  /** Registers a listener told when state read in the background has changed what `read()` returns. */
  onChange?(listener: () => void): void;
  close(): Promise<void>;
}
