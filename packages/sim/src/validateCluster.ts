import { MAX_WEIGHT } from "@lvsdeck/protocol";
import type { SimClusterConfig } from "./clusterConfig";
import { serviceKeyOfConfig } from "./ipvsTable";
import { SimError } from "./simError";

/** Rejects cluster configurations the simulator cannot run, naming the first problem found. */
export function validateCluster(cluster: SimClusterConfig): void {
  const instances = new Set(cluster.vrrp.map((v) => v.name));
  const vrids = new Set(cluster.vrrp.map((v) => v.vrid));
  if (instances.size !== cluster.vrrp.length || vrids.size !== cluster.vrrp.length) {
    throw new SimError("VRRP instance names and VRIDs must be unique");
  }
  for (const v of cluster.vrrp) {
    if (!(v.advertIntervalMs > 0)) throw new SimError(`${v.name}: advert interval must be positive`);
  }
  const keys = new Set<string>();
  for (const s of cluster.services) {
    const key = serviceKeyOfConfig(s);
    if (keys.has(key)) throw new SimError(`duplicate virtual service ${key}`);
    keys.add(key);
    if (!instances.has(s.instance)) throw new SimError(`${key}: unknown VRRP instance ${s.instance}`);
    for (const rs of s.realServers) {
      if (!Number.isInteger(rs.weight) || rs.weight < 0 || rs.weight > MAX_WEIGHT) {
        throw new SimError(`${key}: real server ${rs.address}:${rs.port} has invalid weight ${rs.weight}`);
      }
    }
  }
}
