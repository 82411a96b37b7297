import type { DirectorSnapshot, DirectorView } from "@lvsdeck/protocol";

/**
 * Each snapshot's shape, worked out once: the snapshot history and the browser gateway both ask for every
 * tick's. A snapshot is never changed in place (a delta makes a new one), so its shape stays right.
 */
const shapes = new WeakMap<DirectorSnapshot, string>();

/**
 * What an operator sees change in a snapshot: VRRP states and priorities, VIPs, keepalived, sync daemons, the set of
 * services and real servers with their weights and health. Counters and rates change every tick and
 * are not part of it.
 */
export function snapshotShape(s: DirectorSnapshot): string {
  let shape = shapes.get(s);
  if (shape === undefined) {
    shape = JSON.stringify([
      s.keepalived.running,
      s.vrrp.map((v) => [v.name, v.state, v.effectivePriority]),
      s.vipsPresent,
      s.connectionSync?.daemons?.map((d) => [d.role, d.syncId]) ?? null,
      s.services.map((svc) => [svc.key, svc.scheduler, svc.realServers.map((rs) => [rs.key, rs.weight, rs.health])]),
    ]);
    shapes.set(s, shape);
  }
  return shape;
}

/** The shape of a director's live view: its snapshot's shape plus whether it is connected and fresh. */
export function viewShape(view: DirectorView): string {
  return `${view.connected ? 1 : 0}${view.stale ? 1 : 0}${view.snapshot ? snapshotShape(view.snapshot) : ""}`;
}
