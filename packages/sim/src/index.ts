export { encodeAdvert, decodeAdvert, encodeSync, decodeSync, MAX_ADVERT_BYTES, type VrrpAdvert, type SyncMessage } from "./advert";
export { createSimDirector, type SimDirector, type SimDirectorOptions } from "./simDirector";
export type { SimConnection } from "./simConnection";
export { SimError } from "./simError";
export { seedCluster } from "./seedCluster";
export type {
  SimClusterConfig,
  SimConnectionSyncConfig,
  SimDirectorConfig,
  SimRealServerConfig,
  SimServiceConfig,
  SimTrafficProfile,
  SimTrafficTarget,
  SimVrrpInstanceConfig,
} from "./clusterConfig";
export { createScheduler } from "./schedulers/createScheduler";
export type { IpvsScheduler, SchedulerDest, SchedulerPacket } from "./schedulers/schedulerTypes";
export {
  scheduleFailover,
  scheduleLeastConnection,
  scheduleNeverQueue,
  scheduleOverflow,
  scheduleShortestExpectedDelay,
  scheduleWeightedLeastConnection,
} from "./schedulers/leastConnection";
export { HASH_TABLE_SIZE, destinationHashKey, sourceHashKey } from "./schedulers/hashing";
export { masterDownIntervalMs, skewTimeMs } from "./vrrpInstance";
export { MAX_CONNECTIONS } from "./ipvsRuntime";
export { renderIpvsadmConnections } from "./renderConnections";
export { scaledCluster, MAX_EXTRA_SERVICES, MAX_REAL_SERVERS_PER_SERVICE } from "./scaledCluster";
