export type { ParseError, ParseResult } from "./parseResult";
export type {
  IpvsadmList,
  IpvsadmPersistentConn,
  IpvsadmTable,
  IpvsadmThresholds,
  IpvsadmTunInfo,
  ListRealServer,
  PersistentConnRealServer,
  RealServerId,
  ServiceEntry,
  ServiceId,
  ThresholdsRealServer,
  TunInfoRealServer,
  TunnelChecksum,
  TunnelInfo,
  TunnelType,
} from "./ipvsTypes";
export { tunnelChecksums, tunnelTypes } from "./ipvsTypes";
export type { AddressPort } from "./addresses";
export { formatIpv6, normalizeAddress, parseAddressPort } from "./addresses";
export { parseIpvsadmList, parseIpvsadmPersistentConn, parseIpvsadmThresholds, parseIpvsadmTunInfo, parseTunnelInfo } from "./parseIpvsadmList";
export type { IpvsadmRates, IpvsadmStats, StatsColumns } from "./parseStats";
export { parseIpvsadmRate, parseIpvsadmStats } from "./parseStats";
export { parseIpvsadmTimeout } from "./parseTimeout";
export type { IpvsadmSave, SavedRealServer } from "./parseIpvsadmSave";
export { parseIpvsadmSave } from "./parseIpvsadmSave";
export type { ProcIpVs, ProcIpVsOptions, ProcService } from "./parseProcIpVs";
export { DEFAULT_HZ, parseProcIpVs } from "./parseProcIpVs";
export type { ProcIpVsStats, ProcIpVsStatsPercpu } from "./parseProcStats";
export { parseProcIpVsStats, parseProcIpVsStatsPercpu } from "./parseProcStats";
export type { ConnectionActivity } from "./connectionState";
export { connectionActivities, connectionActivity, connectionStates, isTemplate, sctpStates, tcpStates } from "./connectionState";
export type { ConnectionEntry, ConnectionLine } from "./parseConnections";
export { parseConnectionLine, parseConnections, parseIpvsadmConnections, parseProcIpVsConn } from "./parseConnections";
export type { HeavyHitter, SpaceSaving } from "./spaceSaving";
export { createSpaceSaving } from "./spaceSaving";
export type {
  AggregatorFootprint,
  ConnectionAggregator,
  ConnectionAggregatorOptions,
  ConnectionCounts,
  ConnectionSummary,
  FoldService,
  RealServerConnections,
  ServiceConnections,
  ServiceKeyOf,
} from "./aggregateConnections";
export { aggregateConnections, createConnectionAggregator, serviceFolder } from "./aggregateConnections";
export type { ConnectionFilter, ConnectionPage, ConnectionQuery, ConnectionQueryOptions } from "./queryConnections";
export { connectionMatcher, createConnectionQuery, queryConnections } from "./queryConnections";
export type { IpvsTables, MergeDefaults, MergeIssue } from "./mergeIpvsTables";
export { mergeIpvsTables } from "./mergeIpvsTables";
export type { EditArgsError, EditArgsResult, EditRealServerInput, EditRealServerRef, EditServiceRef } from "./buildEditCommand";
export { buildEditRealServerArgs } from "./buildEditCommand";
export type { IpvsadmFailure, IpvsadmFailureKind } from "./parseIpvsadmFailure";
export { ipvsadmFailureKinds, parseIpvsadmFailure } from "./parseIpvsadmFailure";
export { createProcStateCounter, countProcStates, type StateCount, type StateCountResult, type ReadInto, type ServiceKeyOf as StateServiceKeyOf } from "./procStateCounter";
export { parseIpvsadmDaemon } from "./parseDaemon";
export { createSyncOriginCounter, type SyncOriginCount } from "./syncOrigins";
