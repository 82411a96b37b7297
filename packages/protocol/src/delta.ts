import type { AgentDelta } from "./agentMessages";
import type { DirectorSnapshot, VirtualService } from "./model";
import type { ServiceKey } from "./ids";

// Frames are small JSON; comparing serialised forms is cheap next to the socket write and exact.
function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** What changed between two snapshots of one director, as a delta frame (services compared whole). */
export function diffSnapshots(prev: DirectorSnapshot, next: DirectorSnapshot): AgentDelta {
  const before = new Map<ServiceKey, VirtualService>(prev.services.map((s) => [s.key, s]));
  const upsertServices = next.services.filter((s) => !sameJson(before.get(s.key), s));
  const nextKeys = new Set(next.services.map((s) => s.key));
  const removeServices = prev.services.filter((s) => !nextKeys.has(s.key)).map((s) => s.key);
  const delta: AgentDelta = { type: "delta", takenAt: next.takenAt, upsertServices, removeServices };
  if (!sameJson(prev.vrrp, next.vrrp)) delta.vrrp = next.vrrp;
  if (!sameJson(prev.syncGroups, next.syncGroups)) delta.syncGroups = next.syncGroups;
  if (!sameJson(prev.vipsPresent, next.vipsPresent)) delta.vipsPresent = next.vipsPresent;
  if (!sameJson(prev.keepalived, next.keepalived)) delta.keepalived = next.keepalived;
  if (!sameJson(prev.timeouts, next.timeouts)) delta.timeouts = next.timeouts;
  if (next.connectionSync !== undefined && !sameJson(prev.connectionSync, next.connectionSync)) delta.connectionSync = next.connectionSync;
  return delta;
}

/** Applies a delta to the snapshot it was computed against, keeping the service order of the delta's source. */
export function applyDelta(snapshot: DirectorSnapshot, delta: AgentDelta): DirectorSnapshot {
  const removed = new Set(delta.removeServices);
  const upserts = new Map(delta.upsertServices.map((s) => [s.key, s]));
  const services: VirtualService[] = [];
  for (const service of snapshot.services) {
    if (removed.has(service.key)) continue;
    services.push(upserts.get(service.key) ?? service);
    upserts.delete(service.key);
  }
  services.push(...upserts.values());
  return {
    ...snapshot,
    takenAt: delta.takenAt,
    services,
    vrrp: delta.vrrp ?? snapshot.vrrp,
    syncGroups: delta.syncGroups ?? snapshot.syncGroups,
    vipsPresent: delta.vipsPresent ?? snapshot.vipsPresent,
    keepalived: delta.keepalived ?? snapshot.keepalived,
    timeouts: delta.timeouts === undefined ? snapshot.timeouts : delta.timeouts,
    ...((delta.connectionSync ?? snapshot.connectionSync) !== undefined && { connectionSync: delta.connectionSync ?? snapshot.connectionSync }),
  };
}

/** True when a delta carries nothing but a new timestamp. */
export function isEmptyDelta(delta: AgentDelta): boolean {
  return (
    delta.upsertServices.length === 0 &&
    delta.removeServices.length === 0 &&
    delta.vrrp === undefined &&
    delta.syncGroups === undefined &&
    delta.vipsPresent === undefined &&
    delta.keepalived === undefined &&
    delta.timeouts === undefined &&
    delta.connectionSync === undefined
  );
}
